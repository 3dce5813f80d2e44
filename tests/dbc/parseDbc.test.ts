import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError, NotFoundError } from '../../core/errors.js';
import { decodeDbcBytes } from '../../ingest/dbc/decodeDbcBytes.js';
import { loadDbcFile } from '../../ingest/dbc/loadDbcFile.js';
import { parseDbc } from '../../ingest/dbc/parseDbc.js';

const ROOT = '../shared/data/dbc';
const HEADER = 'VERSION "1.0"\n\nNS_ :\n\tNS_DESC_\n\tCM_\n\tSG_MUL_VAL_\n\nBS_:\n\nBU_: ECU GW\n';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('parseDbc: syntax', () => {
  it('names uri, line, column and what was expected on a syntax error', () => {
    const text = `${HEADER}\nBO_ 100 Engine: 8 ECU\n SG_ Speed : 0|16@1+ (0.1,0) [0|6553.5] "km/h" GW\n SG_ Rpm : 16|16@2+ (1,0) [0|0] "" GW\n`;
    const error = thrown(() => parseDbc(text, { uri: 'engine.dbc' }));
    expect(error).toBeInstanceOf(DecodeError);
    const e = error as DecodeError;
    expect(e.where).toEqual({ uri: 'engine.dbc', line: 14, column: 18 });
    expect(e.message).toContain("expected byte order '0' (Motorola) or '1' (Intel), found '2+'");
    expect(e.message).toContain('engine.dbc:14:18');
  });

  it('reports an unterminated string where it opens', () => {
    const error = thrown(() => parseDbc(`${HEADER}CM_ "never closed;\nBO_ 1 A: 8 ECU\n`, { uri: 'x.dbc' }));
    expect((error as DecodeError).where).toMatchObject({ line: 11, column: 5 });
  });

  it('skips unknown statements with a warning and known uninterpreted ones silently', () => {
    const text = `${HEADER}BO_ 1 A: 8 ECU\n SG_ S : 0|8@1+ (1,0) [0|0] "" ECU\nFOO_ 1 "x;y" ;\nCAT_DEF_ 1 Cat 0;\nBA_REL_ "X" BU_SG_REL_ ECU SG_ 1 S 3;\nVAL_ 1 S 1 "one";\n`;
    const db = parseDbc(text, { uri: 'x.dbc' });
    expect(db.warnings).toEqual([{ uri: 'x.dbc', line: 13, message: 'unknown statement FOO_; skipped' }]);
    expect(db.messages[0]?.signals[0]?.choices).toEqual(new Map([[1, 'one']]));
  });

  it('recovers from a missing ";" before the next statement, with a warning', () => {
    const text = `${HEADER}BO_ 1 A: 8 ECU\n SG_ S : 0|8@1+ (1,0) [0|0] "" ECU\nVAL_ 1 S 1 "one" 2 "two"\nCM_ BO_ 1 "c";`;
    const db = parseDbc(text, { uri: 'x.dbc' });
    expect(db.messages[0]?.signals[0]?.choices?.get(2)).toBe('two');
    expect(db.messages[0]?.comment).toBe('c');
    expect(db.warnings.map((w) => w.line)).toEqual([13]);
  });

  it('accepts names that start with digits (opendbc mazda_2017.dbc: BO_ 1275 2017_5)', async () => {
    const db = await loadDbcFile(join(ROOT, 'opendbc/mazda_2017.dbc'));
    const message = db.messages.find((m) => m.name === '2017_5');
    expect(message).toMatchObject({ id: 1275, extended: false, length: 8 });
    expect(message?.signals.map((s) => s.name)).toEqual(['counter']);
  });

  it('reads comments with line breaks and escaped quotes, CRLF as LF', () => {
    const text = `${HEADER}BO_ 1 A: 8 ECU\r\n SG_ S : 0|8@1+ (1,0) [0|0] "" ECU\r\nCM_ SG_ 1 S "line 1\r\nsaid \\"hi\\"";\r\nCM_ BU_ GW "gateway";\r\nCM_ "bus ";\r\nCM_ "comment";\r\n`;
    const db = parseDbc(text, { uri: 'x.dbc' });
    expect(db.messages[0]?.signals[0]?.comment).toBe('line 1\nsaid "hi"');
    expect(db.nodes.find((n) => n.name === 'GW')?.comment).toBe('gateway');
    expect(db.comment).toBe('bus comment');
    expect(db.warnings).toEqual([]);
  });

  it('reads cp1252 files (cantools cp1252.dbc) and UTF-8 ones', () => {
    const cp1252 = decodeDbcBytes(readFileSync(join(ROOT, 'cantools/cp1252.dbc')));
    expect(cp1252.encoding).toBe('cp1252');
    expect(cp1252.text).toMatch(/[\u00c0-\u00ff]/);
    expect(decodeDbcBytes(new TextEncoder().encode('CM_ "ü€";')).text).toBe('CM_ "ü€";');
    expect(decodeDbcBytes(Uint8Array.from([0x80, 0xe4])).text).toBe('€ä');
  });
});

