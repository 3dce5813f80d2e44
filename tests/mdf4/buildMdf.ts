/**
 * A tiny MDF4 writer for tests: blocks reference each other as objects and are laid out in order, 8-byte
 * aligned (MDF4 §5.2 block header: `##XX`, reserved, u64 length, u64 link count, links, data).
 */
import { deflateSync } from 'node:zlib';

export interface Block {
  id: string;
  links: (Block | null)[];
  data: Uint8Array;
}

export function block(id: string, links: (Block | null)[], data: Uint8Array = new Uint8Array(0)): Block {
  return { id, links, data };
}

/** Little-endian field packing: `[['u8', 1], ['u64', 5n], ['f64', 1.5], ...]`. */
export function pack(fields: [string, number | bigint][]): Uint8Array {
  const sizes: Record<string, number> = { u8: 1, u16: 2, i16: 2, u32: 4, u64: 8, f64: 8 };
  const length = fields.reduce((n, [type]) => n + (sizes[type] ?? 0), 0);
  const view = new DataView(new ArrayBuffer(length));
  let at = 0;
  for (const [type, value] of fields) {
    if (type === 'u8') view.setUint8(at, Number(value));
    if (type === 'u16') view.setUint16(at, Number(value), true);
    if (type === 'i16') view.setInt16(at, Number(value), true);
    if (type === 'u32') view.setUint32(at, Number(value), true);
    if (type === 'u64') view.setBigUint64(at, BigInt(value), true);
    if (type === 'f64') view.setFloat64(at, Number(value), true);
    at += sizes[type] ?? 0;
  }
  return new Uint8Array(view.buffer);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const tx = (text: string): Block =>
  block('TX', [], concat(new TextEncoder().encode(text), new Uint8Array(1)));

export interface ChannelSpec {
  name: string;
  kind?: number;
  syncType?: number;
  dataType: number;
  byteOffset: number;
  bitOffset?: number;
  bitCount: number;
  invalidationBit?: number;
  cc?: Block;
  data?: Block;
}

/** CN blocks chained in order (§6.16). */
export function channels(specs: ChannelSpec[]): Block {
  let next: Block | null = null;
  for (const spec of [...specs].reverse()) {
    const flags = spec.invalidationBit === undefined ? 0 : 2;
    const data = concat(
      pack([
        ['u8', spec.kind ?? 0],
        ['u8', spec.syncType ?? 0],
        ['u8', spec.dataType],
        ['u8', spec.bitOffset ?? 0],
        ['u32', spec.byteOffset],
        ['u32', spec.bitCount],
        ['u32', flags],
        ['u32', spec.invalidationBit ?? 0],
        ['u8', 0],
        ['u8', 0],
        ['u16', 0],
      ]),
      new Uint8Array(48),
    );
    next = block(
      'CN',
      [next, null, tx(spec.name), null, spec.cc ?? null, spec.data ?? null, null, null],
      data,
    );
  }
  if (!next) throw new Error('no channels');
  return next;
}

export function cc(type: number, vals: number[], refs: (Block | null)[] = []): Block {
  return block(
    'CC',
    [null, null, null, null, ...refs],
    concat(
      pack([
        ['u8', type],
        ['u8', 0],
        ['u16', 0],
        ['u16', refs.length],
        ['u16', vals.length],
        ['f64', 0],
        ['f64', 0],
      ]),
      pack(vals.map((v) => ['f64', v])),
    ),
  );
}

export function cg(options: {
  next?: Block | null;
  channels: Block | null;
  recordId?: number;
  cycles: number;
  flags?: number;
  dataBytes: number;
  invalidationBytes?: number;
}): Block {
  return block(
    'CG',
    [options.next ?? null, options.channels, null, null, null, null],
    pack([
      ['u64', options.recordId ?? 0],
      ['u64', options.cycles],
      ['u16', options.flags ?? 0],
      ['u16', 0],
      ['u32', 0],
      ['u32', options.dataBytes],
      ['u32', options.invalidationBytes ?? 0],
    ]),
  );
}

export function dg(options: {
  next?: Block | null;
  groups: Block;
  data: Block | null;
  recordIdSize?: number;
}): Block {
  return block(
    'DG',
    [options.next ?? null, options.groups, options.data, null],
    concat(pack([['u8', options.recordIdSize ?? 0]]), new Uint8Array(7)),
  );
}

export const dt = (bytes: Uint8Array, id = 'DT'): Block => block(id, [], bytes);

/** A DZ block (§6.26), deflate (columns 0) or transposed deflate over `columns`-byte records. */
export function dz(bytes: Uint8Array, columns = 0, original = 'DT'): Block {
  let source = bytes;
  if (columns > 0) {
    const rows = Math.floor(bytes.length / columns);
    source = new Uint8Array(bytes.length);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < columns; c++) source[c * rows + r] = bytes[r * columns + c]!;
    source.set(bytes.subarray(rows * columns), rows * columns);
  }
  const zipped = deflateSync(source);
  return block(
    'DZ',
    [],
    concat(
      new TextEncoder().encode(original),
      pack([
        ['u8', columns > 0 ? 1 : 0],
        ['u8', 0],
        ['u32', columns],
        ['u64', bytes.length],
        ['u64', zipped.length],
      ]),
      zipped,
    ),
  );
}

