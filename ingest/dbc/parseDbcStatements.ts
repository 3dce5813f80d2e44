import { DBC_KEYWORDS, DbcScanner } from './DbcScanner.js';
import type { DbcAttributeObject, DbcByteOrder } from './model.js';

/** What a `CM_` or `BA_` statement is about. `dbcId` is the id as written (bit 31 = extended). */
export type DbcTarget =
  | { kind: 'network' }
  | { kind: 'node'; name: string }
  | { kind: 'message'; dbcId: number }
  | { kind: 'signal'; dbcId: number; signal: string }
  | { kind: 'environment'; name: string };

export interface RawSignal {
  name: string;
  /** `M`, `mN` or `mNM` as written, if any. */
  mux: string | undefined;
  startBit: number;
  length: number;
  byteOrder: DbcByteOrder;
  isSigned: boolean;
  scale: number;
  offset: number;
  minimum: number;
  maximum: number;
  unit: string;
  receivers: string[];
  line: number;
}

/** One DBC statement as written (syntax only; references are resolved by `buildDbcDatabase`). */
export type DbcStatement = { line: number } & (
  | { kind: 'version'; text: string }
  | { kind: 'nodes'; names: string[] }
  | { kind: 'valueTable'; name: string; entries: [number, string][] }
  | {
      kind: 'message';
      dbcId: number;
      name: string;
      length: number;
      sender: string | undefined;
      signals: RawSignal[];
    }
  | { kind: 'senders'; dbcId: number; nodes: string[] }
  | { kind: 'comment'; target: DbcTarget; text: string }
  | { kind: 'import'; column: number; name: string }
  | {
      kind: 'attributeDefinition';
      object: DbcAttributeObject;
      name: string;
      type: string;
      numbers: number[];
      strings: string[];
    }
  | { kind: 'attributeDefault'; name: string; value: number | string }
  | { kind: 'attribute'; name: string; target: DbcTarget; value: number | string }
  | { kind: 'signalChoices'; dbcId: number; signal: string; entries: [number, string][] }
  | { kind: 'environmentChoices'; name: string; entries: [number, string][] }
  | { kind: 'signalType'; dbcId: number; signal: string; type: number }
  | { kind: 'signalGroup'; dbcId: number; name: string; repetitions: number; signals: string[] }
  | { kind: 'muxValues'; dbcId: number; signal: string; multiplexer: string; ranges: [number, number][] }
  | {
      kind: 'environmentVariable';
      name: string;
      type: number;
      minimum: number;
      maximum: number;
      unit: string;
      initialValue: number;
      id: number;
      accessType: string;
      accessNodes: string[];
    }
  | { kind: 'orphanSignal'; name: string }
  | { kind: 'missingSemicolon'; keyword: string }
  | { kind: 'unknown'; keyword: string }
);

/** Statements that are valid DBC but carry nothing adlake uses; they are skipped without a warning. */
const IGNORED = new Set([
  'NS_DESC_',
  'ENVVAR_DATA_',
  'EV_DATA_',
  'BA_DEF_REL_',
  'BA_DEF_DEF_REL_',
  'BA_REL_',
  'BA_DEF_SGTYPE_',
  'BA_SGTYPE_',
  'CAT_DEF_',
  'CAT_',
  'FILTER',
  'SGTYPE_',
  'SGTYPE_VAL_',
  'SIG_TYPE_REF_',
  'SIGTYPE_VALTYPE_',
  'BU_SG_REL_',
  'BU_EV_REL_',
  'BU_BO_REL_',
]);

const OBJECT_KEYWORDS: Readonly<Record<string, DbcAttributeObject>> = {
  BU_: 'node',
  BO_: 'message',
  SG_: 'signal',
  EV_: 'environment',
};

const MUX_INDICATOR = /^(?:M|m\d+M?)$/;

/**
 * Parses DBC text into statements, checking syntax only. Throws `DecodeError` with uri, line and column (and
 * what was expected) on a syntax error. Unknown statements are kept as `unknown` and skipped up to their `;`.
 */