describe('parseDbc: model', () => {
  const text = `${HEADER}
VAL_TABLE_ OnOff 1 "On" 0 "Off" ;

BO_ 2566834709 J1939Msg: 8 ECU
 SG_ Mode M : 0|4@1+ (1,0) [0|15] "" GW
 SG_ Low m1 : 8|8@1- (0.5,-10) [-74|53.5] "°C" GW,ECU
 SG_ High m2 : 8|16@1+ (1,0) [0|0] "" Vector__XXX
 SG_ Flag : 63|1@0+ (1,0) [0|1] "" GW

BO_ 3 Fd: 64 GW
 SG_ Float : 0|32@1- (1,0) [0|0] "" ECU

BO_TX_BU_ 2566834709 : GW,ECU;
EV_ EnvTemp: 1 [-40|125] "C" 20 7 DUMMY_NODE_VECTOR0 ECU,GW;
VAL_ EnvTemp 0 "cold";
CM_ EV_ EnvTemp "env";
BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
BA_DEF_ BO_ "VFrameFormat" ENUM "StandardCAN","ExtendedCAN","reserved","J1939PG","reserved","reserved","reserved","reserved","reserved","reserved","reserved","reserved","reserved","reserved","StandardCAN_FD","ExtendedCAN_FD";
BA_DEF_ SG_ "SystemSignalLongSymbol" STRING;
BA_DEF_ BO_ "SystemMessageLongSymbol" STRING;
BA_DEF_ "BusType" STRING;
BA_DEF_DEF_ "GenMsgCycleTime" 0;
BA_DEF_DEF_ "VFrameFormat" "StandardCAN";
BA_ "BusType" "CAN FD";
BA_ "GenMsgCycleTime" BO_ 2566834709 100;
BA_ "VFrameFormat" BO_ 2566834709 3;
BA_ "VFrameFormat" BO_ 3 14;
BA_ "SystemMessageLongSymbol" BO_ 3 "Fd_message_with_a_name_longer_than_32_characters";
BA_ "SystemSignalLongSymbol" SG_ 2566834709 Mode "Mode_selector_long_name";
VAL_ 2566834709 Low -1 "minus one" 1 "one" ;
SIG_VALTYPE_ 3 Float : 1;
SIG_GROUP_ 2566834709 Grp 1 : Low Flag;
`;
  const db = parseDbc(text, { uri: 'model.dbc', strict: true });

  it('reads messages, 29-bit ids (bit 31 = extended), senders and attributes', () => {
    const [j1939, fd] = db.messages;
    expect(j1939).toMatchObject({
      id: 2566834709 - 0x80000000,
      extended: true,
      name: 'J1939Msg',
      length: 8,
      senders: ['ECU', 'GW'],
      cycleTimeMs: 100,
      frameFormat: 'J1939PG',
      fd: false,
      signalGroups: [{ name: 'Grp', repetitions: 1, signals: ['Low', 'Flag'] }],
    });
    expect(fd).toMatchObject({
      id: 3,
      extended: false,
      name: 'Fd_message_with_a_name_longer_than_32_characters',
      shortName: 'Fd',
      length: 64,
      fd: true,
      frameFormat: 'StandardCAN_FD',
      cycleTimeMs: undefined,
    });
    expect(fd?.signals[0]?.valueType).toBe('float32');
    expect(db.attributes).toEqual({ BusType: 'CAN FD' });
    expect(db.valueTables.get('OnOff')).toEqual(
      new Map([
        [1, 'On'],
        [0, 'Off'],
      ]),
    );
  });

  it('reads signals: scale, offset, range, unit, receivers, mux, negative choices, long names', () => {
    const [mode, low, high, flag] = db.messages[0]!.signals;
    expect(mode).toMatchObject({
      name: 'Mode_selector_long_name',
      shortName: 'Mode',
      isMultiplexer: true,
      multiplexerSignal: undefined,
    });
    expect(low).toMatchObject({
      startBit: 8,
      length: 8,
      byteOrder: 'little_endian',
      isSigned: true,
      scale: 0.5,
      offset: -10,
      minimum: -74,
      maximum: 53.5,
      unit: '°C',
      receivers: ['GW', 'ECU'],
      multiplexerSignal: 'Mode_selector_long_name',
      multiplexerRanges: [[1, 1]],
    });
    expect(low?.choices?.get(-1)).toBe('minus one');
    expect(high).toMatchObject({
      minimum: undefined,
      maximum: undefined,
      receivers: [],
      multiplexerRanges: [[2, 2]],
    });
    expect(flag).toMatchObject({ startBit: 63, byteOrder: 'big_endian', multiplexerRanges: undefined });
  });

  it('reads environment variables', () => {
    expect(db.environmentVariables).toEqual([
      {
        name: 'EnvTemp',
        type: 1,
        minimum: -40,
        maximum: 125,
        unit: 'C',
        initialValue: 20,
        id: 7,
        accessType: 'DUMMY_NODE_VECTOR0',
        accessNodes: ['ECU', 'GW'],
        choices: new Map([[0, 'cold']]),
        comment: 'env',
        attributes: {},
      },
    ]);
  });
});