export function dl(parts: Block[]): Block {
  return block(
    'DL',
    [null, ...parts],
    pack([
      ['u8', 0],
      ['u8', 0],
      ['u16', 0],
      ['u32', parts.length],
      ...parts.map((): [string, number] => ['u64', 0]),
    ]),
  );
}

export interface FileOptions {
  unfinalized?: number;
  startNs?: bigint;
  tzMinutes?: number;
  dstMinutes?: number;
  timeFlags?: number;
  /** Write this block's length field as header-only (unfinalised last DT). */
  openEnded?: Block;
}

/** Lays out ID + HD + every reachable block; returns the file bytes and each block's offset. */
export function buildMdf(
  firstDg: Block,
  options: FileOptions = {},
): { bytes: Uint8Array; offsets: Map<Block, number> } {
  const hd = block(
    'HD',
    [firstDg, null, null, null, null, null],
    concat(
      pack([
        ['u64', options.startNs ?? 1_600_000_000_000_000_000n],
        ['i16', options.tzMinutes ?? 0],
        ['i16', options.dstMinutes ?? 0],
        ['u8', options.timeFlags ?? 0],
        ['u8', 0],
        ['u8', 0],
        ['u8', 0],
      ]),
      new Uint8Array(16),
    ),
  );
  const order: Block[] = [];
  const visit = (b: Block | null): void => {
    if (!b || order.includes(b)) return;
    order.push(b);
    b.links.forEach(visit);
  };
  visit(hd);
  // Data blocks last, like loggers write them (and so an open-ended DT can run to the end of the file).
  const isData = (b: Block): boolean => ['DT', 'DZ', 'SD'].includes(b.id);
  const sorted = [...order.filter((b) => !isData(b)), ...order.filter(isData)];
  if (options.openEnded) {
    sorted.splice(sorted.indexOf(options.openEnded), 1);
    sorted.push(options.openEnded);
  }
  const offsets = new Map<Block, number>();
  let at = 64;
  for (const b of sorted) {
    offsets.set(b, at);
    at += Math.ceil((24 + 8 * b.links.length + b.data.length) / 8) * 8;
  }
  const out = new Uint8Array(at);
  const view = new DataView(out.buffer);
  out.set(
    new TextEncoder().encode(options.unfinalized === undefined ? 'MDF     4.10    ' : 'UnFinMF 4.11    '),
  );
  view.setUint16(28, 410, true);
  view.setUint16(60, options.unfinalized ?? 0, true);
  for (const b of sorted) {
    const offset = offsets.get(b)!;
    out.set(new TextEncoder().encode(`##${b.id}`), offset);
    const length = 24 + 8 * b.links.length + (b === options.openEnded ? 0 : b.data.length);
    view.setBigUint64(offset + 8, BigInt(length), true);
    view.setBigUint64(offset + 16, BigInt(b.links.length), true);
    b.links.forEach((link, i) =>
      view.setBigUint64(offset + 24 + 8 * i, BigInt(link ? offsets.get(link)! : 0), true),
    );
    out.set(b.data, offset + 24 + 8 * b.links.length);
  }
  // An open-ended last block ends exactly at the end of the file (no alignment padding).
  const last = sorted[sorted.length - 1]!;
  const end = offsets.get(last)! + 24 + 8 * last.links.length + last.data.length;
  return { bytes: out.subarray(0, end), offsets };
}