export function parseDbcStatements(text: string, uri: string): DbcStatement[] {
  const s = new DbcScanner(text, uri);
  const statements: DbcStatement[] = [];
  let lastMessage: { signals: RawSignal[] } | undefined;
  /** Consumes the `;` ending a statement; tolerates (with a warning) a missing one before the next statement. */
  const ended = (keyword: string, line: number): boolean => {
    if (s.tryChar(';')) return true;
    if (!endsWithoutSemicolon(s)) return false;
    statements.push({ kind: 'missingSemicolon', line, keyword });
    return true;
  };
  const expectEnd = (keyword: string, line: number, what = "';'"): void => {
    if (!ended(keyword, line)) throw s.error(what);
  };

  for (;;) {
    s.skipSpace();
    if (s.eof()) break;
    const line = s.line;
    const column = s.column;
    // A stray `;` (some generators end BO_ lines with one) carries nothing.
    if (s.tryChar(';')) continue;
    const keyword = s.tryName();
    if (keyword === undefined) throw s.error('a statement keyword (BO_, SG_, CM_, ...)');
    let message: { signals: RawSignal[] } | undefined;

    switch (keyword) {
      case 'VERSION':
        statements.push({ kind: 'version', line, text: s.string('the version string') });
        break;
      case 'NS_':
        skipNewSymbols(s);
        break;
      case 'BS_':
        // Bit timing (`BS_: baudrate : BTR1, BTR2`) is obsolete and unused.
        s.skipLine();
        break;
      case 'BU_':
        statements.push({ kind: 'nodes', line, names: nodeList(s) });
        break;
      case 'VAL_TABLE_': {
        const name = s.name('a value table name');
        statements.push({
          kind: 'valueTable',
          line,
          name,
          entries: valueDescriptions(s, () => ended(keyword, line)),
        });
        break;
      }
      case 'BO_': {
        const dbcId = s.integer('a message id');
        const name = s.name('a message name');
        s.expectChar(':', `':' after message name '${name}'`);
        const length = s.integer('a message length in bytes');
        const sender = s.atLineEnd() ? undefined : s.name('the transmitting node');
        message = { signals: [] };
        statements.push({ kind: 'message', line, dbcId, name, length, sender, signals: message.signals });
        break;
      }
      case 'SG_': {
        const signal = parseSignal(s, line);
        if (lastMessage === undefined) {
          statements.push({ kind: 'orphanSignal', line, name: signal.name });
        } else {
          lastMessage.signals.push(signal);
          message = lastMessage;
        }
        break;
      }
      case 'BO_TX_BU_': {
        const dbcId = s.integer('a message id');
        s.expectChar(':', "':' after the message id");
        statements.push({ kind: 'senders', line, dbcId, nodes: nameList(s, 'a node name') });
        expectEnd(keyword, line);
        break;
      }
      case 'CM_': {
        const target = s.peekAfterSpace() === '"' ? ({ kind: 'network' } as const) : parseTarget(s, 'CM_');
        const comment = s.string('the comment string');
        expectEnd(keyword, line, `';' after the comment`);
        // opendbc's include convention (opendbc/dbc/generator/generator.py): CM_ "IMPORT file.dbc";
        const importMatch = target.kind === 'network' ? /^IMPORT\s+(\S.*?)\s*$/.exec(comment) : null;
        if (importMatch?.[1] !== undefined) {
          statements.push({ kind: 'import', line, column, name: importMatch[1] });
        } else {
          statements.push({ kind: 'comment', line, target, text: comment });
        }
        break;
      }
      case 'BA_DEF_': {
        const objectKeyword = s.peekName();
        let object: DbcAttributeObject = 'network';
        if (objectKeyword !== undefined && OBJECT_KEYWORDS[objectKeyword] !== undefined) {
          object = OBJECT_KEYWORDS[objectKeyword];
          s.tryName();
        }
        const name = s.string('the attribute name');
        const type = s.name('the attribute type (INT, HEX, FLOAT, STRING or ENUM)');
        const numbers: number[] = [];
        const strings: string[] = [];
        while (!ended(keyword, line)) {
          if (s.tryChar(',')) continue;
          if (s.peekAfterSpace() === '"') strings.push(s.string('an enum value'));
          else numbers.push(s.number(`a ${type} bound, an enum value or ';'`));
        }
        statements.push({ kind: 'attributeDefinition', line, object, name, type, numbers, strings });
        break;
      }
      case 'BA_DEF_DEF_': {
        const name = s.string('the attribute name');
        const value = attributeValue(s);
        expectEnd(keyword, line);
        statements.push({ kind: 'attributeDefault', line, name, value });
        break;
      }
      case 'BA_': {
        const name = s.string('the attribute name');
        const target = s.peekAfterSpace() === '"' ? { kind: 'network' as const } : optionalTarget(s);
        const value = attributeValue(s);
        expectEnd(keyword, line);
        statements.push({ kind: 'attribute', line, name, target, value });
        break;
      }
      case 'VAL_': {
        // `VAL_ <message id> <signal> ...;` or `VAL_ <environment variable> ...;`
        const dbcId = s.tryNumber();
        if (dbcId !== undefined) {
          const signal = s.name('a signal name');
          statements.push({
            kind: 'signalChoices',
            line,
            dbcId,
            signal,
            entries: valueDescriptions(s, () => ended(keyword, line)),
          });
        } else {
          const name = s.name('a message id or environment variable name');
          statements.push({
            kind: 'environmentChoices',
            line,
            name,
            entries: valueDescriptions(s, () => ended(keyword, line)),
          });
        }
        break;
      }
      case 'SIG_VALTYPE_': {
        const dbcId = s.integer('a message id');
        const signal = s.name('a signal name');
        s.tryChar(':');
        const type = s.integer('a signal value type (0, 1 or 2)');
        expectEnd(keyword, line);
        statements.push({ kind: 'signalType', line, dbcId, signal, type });
        break;
      }
      case 'SIG_GROUP_': {
        const dbcId = s.integer('a message id');
        const name = s.name('a signal group name');
        const repetitions = s.integer('the repetitions count');
        s.expectChar(':');
        const signals: string[] = [];
        while (!ended(keyword, line)) {
          if (s.tryChar(',')) continue;
          signals.push(s.name(`a signal name or ';'`));
        }
        statements.push({ kind: 'signalGroup', line, dbcId, name, repetitions, signals });
        break;
      }
      case 'SG_MUL_VAL_': {
        const dbcId = s.integer('a message id');
        const signal = s.name('a signal name');
        const multiplexer = s.name('a multiplexer signal name');
        const ranges: [number, number][] = [];
        while (!ended(keyword, line)) {
          if (s.tryChar(',')) continue;
          const low = s.integer(`a multiplexer value range (low-high) or ';'`);
          s.expectChar('-', "'-' in a multiplexer value range");
          const high = s.integer('the upper bound of a multiplexer value range');
          ranges.push([low, high]);
        }
        statements.push({ kind: 'muxValues', line, dbcId, signal, multiplexer, ranges });
        break;
      }
      case 'EV_': {
        const name = s.name('an environment variable name');
        s.expectChar(':');
        const type = s.integer('the environment variable type');
        s.expectChar('[');
        const minimum = s.number('the minimum');
        s.expectChar('|');
        const maximum = s.number('the maximum');
        s.expectChar(']');
        const unit = s.string('the unit string');
        const initialValue = s.number('the initial value');
        const id = s.number('the environment variable id');
        const accessType = s.name('the access type');
        const accessNodes = nameList(s, 'an access node');
        expectEnd(keyword, line);
        statements.push({
          kind: 'environmentVariable',
          line,
          name,
          type,
          minimum,
          maximum,
          unit,
          initialValue,
          id,
          accessType,
          accessNodes,
        });
        break;
      }
      default:
        if (!IGNORED.has(keyword)) statements.push({ kind: 'unknown', line, keyword });
        s.skipStatement();
    }
    lastMessage = message;
  }
  return statements;
}

