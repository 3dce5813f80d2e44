import { DecodeError } from '../../core/errors.js';
import type {
  DbcAttributeDefinition,
  DbcAttributeObject,
  DbcAttributeValue,
  DbcDatabase,
  DbcEnvironmentVariable,
  DbcMessage,
  DbcMuxRange,
  DbcNode,
  DbcSignal,
  DbcSignalGroup,
  DbcValueType,
  DbcWarning,
} from './model.js';
import type { DbcStatement, DbcTarget, RawSignal } from './parseDbcStatements.js';
import { masksOverlap, signalByteMasks, signalEndByte } from './signalBits.js';

/** The statements of one file; imported files come before the file that imports them. */
export interface DbcUnit {
  uri: string;
  statements: readonly DbcStatement[];
}

export interface BuildDbcOptions {
  /** The main file's uri. */
  uri: string;
  /** Throw on overlapping signals, signals beyond the message length and invalid ids instead of warning. */
  strict: boolean;
  imports: readonly string[];
}

/** `Vector__XXX` is CANdb++'s "no node" placeholder for senders and receivers. */
const NO_NODE = 'Vector__XXX';

/** CANdb++'s message that holds signals not assigned to any message (id 0xC0000000); it is never on a bus. */
const INDEPENDENT_SIGNALS_MESSAGE = 'VECTOR__INDEPENDENT_SIG_MSG';

/** VFrameFormat labels as CANdb++ defines them, for files that set the attribute without defining it. */
const VFRAMEFORMAT_LABELS = [
  'StandardCAN',
  'ExtendedCAN',
  'reserved',
  'J1939PG',
  ...Array<string>(10).fill('reserved'),
  'StandardCAN_FD',
  'ExtendedCAN_FD',
];

const EXTENDED_FLAG = 0x80000000;
const MAX_STANDARD_ID = 0x7ff;
const MAX_EXTENDED_ID = 0x1fffffff;

interface SignalDraft {
  raw: RawSignal;
  comment: string | undefined;
  attributes: Record<string, DbcAttributeValue>;
  choices: Map<number, string> | undefined;
  valueType: DbcValueType;
  /** SG_MUL_VAL_: multiplexer short name → ranges. */
  muxValues: Map<string, [number, number][]>;
  muxValuesLine: number;
}

interface MessageDraft {
  uri: string;
  line: number;
  id: number;
  extended: boolean;
  name: string;
  length: number;
  senders: string[];
  signals: SignalDraft[];
  signalsByName: Map<string, SignalDraft>;
  comment: string | undefined;
  attributes: Record<string, DbcAttributeValue>;
  signalGroups: { name: string; repetitions: number; signals: string[] }[];
}

interface DefinitionDraft {
  object: DbcAttributeObject;
  type: string;
  numbers: number[];
  strings: string[];
}

/**
 * Resolves parsed DBC statements into the database model: attaches comments, attributes, value descriptions,
 * value types and multiplexing to messages and signals; applies long names; checks ids, signal placement and
 * overlaps (strict: `DecodeError`; lenient: a warning in `warnings`).
 */