describe('parseDbc: lenient and strict', () => {
  const overlapping = `${HEADER}BO_ 5 Pcs: 8 ECU
 SG_ A : 34|1@0+ (1,0) [0|0] "" ECU
 SG_ B : 39|8@0+ (1,0) [0|1] "" ECU
 SG_ M M : 0|2@1+ (1,0) [0|0] "" ECU
 SG_ X m1 : 8|8@1+ (1,0) [0|0] "" ECU
 SG_ Y m2 : 8|8@1+ (1,0) [0|0] "" ECU
`;

  it('records overlapping signals of one branch as a warning (and not signals of different branches)', () => {
    const db = parseDbc(overlapping, { uri: 'pcs.dbc' });
    expect(db.warnings).toEqual([
      { uri: 'pcs.dbc', line: 13, message: 'message Pcs: signals A (line 12) and B (line 13) overlap' },
    ]);
  });

  it('refuses overlapping signals in strict mode, naming message, both signals and line', () => {
    const error = thrown(() => parseDbc(overlapping, { uri: 'pcs.dbc', strict: true }));
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).message).toBe(
      'dbc: message Pcs: signals A (line 12) and B (line 13) overlap (at pcs.dbc:13)',
    );
  });

  it('treats signals beyond the message length the same way (cantools bad_message_length.dbc)', async () => {
    const path = join(ROOT, 'cantools/bad_message_length.dbc');
    const db = await loadDbcFile(path);
    expect(db.messages[0]?.signals[0]?.name).toBe('Signal1');
    expect(db.warnings).toEqual([
      {
        uri: path,
        line: 40,
        message: 'message Message1: signal Signal1 (start bit 8, 1 bits) needs 2 bytes but the message has 1',
      },
    ]);
    await expect(loadDbcFile(path, { strict: true })).rejects.toThrow(DecodeError);
  });

  it('skips ids wider than 29 bits (toyota_2017_ref_pt.dbc) and reads long standard ids as extended', () => {
    const text = `${HEADER}BO_ 1075054137 Wide: 8 ECU\n SG_ S : 0|8@1+ (1,0) [0|0] "" ECU\nBO_ 2048 Long: 8 ECU\nCM_ BO_ 1075054137 "x";\n`;
    const db = parseDbc(text, { uri: 'ids.dbc' });
    expect(db.messages.map((m) => [m.name, m.id, m.extended])).toEqual([['Long', 2048, true]]);
    expect(db.warnings.map((w) => w.message)).toEqual([
      'message Wide: id 0x40140639 is wider than 29 bits and cannot be a CAN id; message skipped',
      'message Long: id 0x800 has more than 11 bits but no extended flag (bit 31); read as an extended id',
    ]);
    expect(thrown(() => parseDbc(text, { uri: 'ids.dbc', strict: true }))).toBeInstanceOf(DecodeError);
  });

  it('drops Vector__XXX placeholders and the VECTOR__INDEPENDENT_SIG_MSG container', () => {
    const text = `${HEADER}BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX\n SG_ Free : 0|8@0+ (1,0) [0|0] "" Vector__XXX\nBO_ 1 A: 8 Vector__XXX\nCM_ SG_ 3221225472 Free "x";\n`;
    const db = parseDbc(text, { uri: 'x.dbc', strict: true });
    expect(db.messages.map((m) => [m.name, m.senders])).toEqual([['A', []]]);
    expect(db.warnings).toEqual([]);
  });
});

