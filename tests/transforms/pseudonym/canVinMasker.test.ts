import { describe, expect, it } from 'vitest';
import type { CanFrame } from '../../../ingest/can/frame.js';
import { CanVinMasker } from '../../../transforms/pseudonym/CanVinMasker.js';
import { Pseudonymiser } from '../../../transforms/pseudonym/Pseudonymiser.js';

const VIN = '1M8GDM9AXKP042788';
const V = [...VIN].map((c) => c.charCodeAt(0));
const STAR = 0x2a;

let clock = 0n;
function frame(id: number, data: number[], options: Partial<CanFrame> = {}): CanFrame {
  clock += 1000n;
  return {
    t: clock,
    bus: 'can0',
    id,
    extended: false,
    dlc: Math.min(data.length, 8),
    data: Uint8Array.from(data),
    fd: data.length > 8,
    brs: false,
    esi: false,
    error: false,
    remote: false,
    ...options,
  };
}

function masker(): CanVinMasker {
  return new CanVinMasker({ bytes: new Pseudonymiser().bytes });
}

/** All payload bytes of the frames, as latin1 text: what someone reassembling the transfer would read. */
function payloadText(frames: readonly CanFrame[]): string {
  return frames.map((f) => String.fromCharCode(...f.data)).join('');
}

describe('CanVinMasker', () => {
  it('masks an OBD-II VIN response split over ISO-TP frames, keeping the protocol bytes', () => {
    const frames = [
      frame(0x7df, [0x02, 0x09, 0x02, 0, 0, 0, 0, 0]),
      frame(0x7e8, [0x10, 0x14, 0x49, 0x02, 0x01, ...V.slice(0, 3)]),
      frame(0x7e0, [0x30, 0, 0, 0, 0, 0, 0, 0]),
      frame(0x7e8, [0x21, ...V.slice(3, 10)]),
      frame(0x7e8, [0x22, ...V.slice(10, 17)]),
      frame(0x7e8, [0x23, 1, 2, 3, 4, 5, 6, 7]), // a later message's frame on the same id: untouched
    ];
    const m = masker();
    m.mask(frames.slice(0, 2));
    m.mask(frames.slice(2)); // a transfer continues across batches
    expect([...(frames[1]?.data ?? [])]).toEqual([0x10, 0x14, 0x49, 0x02, 0x01, STAR, STAR, STAR]);
    expect([...(frames[3]?.data ?? [])]).toEqual([0x21, ...Array<number>(7).fill(STAR)]);
    expect([...(frames[4]?.data ?? [])]).toEqual([0x22, ...Array<number>(7).fill(STAR)]);
    expect([...(frames[5]?.data ?? [])]).toEqual([0x23, 1, 2, 3, 4, 5, 6, 7]);
    expect(m.masked).toBe(1);
    for (const piece of [VIN.slice(0, 3), VIN.slice(3, 10), VIN.slice(10)]) {
      expect(payloadText(frames)).not.toContain(piece);
    }
  });

  it('masks UDS ReadDataByIdentifier F190 responses and WriteDataByIdentifier requests', () => {
    const read = [
      frame(0x7e8, [0x10, 0x14, 0x62, 0xf1, 0x90, ...V.slice(0, 3)]),
      frame(0x7e8, [0x21, ...V.slice(3, 10)]),
      frame(0x7e8, [0x22, ...V.slice(10, 17)]),
    ];
    const write = [
      frame(0x7e0, [0x10, 0x14, 0x2e, 0xf1, 0x90, ...V.slice(0, 3)]),
      frame(0x7e0, [0x21, ...V.slice(3, 10)]),
      frame(0x7e0, [0x22, ...V.slice(10, 17)]),
    ];
    const m = masker();
    m.mask([...read, ...write]);
    expect(m.masked).toBe(2);
    expect(
      payloadText([...read, ...write])
        .split('')
        .filter((c) => c === '*').length,
    ).toBe(34);
  });

  it('drops a transfer whose next frame is out of sequence, and leaves the shared buffer alone', () => {
    const buffer = Uint8Array.from([0x10, 0x14, 0x62, 0xf1, 0x90, ...V.slice(0, 3), 0x22, ...V.slice(3, 10)]);
    const first = frame(0x7e8, []);
    first.data = buffer.subarray(0, 8);
    const skipped = frame(0x7e8, []);
    skipped.data = buffer.subarray(8, 16); // sequence 2 where 1 was due: not part of the transfer
    masker().mask([first, skipped]);
    expect([...first.data.subarray(5)]).toEqual([STAR, STAR, STAR]);
    expect(String.fromCharCode(...skipped.data.subarray(1))).toBe(VIN.slice(3, 10));
    expect(String.fromCharCode(...buffer.subarray(5, 8))).toBe(VIN.slice(0, 3)); // copied, not written through
  });

  it('masks an ISO-TP CAN FD single frame and any FD payload holding a VIN as text', () => {
    const single = frame(0x7e8, [0x00, 20, 0x62, 0xf1, 0x90, ...V, ...Array<number>(43).fill(0x55)]);
    const text = frame(0x123, [...new TextEncoder().encode(`VIN=${VIN};`), ...Array<number>(42).fill(0)]);
    const m = masker();
    m.mask([single, text]);
    expect(String.fromCharCode(...single.data.subarray(5, 22))).toBe('*'.repeat(17));
    expect(new TextDecoder().decode(text.data.subarray(0, 22))).toBe('VIN=v_redacted_______;');
    expect(text.data.length).toBe(64);
    expect(m.masked).toBe(2);
  });

  it('masks the J1939 Vehicle Identification (PGN 65260) sent by BAM, not other transfers', () => {
    const payload = [...V, 0x2a];
    const frames = [
      frame(0x18ecff00, [0x20, 18, 0, 3, 0xff, 0xec, 0xfe, 0x00], { extended: true }),
      frame(0x18ebff00, [1, ...payload.slice(0, 7)], { extended: true }),
      frame(0x18ebff00, [2, ...payload.slice(7, 14)], { extended: true }),
      frame(0x18ebff00, [3, ...payload.slice(14), 0xff, 0xff, 0xff], { extended: true }),
      // Another PGN (65259 Component Identification) on another source address: left alone.
      frame(0x18ecff01, [0x20, 9, 0, 2, 0xff, 0xeb, 0xfe, 0x00], { extended: true }),
      frame(0x18ebff01, [1, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47], { extended: true }),
    ];
    const m = masker();
    m.mask(frames);
    expect(m.masked).toBe(1);
    expect([...(frames[3]?.data ?? [])]).toEqual([3, STAR, STAR, STAR, STAR, 0xff, 0xff, 0xff]);
    expect(payloadText(frames.slice(0, 4))).not.toMatch(/[0-9A-Z]{3}/);
    expect(String.fromCharCode(...(frames[5]?.data.subarray(1) ?? []))).toBe('ABCDEFG');
  });
});