export function buildDbcDatabase(units: readonly DbcUnit[], options: BuildDbcOptions): DbcDatabase {
  const warnings: DbcWarning[] = [];
  const warn = (uri: string, line: number, message: string): void => {
    warnings.push({ uri, line, message });
  };
  /** A problem that strict mode refuses and lenient mode records. */
  const problem = (uri: string, line: number, message: string): void => {
    if (options.strict) throw new DecodeError(`dbc: ${message}`, { uri, line });
    warn(uri, line, message);
  };

  const messages = new Map<number, MessageDraft>();
  /** DBC ids of messages dropped on purpose: statements about them are ignored silently. */
  const droppedIds = new Set<number>();
  const definitions = new Map<string, DefinitionDraft>();
  const defaults = new Map<string, number | string>();
  const nodeNames = new Map<
    string,
    { comment: string | undefined; attributes: Record<string, DbcAttributeValue> }
  >();
  const valueTables = new Map<string, Map<number, string>>();
  const environment = new Map<
    string,
    {
      statement: Extract<DbcStatement, { kind: 'environmentVariable' }>;
      comment: string | undefined;
      choices: Map<number, string> | undefined;
      attributes: Record<string, DbcAttributeValue>;
    }
  >();
  const networkAttributes: Record<string, DbcAttributeValue> = {};
  const globalComments: string[] = [];
  let version: string | undefined;

  // Pass 1: objects and attribute definitions (statements about them may come in any order).
  for (const { uri, statements } of units) {
    for (const st of statements) {
      switch (st.kind) {
        case 'version':
          version ??= st.text;
          break;
        case 'nodes':
          for (const name of st.names) {
            if (!nodeNames.has(name)) nodeNames.set(name, { comment: undefined, attributes: {} });
          }
          break;
        case 'valueTable':
          valueTables.set(st.name, new Map(st.entries));
          break;
        case 'message':
          addMessage(uri, st);
          break;
        case 'attributeDefinition':
          definitions.set(st.name, {
            object: st.object,
            type: st.type,
            numbers: st.numbers,
            strings: st.strings,
          });
          break;
        case 'attributeDefault':
          defaults.set(st.name, st.value);
          break;
        case 'environmentVariable':
          environment.set(st.name, { statement: st, comment: undefined, choices: undefined, attributes: {} });
          break;
        default:
          break;
      }
    }
  }

  function addMessage(uri: string, st: Extract<DbcStatement, { kind: 'message' }>): void {
    if (st.name === INDEPENDENT_SIGNALS_MESSAGE) {
      droppedIds.add(st.dbcId);
      return;
    }
    if (st.dbcId < 0 || st.dbcId > 0xffffffff) {
      problem(uri, st.line, `message ${st.name}: id ${st.dbcId} is not a 32-bit DBC id; message skipped`);
      droppedIds.add(st.dbcId);
      return;
    }
    // DBC marks extended (29-bit) ids by setting bit 31 of the id (Vector DBC File Format §8.1).
    let extended = st.dbcId >= EXTENDED_FLAG;
    const id = extended ? st.dbcId - EXTENDED_FLAG : st.dbcId;
    if (id > MAX_EXTENDED_ID) {
      // No CAN frame can carry it (e.g. Toyota's 0x40140639 gateway pseudo-ids), so it can never match a frame.
      problem(
        uri,
        st.line,
        `message ${st.name}: id 0x${id.toString(16)} is wider than 29 bits and cannot be a CAN id; message skipped`,
      );
      droppedIds.add(st.dbcId);
      return;
    }
    if (!extended && id > MAX_STANDARD_ID) {
      problem(
        uri,
        st.line,
        `message ${st.name}: id 0x${id.toString(16)} has more than 11 bits but no extended flag (bit 31); ` +
          'read as an extended id',
      );
      extended = true;
    }
    const previous = messages.get(st.dbcId);
    if (previous !== undefined) {
      problem(
        uri,
        st.line,
        `message ${st.name}: id 0x${id.toString(16)} is already defined by ${previous.name} ` +
          `(${previous.uri}:${previous.line}); the later definition replaces it`,
      );
      messages.delete(st.dbcId);
    }
    if (st.length < 0 || st.length > 64) {
      problem(uri, st.line, `message ${st.name}: length ${st.length} is outside 0..64 bytes`);
    }
    const draft: MessageDraft = {
      uri,
      line: st.line,
      id,
      extended,
      name: st.name,
      length: st.length,
      senders: st.sender === undefined ? [] : [st.sender],
      signals: [],
      signalsByName: new Map(),
      comment: undefined,
      attributes: {},
      signalGroups: [],
    };
    for (const raw of st.signals) {
      if (raw.length < 1 || raw.length > 64) {
        problem(
          uri,
          raw.line,
          `message ${st.name}: signal ${raw.name} has length ${raw.length} (1..64 bits); skipped`,
        );
        continue;
      }
      if (draft.signalsByName.has(raw.name)) {
        problem(
          uri,
          raw.line,
          `message ${st.name}: signal ${raw.name} is defined twice; the second one is skipped`,
        );
        continue;
      }
      const signal: SignalDraft = {
        raw,
        comment: undefined,
        attributes: {},
        choices: undefined,
        valueType: 'integer',
        muxValues: new Map(),
        muxValuesLine: 0,
      };
      draft.signals.push(signal);
      draft.signalsByName.set(raw.name, signal);
    }
    messages.set(st.dbcId, draft);
  }

  function findMessage(uri: string, line: number, dbcId: number, what: string): MessageDraft | undefined {
    const message = messages.get(dbcId);
    if (message === undefined && !droppedIds.has(dbcId)) {
      warn(uri, line, `${what} refers to undefined message id ${dbcId}; ignored`);
    }
    return message;
  }

  function findSignal(
    uri: string,
    line: number,
    dbcId: number,
    name: string,
    what: string,
  ): SignalDraft | undefined {
    const message = findMessage(uri, line, dbcId, what);
    if (message === undefined) return undefined;
    const signal = message.signalsByName.get(name);
    if (signal === undefined)
      warn(uri, line, `${what} refers to undefined signal ${message.name}.${name}; ignored`);
    return signal;
  }

  function convertAttribute(
    uri: string,
    line: number,
    name: string,
    value: number | string,
  ): DbcAttributeValue {
    const definition = definitions.get(name);
    if (definition === undefined) {
      warn(uri, line, `attribute "${name}" has no BA_DEF_ definition; value kept as written`);
      return value;
    }
    if (definition.type === 'ENUM' && typeof value === 'number') {
      const label = definition.strings[value];
      if (label !== undefined) return label;
      warn(uri, line, `attribute "${name}": enum index ${value} is out of range; value kept as written`);
      return value;
    }
    if (
      (definition.type === 'INT' || definition.type === 'HEX' || definition.type === 'FLOAT') &&
      typeof value === 'string'
    ) {
      const number = Number(value);
      return value.trim() !== '' && Number.isFinite(number) ? number : value;
    }
    return value;
  }

  function attributeTarget(
    uri: string,
    line: number,
    target: DbcTarget,
    what: string,
  ): Record<string, DbcAttributeValue> | undefined {
    switch (target.kind) {
      case 'network':
        return networkAttributes;
      case 'node': {
        const node = nodeNames.get(target.name);
        if (node === undefined) warn(uri, line, `${what} refers to undefined node ${target.name}; ignored`);
        return node?.attributes;
      }
      case 'message':
        return findMessage(uri, line, target.dbcId, what)?.attributes;
      case 'signal':
        return findSignal(uri, line, target.dbcId, target.signal, what)?.attributes;
      case 'environment': {
        const variable = environment.get(target.name);
        if (variable === undefined)
          warn(uri, line, `${what} refers to undefined environment variable ${target.name}; ignored`);
        return variable?.attributes;
      }
    }
  }

  // Pass 2: everything that refers to the objects.
  for (const { uri, statements } of units) {
    for (const st of statements) {
      switch (st.kind) {
        case 'comment': {
          const target = st.target;
          if (target.kind === 'network') globalComments.push(st.text);
          else if (target.kind === 'node') {
            const node = nodeNames.get(target.name);
            if (node === undefined)
              warn(uri, st.line, `CM_ refers to undefined node ${target.name}; ignored`);
            else node.comment = st.text;
          } else if (target.kind === 'message') {
            const message = findMessage(uri, st.line, target.dbcId, 'CM_');
            if (message !== undefined) message.comment = st.text;
          } else if (target.kind === 'signal') {
            const signal = findSignal(uri, st.line, target.dbcId, target.signal, 'CM_');
            if (signal !== undefined) signal.comment = st.text;
          } else {
            const variable = environment.get(target.name);
            if (variable === undefined)
              warn(uri, st.line, `CM_ refers to undefined environment variable ${target.name}; ignored`);
            else variable.comment = st.text;
          }
          break;
        }
        case 'attribute': {
          const attributes = attributeTarget(uri, st.line, st.target, `BA_ "${st.name}"`);
          if (attributes !== undefined)
            attributes[st.name] = convertAttribute(uri, st.line, st.name, st.value);
          break;
        }
        case 'signalChoices': {
          const signal = findSignal(uri, st.line, st.dbcId, st.signal, 'VAL_');
          // An empty VAL_ list describes nothing (cantools drops it too).
          if (signal !== undefined && st.entries.length > 0) signal.choices = new Map(st.entries);
          break;
        }
        case 'environmentChoices': {
          const variable = environment.get(st.name);
          if (variable === undefined)
            warn(uri, st.line, `VAL_ refers to undefined environment variable ${st.name}; ignored`);
          else if (st.entries.length > 0) variable.choices = new Map(st.entries);
          break;
        }
        case 'signalType': {
          const signal = findSignal(uri, st.line, st.dbcId, st.signal, 'SIG_VALTYPE_');
          if (signal === undefined) break;
          // SIG_VALTYPE_ 1 = IEEE float (32 bit), 2 = IEEE double (64 bit) (§8.3).
          const type = st.type === 1 ? 'float32' : st.type === 2 ? 'float64' : 'integer';
          const bits = type === 'float32' ? 32 : 64;
          if (type !== 'integer' && signal.raw.length !== bits) {
            problem(
              uri,
              st.line,
              `signal ${signal.raw.name}: SIG_VALTYPE_ ${st.type} needs ${bits} bits, the signal has ${signal.raw.length}; ` +
                'read as an integer',
            );
          } else signal.valueType = type;
          break;
        }
        case 'muxValues': {
          const signal = findSignal(uri, st.line, st.dbcId, st.signal, 'SG_MUL_VAL_');
          if (signal === undefined) break;
          const ranges = signal.muxValues.get(st.multiplexer) ?? [];
          ranges.push(...st.ranges);
          signal.muxValues.set(st.multiplexer, ranges);
          signal.muxValuesLine = st.line;
          break;
        }
        case 'senders': {
          const message = findMessage(uri, st.line, st.dbcId, 'BO_TX_BU_');
          if (message !== undefined) {
            for (const node of st.nodes) if (!message.senders.includes(node)) message.senders.push(node);
          }
          break;
        }
        case 'signalGroup': {
          const message = findMessage(uri, st.line, st.dbcId, 'SIG_GROUP_');
          message?.signalGroups.push({ name: st.name, repetitions: st.repetitions, signals: st.signals });
          break;
        }
        case 'orphanSignal':
          warn(uri, st.line, `SG_ ${st.name} does not follow a BO_ message; skipped`);
          break;
        case 'missingSemicolon':
          warn(uri, st.line, `${st.keyword} statement does not end with ';'; read up to the next statement`);
          break;
        case 'unknown':
          warn(uri, st.line, `unknown statement ${st.keyword}; skipped`);
          break;
        default:
          break;
      }
    }
  }

  // Build the immutable model.
  const attributeDefinitions = new Map<string, DbcAttributeDefinition>();
  for (const [name, d] of definitions) {
    const type = (['INT', 'HEX', 'FLOAT', 'STRING', 'ENUM'] as const).find((t) => t === d.type) ?? 'STRING';
    let defaultValue = defaults.get(name);
    if (type === 'ENUM' && typeof defaultValue === 'number')
      defaultValue = d.strings[defaultValue] ?? defaultValue;
    if (
      type !== 'ENUM' &&
      type !== 'STRING' &&
      typeof defaultValue === 'string' &&
      defaultValue.trim() !== ''
    ) {
      const number = Number(defaultValue);
      if (Number.isFinite(number)) defaultValue = number;
    }
    attributeDefinitions.set(name, {
      name,
      object: d.object,
      type,
      minimum: type === 'ENUM' || type === 'STRING' ? undefined : d.numbers[0],
      maximum: type === 'ENUM' || type === 'STRING' ? undefined : d.numbers[1],
      enumValues: type === 'ENUM' ? d.strings : undefined,
      defaultValue,
    });
  }
  const defaultOf = (name: string): DbcAttributeValue | undefined =>
    attributeDefinitions.get(name)?.defaultValue;

  const longNodeName = new Map<string, string>();
  const nodes: DbcNode[] = [];
  for (const [shortName, node] of nodeNames) {
    const long = node.attributes.SystemNodeLongSymbol;
    const name = typeof long === 'string' && long !== '' ? long : shortName;
    longNodeName.set(shortName, name);
    nodes.push({ name, shortName, comment: node.comment, attributes: node.attributes });
  }
  const nodeList = (names: readonly string[]): string[] =>
    names.filter((n) => n !== NO_NODE).map((n) => longNodeName.get(n) ?? n);

  const builtMessages: DbcMessage[] = [];
  for (const draft of messages.values()) builtMessages.push(buildMessage(draft));

  function buildMessage(draft: MessageDraft): DbcMessage {
    const longName = draft.attributes.SystemMessageLongSymbol;
    const name = typeof longName === 'string' && longName !== '' ? longName : draft.name;
    const cycle = draft.attributes.GenMsgCycleTime ?? defaultOf('GenMsgCycleTime');
    let frameFormat = draft.attributes.VFrameFormat ?? defaultOf('VFrameFormat');
    if (typeof frameFormat === 'number') frameFormat = VFRAMEFORMAT_LABELS[frameFormat];

    const signalName = (d: SignalDraft): string => {
      const long = d.attributes.SystemSignalLongSymbol;
      return typeof long === 'string' && long !== '' ? long : d.raw.name;
    };
    const mux = resolveMultiplexing(draft);
    const signals = draft.signals.map((d): DbcSignal => {
      const m = mux.get(d);
      const selector = m?.selector;
      return {
        name: signalName(d),
        shortName: d.raw.name,
        startBit: d.raw.startBit,
        length: d.raw.length,
        byteOrder: d.raw.byteOrder,
        isSigned: d.raw.isSigned,
        valueType: d.valueType,
        scale: d.raw.scale,
        offset: d.raw.offset,
        // `[0|0]` means "no range" in CANdb++ (and cantools).
        minimum: d.raw.minimum === 0 && d.raw.maximum === 0 ? undefined : d.raw.minimum,
        maximum: d.raw.minimum === 0 && d.raw.maximum === 0 ? undefined : d.raw.maximum,
        unit: d.raw.unit,
        receivers: nodeList(d.raw.receivers),
        isMultiplexer: d.raw.mux?.endsWith('M') ?? false,
        multiplexerSignal: selector === undefined ? undefined : signalName(selector),
        multiplexerRanges: m?.ranges,
        choices: d.choices,
        comment: d.comment,
        attributes: d.attributes,
        line: d.raw.line,
      };
    });
    const byShortName = new Map(draft.signals.map((d, i) => [d.raw.name, signals[i]] as const));
    const signalGroups: DbcSignalGroup[] = draft.signalGroups.map((g) => ({
      name: g.name,
      repetitions: g.repetitions,
      signals: g.signals.map((n) => byShortName.get(n)?.name ?? n),
    }));
    const message: DbcMessage = {
      id: draft.id,
      extended: draft.extended,
      name,
      shortName: draft.name,
      length: draft.length,
      senders: nodeList(draft.senders),
      signals,
      comment: draft.comment,
      // GenMsgCycleTime 0 means "not cyclic" (cantools reads it as no cycle time too).
      cycleTimeMs: typeof cycle === 'number' && cycle > 0 ? cycle : undefined,
      frameFormat: typeof frameFormat === 'string' ? frameFormat : undefined,
      fd: typeof frameFormat === 'string' && frameFormat.endsWith('CAN_FD'),
      signalGroups,
      attributes: draft.attributes,
      uri: draft.uri,
      line: draft.line,
    };
    checkPlacement(draft, message, mux);
    return message;
  }

  /**
   * Who selects each multiplexed signal and for which raw values. Simple multiplexing (§8.2): one `M` signal
   * selects every `mN` signal. Extended multiplexing (several `M`/`mNM` signals): `SG_MUL_VAL_` names the
   * selector and value ranges of each multiplexed signal.
   */
  function resolveMultiplexing(
    draft: MessageDraft,
  ): Map<SignalDraft, { selector: SignalDraft; ranges: DbcMuxRange[] }> {
    const result = new Map<SignalDraft, { selector: SignalDraft; ranges: DbcMuxRange[] }>();
    const multiplexers = draft.signals.filter((d) => d.raw.mux?.endsWith('M'));
    const simple = multiplexers.length === 1 ? multiplexers[0] : undefined;
    for (const d of draft.signals) {
      const indicator = d.raw.mux;
      const mValue =
        indicator !== undefined && indicator !== 'M' ? Number.parseInt(indicator.slice(1), 10) : undefined;
      let selector: SignalDraft | undefined;
      let ranges: [number, number][] = [];
      const [first, ...others] = d.muxValues;
      if (first !== undefined) {
        if (others.length > 0) {
          warn(
            draft.uri,
            d.muxValuesLine,
            `signal ${draft.name}.${d.raw.name}: SG_MUL_VAL_ names several multiplexers; using ${first[0]}`,
          );
        }
        selector = draft.signalsByName.get(first[0]);
        if (selector === undefined) {
          warn(
            draft.uri,
            d.muxValuesLine,
            `signal ${draft.name}.${d.raw.name}: SG_MUL_VAL_ multiplexer ${first[0]} is not in the message; ignored`,
          );
        } else {
          ranges = [...first[1]];
          // With a single multiplexer, `mN` and SG_MUL_VAL_ both give values (cantools merges them too).
          if (selector === simple && mValue !== undefined) ranges.push([mValue, mValue]);
        }
      } else if (mValue !== undefined) {
        const topLevel = multiplexers.filter((m) => m.raw.mux === 'M');
        if (simple !== undefined && simple !== d) selector = simple;
        else if (multiplexers.length > 1 && topLevel.length === 1) {
          // Extended multiplexing needs SG_MUL_VAL_; without it the top-level multiplexer is the likeliest.
          selector = topLevel[0];
          warn(
            draft.uri,
            d.raw.line,
            `signal ${draft.name}.${d.raw.name}: ${indicator} without SG_MUL_VAL_ in an extended-multiplexed message; assumed selected by ${selector?.raw.name}`,
          );
        } else {
          warn(
            draft.uri,
            d.raw.line,
            `signal ${draft.name}.${d.raw.name}: ${indicator} but no multiplexer signal selects it; read as always present`,
          );
        }
        if (selector !== undefined) ranges = [[mValue, mValue]];
      }
      if (selector !== undefined && selector !== d) result.set(d, { selector, ranges: mergeRanges(ranges) });
    }
    // A selector chain that loops cannot be decoded: cut the loop.
    for (const d of draft.signals) {
      let current: SignalDraft | undefined = d;
      for (let depth = 0; current !== undefined; depth++) {
        if (depth > draft.signals.length) {
          warn(
            draft.uri,
            d.raw.line,
            `signal ${draft.name}.${d.raw.name}: multiplexer chain loops; read as always present`,
          );
          result.delete(d);
          break;
        }
        current = result.get(current)?.selector;
      }
    }
    return result;
  }

  /** Signals must fit the message and must not overlap other signals that can be present at the same time. */
  function checkPlacement(
    draft: MessageDraft,
    message: DbcMessage,
    mux: Map<SignalDraft, { selector: SignalDraft; ranges: DbcMuxRange[] }>,
  ): void {
    const masks = draft.signals.map((d) => signalByteMasks(d.raw.startBit, d.raw.length, d.raw.byteOrder));
    for (const d of draft.signals) {
      const end = signalEndByte(d.raw.startBit, d.raw.length, d.raw.byteOrder);
      if (end > draft.length) {
        problem(
          draft.uri,
          d.raw.line,
          `message ${draft.name}: signal ${d.raw.name} (start bit ${d.raw.startBit}, ${d.raw.length} bits) ` +
            `needs ${end} bytes but the message has ${draft.length}`,
        );
      }
    }
    const paths = draft.signals.map((d) => selectorPath(d, mux));
    for (let i = 0; i < draft.signals.length; i++) {
      for (let j = 0; j < i; j++) {
        if (!masksOverlap(masks[i]!, masks[j]!) || exclusive(paths[i]!, paths[j]!)) continue;
        const a = draft.signals[j]!.raw;
        const b = draft.signals[i]!.raw;
        problem(
          draft.uri,
          b.line,
          `message ${message.name}: signals ${a.name} (line ${a.line}) and ${b.name} (line ${b.line}) overlap`,
        );
      }
    }
  }

  const environmentVariables: DbcEnvironmentVariable[] = [];
  for (const [shortName, v] of environment) {
    const long = v.attributes.SystemEnvVarLongSymbol;
    const st = v.statement;
    environmentVariables.push({
      name: typeof long === 'string' && long !== '' ? long : shortName,
      type: st.type,
      minimum: st.minimum,
      maximum: st.maximum,
      unit: st.unit,
      initialValue: st.initialValue,
      id: st.id,
      accessType: st.accessType,
      accessNodes: st.accessNodes,
      choices: v.choices,
      comment: v.comment,
      attributes: v.attributes,
    });
  }

  return {
    uri: options.uri,
    version,
    nodes,
    messages: builtMessages,
    valueTables,
    environmentVariables,
    attributeDefinitions,
    attributes: networkAttributes,
    // CANdb++ concatenates all network comments.
    comment: globalComments.length > 0 ? globalComments.join('') : undefined,
    imports: options.imports,
    warnings,
  };
}