describe('parseDbc: opendbc IMPORT', () => {
  const files: Record<string, string> = {
    'main.dbc': `CM_ "IMPORT _common.dbc";\nBO_ 2 Main: 8 XXX\n SG_ B : 0|8@1+ (1,0) [0|0] "" XXX\nVAL_ 1 A 1 "from main";\n`,
    '_common.dbc': `CM_ "IMPORT _base.dbc";\nBO_ 1 Common: 8 XXX\n SG_ A : 0|8@1+ (1,0) [0|0] "" XXX\n`,
    '_base.dbc': `BU_: XXX\nBO_ 0 Base: 8 XXX\n`,
    'loop.dbc': `CM_ "IMPORT loop2.dbc";\n`,
    'loop2.dbc': `CM_ "IMPORT loop.dbc";\n`,
  };
  const resolveImport = (name: string): string | undefined => files[name];

  it('parses imported files first, depth first, then the body', () => {
    const db = parseDbc(files['main.dbc']!, { uri: 'dbc/main.dbc', resolveImport });
    expect(db.messages.map((m) => [m.name, m.uri])).toEqual([
      ['Base', 'dbc/_base.dbc'],
      ['Common', 'dbc/_common.dbc'],
      ['Main', 'dbc/main.dbc'],
    ]);
    expect(db.imports).toEqual(['dbc/_base.dbc', 'dbc/_common.dbc']);
    expect(db.messages[1]?.signals[0]?.choices?.get(1)).toBe('from main');
    expect(db.comment).toBeUndefined();
  });

  it('fails on a missing import or a cycle, and warns when no resolver is given', () => {
    const missing = thrown(() => parseDbc('\nCM_ "IMPORT nope.dbc";', { uri: 'a.dbc', resolveImport }));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).where).toEqual({ uri: 'a.dbc', line: 2, column: 1 });
    expect(thrown(() => parseDbc(files['loop.dbc']!, { uri: 'loop.dbc', resolveImport }))).toBeInstanceOf(
      DecodeError,
    );
    const standalone = parseDbc(files['main.dbc']!, { uri: 'main.dbc' });
    expect(standalone.messages.map((m) => m.name)).toEqual(['Main']);
    expect(standalone.warnings.map((w) => w.message)).toEqual([
      'IMPORT _common.dbc not resolved (no resolveImport given); skipped',
      'VAL_ refers to undefined message id 1; ignored',
    ]);
  });

  it('loads opendbc toyota_new_mc_pt.dbc with its imports from its folder', async () => {
    const db = await loadDbcFile(join(ROOT, 'opendbc/toyota_new_mc_pt.dbc'));
    expect(db.imports).toEqual([
      join(ROOT, 'opendbc/_toyota_2017.dbc'),
      join(ROOT, 'opendbc/_toyota_adas_standard.dbc'),
    ]);
    expect(db.messages.at(-1)?.name).toBe('BRAKE_RELATED');
    expect(
      db.messages
        .find((m) => m.name === 'EPS_STATUS')
        ?.signals.find((s) => s.name === 'LKA_STATE')
        ?.choices?.get(5),
    ).toBe('active');
  });
});
