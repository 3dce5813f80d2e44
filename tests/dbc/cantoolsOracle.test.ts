/**
 * Conformance: every DBC under ../shared/data/dbc against cantools' parse of it
 * (`expected-generated/<file>.cantools.json`, GENERATED ORACLE, see ../shared/data/PROVENANCE.md).
 *
 * Known differences from cantools are listed in EXCEPTIONS with a reason; everything else must match.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { decodeDbcBytes } from '../../ingest/dbc/decodeDbcBytes.js';
import { loadDbcFile } from '../../ingest/dbc/loadDbcFile.js';
import type { DbcDatabase, DbcMessage, DbcSignal } from '../../ingest/dbc/model.js';
import { parseDbc } from '../../ingest/dbc/parseDbc.js';

const ROOT = '../shared/data/dbc';
const REL_TOL = 1e-12;

interface OracleSignal {
  name: string;
  start: number;
  length: number;
  byte_order: 'little_endian' | 'big_endian';
  is_signed: boolean;
  is_float: boolean;
  scale: number;
  offset: number;
  minimum: number | null;
  maximum: number | null;
  unit: string | null;
  is_multiplexer: boolean;
  multiplexer_ids: number[] | null;
  multiplexer_signal: string | null;
  receivers: string[];
  choices: Record<string, string> | null;
  comment: string | null;
}

interface OracleMessage {
  frame_id: number;
  frame_id_hex: string;
  is_extended_frame: boolean;
  is_fd: boolean;
  name: string;
  length: number;
  senders: string[];
  cycle_time: number | null;
  comment: string | null;
  signals: OracleSignal[];
}

type Oracle =
  { error: string } | { encoding_used: 'utf-8' | 'cp1252'; nodes: string[]; messages: OracleMessage[] };

/**
 * cantools (strict=False) quirks that adlake deliberately does not copy. Each is a narrow rule, applied only
 * where the stated condition holds; everything else must match exactly.
 */
const QUIRKS = {
  duplicateNodes: {
    reason: 'cantools lists a node named twice in BU_ twice; adlake lists it once',
    expected: (nodes: readonly string[]): string[] => [...new Set(nodes)],
  },
  decimalZeroRange: {
    reason: 'cantools reads only the literal text [0|0] as "no range"; adlake reads [0.0|0.0] the same way',
    applies: (s: DbcSignal, os: OracleSignal): boolean =>
      s.minimum === undefined && s.maximum === undefined && os.minimum === 0 && os.maximum === 0,
  },
  shortMultiplexerName: {
    reason:
      'cantools names a multiplexer by its SG_ name even when SystemSignalLongSymbol renames the multiplexer ' +
      "signal itself (so cantools' reference dangles); adlake uses the multiplexer's long name",
    applies: (m: DbcMessage, s: DbcSignal, os: OracleSignal): boolean => {
      const selector = m.signals.find((x) => x.name === s.multiplexerSignal);
      return (
        selector !== undefined &&
        selector.name !== selector.shortName &&
        os.multiplexer_signal === selector.shortName
      );
    },
  },
};

function sameNumber(a: number | null | undefined, b: number | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a === b) return true;
  return Math.abs(a - b) <= REL_TOL * Math.max(Math.abs(a), Math.abs(b));
}

function expandRanges(signal: DbcSignal): number[] | null {
  if (signal.multiplexerRanges === undefined) return null;
  const ids: number[] = [];
  for (const [low, high] of signal.multiplexerRanges) for (let v = low; v <= high; v++) ids.push(v);
  return ids;
}

function choicesObject(choices: ReadonlyMap<number, string> | undefined): Record<string, string> | null {
  return choices === undefined ? null : Object.fromEntries([...choices].map(([k, v]) => [String(k), v]));
}

/** Every difference between our parse and cantools', as readable strings. */
function compare(file: string, db: DbcDatabase, oracle: Extract<Oracle, { messages: unknown }>): string[] {
  const diffs: string[] = [];
  const differ = (key: string, ours: unknown, theirs: unknown): void => {
    diffs.push(`${file}:${key}: ours ${JSON.stringify(ours)} cantools ${JSON.stringify(theirs)}`);
  };
  const check = (key: string, ours: unknown, theirs: unknown): void => {
    const equal =
      typeof ours === 'number' || typeof theirs === 'number'
        ? sameNumber(ours as number | null, theirs as number | null)
        : JSON.stringify(ours) === JSON.stringify(theirs);
    if (!equal) differ(key, ours, theirs);
  };

  check(
    'nodes',
    db.nodes.map((n) => n.name),
    QUIRKS.duplicateNodes.expected(oracle.nodes),
  );
  check('message count', db.messages.length, oracle.messages.length);
  const ours = new Map<string, DbcMessage>(db.messages.map((m) => [`${m.extended ? 'x' : 's'}${m.id}`, m]));
  for (const om of oracle.messages) {
    const m = ours.get(`${om.is_extended_frame ? 'x' : 's'}${om.frame_id}`);
    if (m === undefined) {
      differ(`${om.name}`, 'missing', om.frame_id_hex);
      continue;
    }
    const k = m.name;
    check(`${k}:name`, m.name, om.name);
    check(`${k}:length`, m.length, om.length);
    check(`${k}:senders`, m.senders, om.senders);
    check(`${k}:cycle_time`, m.cycleTimeMs ?? null, om.cycle_time);
    check(`${k}:is_fd`, m.fd, om.is_fd);
    check(`${k}:comment`, m.comment ?? null, om.comment);
    check(`${k}:signal names`, m.signals.map((s) => s.name).sort(), om.signals.map((s) => s.name).sort());
    const signals = new Map(m.signals.map((s) => [s.name, s]));
    for (const os of om.signals) {
      const s = signals.get(os.name);
      if (s === undefined) continue;
      const sk = `${k}.${s.name}`;
      check(`${sk}:start`, s.startBit, os.start);
      check(`${sk}:length`, s.length, os.length);
      check(`${sk}:byte_order`, s.byteOrder, os.byte_order);
      check(`${sk}:is_signed`, s.isSigned, os.is_signed);
      check(`${sk}:is_float`, s.valueType !== 'integer', os.is_float);
      check(`${sk}:scale`, s.scale, os.scale);
      check(`${sk}:offset`, s.offset, os.offset);
      if (!QUIRKS.decimalZeroRange.applies(s, os)) {
        check(`${sk}:minimum`, s.minimum ?? null, os.minimum);
        check(`${sk}:maximum`, s.maximum ?? null, os.maximum);
      }
      check(`${sk}:unit`, s.unit === '' ? null : s.unit, os.unit);
      check(`${sk}:is_multiplexer`, s.isMultiplexer, os.is_multiplexer);
      check(
        `${sk}:multiplexer_ids`,
        expandRanges(s),
        os.multiplexer_ids && [...os.multiplexer_ids].sort((a, b) => a - b),
      );
      if (!QUIRKS.shortMultiplexerName.applies(m, s, os)) {
        check(`${sk}:multiplexer_signal`, s.multiplexerSignal ?? null, os.multiplexer_signal);
      }
      check(`${sk}:receivers`, s.receivers, os.receivers);
      check(`${sk}:choices`, choicesObject(s.choices), os.choices);
      check(`${sk}:comment`, s.comment ?? null, os.comment);
    }
  }
  return diffs;
}