type SelectorPath = Map<SignalDraft, readonly DbcMuxRange[]>;

/** Each multiplexer above a signal with the raw values for which the signal (or its branch) is present. */
function selectorPath(
  signal: SignalDraft,
  mux: Map<SignalDraft, { selector: SignalDraft; ranges: DbcMuxRange[] }>,
): SelectorPath {
  const path: SelectorPath = new Map();
  for (
    let entry = mux.get(signal);
    entry !== undefined && !path.has(entry.selector);
    entry = mux.get(entry.selector)
  ) {
    path.set(entry.selector, entry.ranges);
  }
  return path;
}

/** Two signals never appear together when some common multiplexer selects them for disjoint values. */
function exclusive(a: SelectorPath, b: SelectorPath): boolean {
  for (const [selector, rangesA] of a) {
    const rangesB = b.get(selector);
    if (rangesB !== undefined && !rangesIntersect(rangesA, rangesB)) return true;
  }
  return false;
}

function rangesIntersect(a: readonly DbcMuxRange[], b: readonly DbcMuxRange[]): boolean {
  return a.some(([lowA, highA]) => b.some(([lowB, highB]) => lowA <= highB && lowB <= highA));
}

/** Sorts ranges and merges overlapping or adjacent ones. */
function mergeRanges(ranges: readonly (readonly [number, number])[]): DbcMuxRange[] {
  const sorted = ranges
    .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]))
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}