/**
 * True when the statement that should end with `;` ends without one: at the end of the file or where the next
 * statement keyword starts (real files, e.g. opendbc's mazda_2017.dbc, miss the `;` after a VAL_ line).
 */
function endsWithoutSemicolon(s: DbcScanner): boolean {
  s.skipSpace();
  if (s.eof()) return true;
  const next = s.peekName();
  return next !== undefined && DBC_KEYWORDS.has(next);
}

/**
 * `NS_ :` lists the "new symbols" the file may use, one per (indented) line. There is no terminator, so the
 * list ends at the first line holding anything but names (`BS_:`, `BU_: ...`, `BO_ 1 X: 8 Y`).
 */
function skipNewSymbols(s: DbcScanner): void {
  s.tryChar(':');
  for (;;) {
    s.skipSpace();
    if (s.eof() || !/^[A-Za-z0-9_ \t]+$/.test(s.restOfLine())) return;
    s.skipLine();
  }
}

/** `BU_:` node names, possibly over several lines, up to the next statement keyword. */
function nodeList(s: DbcScanner): string[] {
  s.tryChar(':');
  const names: string[] = [];
  for (;;) {
    const next = s.peekName();
    if (next === undefined || DBC_KEYWORDS.has(next)) return names;
    s.tryName();
    names.push(next);
  }
}