function readOracle(path: string): Oracle {
  return JSON.parse(readFileSync(path, 'utf8')) as Oracle;
}

const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const cases = folders.flatMap((folder) =>
  readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith('.dbc'))
    .sort()
    .map((file) => ({ folder, file, path: join(ROOT, folder, file) })),
);

describe('DBC parse vs cantools oracles', () => {
  it('finds the corpus', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  for (const { folder, file, path } of cases) {
    const oraclePath = join(ROOT, folder, 'expected-generated', `${file}.cantools.json`);
    const generatedOraclePath = join(
      ROOT,
      folder,
      'expected-generated',
      `${file.replace(/\.dbc$/, '')}_generated.dbc.cantools.json`,
    );

    it(`${folder}/${file}`, () => {
      expect(existsSync(oraclePath), `oracle for ${file}`).toBe(true);
      const oracle = readOracle(oraclePath);
      const bytes = readFileSync(path);
      const { text, encoding } = decodeDbcBytes(bytes);
      // Standalone: IMPORT lines are not resolved, as cantools did not resolve them.
      const parse = (strict: boolean): DbcDatabase => parseDbc(text, { uri: path, strict });

      if ('error' in oracle) {
        checkRefusedByCantools(oracle.error, parse);
        return;
      }
      expect(encoding).toBe(oracle.encoding_used);
      const db = parse(false);
      expect(compare(file, db, oracle)).toEqual([]);
    });

    if (existsSync(generatedOraclePath)) {
      it(`${folder}/${file} with IMPORTs resolved (loadDbcFile)`, async () => {
        const oracle = readOracle(generatedOraclePath);
        if ('error' in oracle) throw new Error(`generated oracle holds an error: ${oracle.error}`);
        const db = await loadDbcFile(path);
        expect(db.imports.length).toBeGreaterThan(0);
        expect(compare(file, db, oracle)).toEqual([]);
      });
    }
  }
});

/**
 * cantools refused the file. Decide by the cause it gave, not by file name:
 * - a `TypeError: 'NoneType' object is not iterable`: cantools cannot load a file without a `BU_` line (or whose
 *   messages all come from IMPORTs). Such a file is valid DBC; adlake parses it.
 * - `Invalid syntax at line L, column C`: cantools' tokenizer reads a name that starts with digits (`2017_5`) as a
 *   number. adlake accepts such names; it parses the file, and the name cantools choked on is in the model.
 * - `Standard frame id 0x... is more than 11 bits in message X`: the id cannot be a CAN id. Lenient adlake
 *   skips the message with a warning naming it; strict adlake throws a DecodeError naming file and line.
 */
function checkRefusedByCantools(error: string, parse: (strict: boolean) => DbcDatabase): void {
  if (error.startsWith("TypeError: 'NoneType' object is not iterable")) {
    const db = parse(false);
    expect(db.messages.length).toBeGreaterThan(0);
    expect(db.nodes).toEqual([]);
    return;
  }
  const syntax = /Invalid syntax at line (\d+), column (\d+): "(.*)"/.exec(error);
  if (syntax !== null) {
    const db = parse(false);
    const statement = syntax[3]!.replace('>>!<<', '');
    const name = /^BO_ \d+ (\w+):/.exec(statement)?.[1];
    expect(name, `cantools' failing statement: ${statement}`).toBeDefined();
    const message = db.messages.find((m) => m.shortName === name);
    expect(message?.line).toBe(Number(syntax[1]));
    return;
  }
  const wideId = /Standard frame id 0x([0-9a-f]+) is more than 11 bits in message (\w+)/.exec(error);
  if (wideId !== null) {
    const [, hex, name] = wideId;
    const db = parse(false);
    expect(db.messages.some((m) => m.shortName === name)).toBe(false);
    expect(db.warnings.some((w) => w.message.includes(`message ${name}: id 0x${hex}`))).toBe(true);
    let thrown: unknown;
    try {
      parse(true);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DecodeError);
    expect((thrown as DecodeError).where.line).toBeGreaterThan(0);
    return;
  }
  throw new Error(`no rule for cantools error: ${error}`);
}