/** Names separated by commas (and, leniently, blanks). */
function nameList(s: DbcScanner, what: string): string[] {
  const names = [s.name(what)];
  for (;;) {
    if (s.tryChar(',')) {
      names.push(s.name(what));
      continue;
    }
    const next = s.peekName();
    if (next === undefined || DBC_KEYWORDS.has(next)) return names;
    s.tryName();
    names.push(next);
  }
}

/** `<raw value> "<text>"` pairs up to `;`. Raw values may be negative. */
function valueDescriptions(s: DbcScanner, ended: () => boolean): [number, string][] {
  const entries: [number, string][] = [];
  while (!ended()) {
    const raw = s.number(`a raw value or ';'`);
    entries.push([raw, s.string('the value description string')]);
  }
  return entries;
}

function attributeValue(s: DbcScanner): number | string {
  return s.peekAfterSpace() === '"' ? s.string('the attribute value') : s.number('the attribute value');
}

function parseTarget(s: DbcScanner, statement: string): DbcTarget {
  const target = optionalTarget(s);
  if (target.kind === 'network') throw s.error(`BU_, BO_, SG_, EV_ or a string after ${statement}`);
  return target;
}

function optionalTarget(s: DbcScanner): DbcTarget {
  switch (s.peekName()) {
    case 'BU_':
      s.tryName();
      return { kind: 'node', name: s.name('a node name') };
    case 'BO_':
      s.tryName();
      return { kind: 'message', dbcId: s.integer('a message id') };
    case 'SG_': {
      s.tryName();
      const dbcId = s.integer('a message id');
      return { kind: 'signal', dbcId, signal: s.name('a signal name') };
    }
    case 'EV_':
      s.tryName();
      return { kind: 'environment', name: s.name('an environment variable name') };
    default:
      return { kind: 'network' };
  }
}

/** `SG_ name [M|mN|mNM] : start|length@order sign (scale,offset) [min|max] "unit" receivers` (§8.2). */
function parseSignal(s: DbcScanner, line: number): RawSignal {
  const name = s.name('a signal name');
  let mux: string | undefined;
  if (s.peekAfterSpace() !== ':') {
    const at = s.mark();
    mux = s.name(`':' or a multiplexer indicator after signal '${name}'`);
    if (!MUX_INDICATOR.test(mux)) throw s.errorAt(at, 'a multiplexer indicator (M, mN or mNM)', `'${mux}'`);
  }
  s.expectChar(':', `':' after signal '${name}'`);
  const startBit = s.integer('the start bit');
  s.expectChar('|');
  const length = s.integer('the signal length in bits');
  s.expectChar('@');
  let byteOrder: DbcByteOrder;
  if (s.tryChar('1')) byteOrder = 'little_endian';
  else if (s.tryChar('0')) byteOrder = 'big_endian';
  else throw s.error("byte order '0' (Motorola) or '1' (Intel)");
  let isSigned: boolean;
  if (s.tryChar('-')) isSigned = true;
  else if (s.tryChar('+')) isSigned = false;
  else throw s.error("'+' (unsigned) or '-' (signed)");
  s.expectChar('(');
  const scale = s.number('the scale factor');
  s.expectChar(',');
  const offset = s.number('the offset');
  s.expectChar(')');
  s.expectChar('[');
  const minimum = s.number('the minimum');
  s.expectChar('|');
  const maximum = s.number('the maximum');
  s.expectChar(']');
  const unit = s.string('the unit string');
  // Receivers end with the line: the next line starts the next SG_ or statement.
  const receivers: string[] = [];
  while (!s.atLineEnd()) {
    if (s.tryChar(',')) continue;
    receivers.push(s.name('a receiving node name'));
  }
  return {
    name,
    mux,
    startBit,
    length,
    byteOrder,
    isSigned,
    scale,
    offset,
    minimum,
    maximum,
    unit,
    receivers,
    line,
  };
}
