/**
 * The in-memory model of a CAN database (DBC). Names follow the DBC file format specification (Vector,
 * "DBC File Format Documentation" v1.0.5): BU_ = node, BO_ = message, SG_ = signal, EV_ = environment variable.
 * Objects are built once by `parseDbc` and are treated as immutable afterwards.
 */

/** `little_endian` is DBC byte order `1` (Intel); `big_endian` is `0` (Motorola). */
export type DbcByteOrder = 'little_endian' | 'big_endian';

/** `SIG_VALTYPE_` 1 = IEEE float32, 2 = IEEE float64; otherwise an integer of `length` bits. */
export type DbcValueType = 'integer' | 'float32' | 'float64';

/** An attribute value after conversion: INT/HEX/FLOAT give numbers, STRING gives text, ENUM gives its label. */
export type DbcAttributeValue = number | string;

/** Something odd that lenient parsing accepted. `line` is 1-based in the file named by `uri`. */
export interface DbcWarning {
  uri: string;
  line: number;
  message: string;
}

/** An inclusive range of multiplexer raw values, `[low, high]` (`SG_MUL_VAL_ ... 3-5`; `m3` gives `[3, 3]`). */
export type DbcMuxRange = readonly [low: number, high: number];

export interface DbcSignal {
  /** `SystemSignalLongSymbol` when present (DBC names are cut at 32 characters), else the name as written. */
  readonly name: string;
  /** The name as written in `SG_`; other statements (VAL_, CM_, BA_) refer to it. */
  readonly shortName: string;
  /**
   * The start bit as written in the DBC. Intel: position of the least significant bit. Motorola: position of
   * the most significant bit in the DBC's "sawtooth" numbering (bit 7 of byte 0 is 7, bit 0 of byte 1 is 8).
   * This is also cantools' `start`.
   */
  readonly startBit: number;
  readonly length: number;
  readonly byteOrder: DbcByteOrder;
  readonly isSigned: boolean;
  readonly valueType: DbcValueType;
  /** Physical value = raw * scale + offset. */
  readonly scale: number;
  readonly offset: number;
  /** Undefined when not given; `[0|0]` means "not given" in DBC files (as CANdb++ and cantools read it). */
  readonly minimum: number | undefined;
  readonly maximum: number | undefined;
  /** Empty string when the DBC gives `""`. */
  readonly unit: string;
  /** Receiving nodes; the placeholder `Vector__XXX` is dropped. */
  readonly receivers: readonly string[];
  /** True for `M` and `mNM` signals: their raw value selects which multiplexed signals are present. */
  readonly isMultiplexer: boolean;
  /** Name (`name`, not `shortName`) of the multiplexer signal that selects this signal, if it is multiplexed. */
  readonly multiplexerSignal: string | undefined;
  /** Raw multiplexer values for which this signal is present: sorted, merged ranges; undefined if not multiplexed. */
  readonly multiplexerRanges: readonly DbcMuxRange[] | undefined;
  /** `VAL_` value descriptions: raw value → text. */
  readonly choices: ReadonlyMap<number, string> | undefined;
  readonly comment: string | undefined;
  /** Attributes set explicitly with `BA_ ... SG_` (defaults are in `DbcDatabase.attributeDefinitions`). */
  readonly attributes: Readonly<Record<string, DbcAttributeValue>>;
  readonly line: number;
}

export interface DbcSignalGroup {
  readonly name: string;
  readonly repetitions: number;
  /** Signal names (`name`) in the order listed. */
  readonly signals: readonly string[];
}

export interface DbcMessage {
  /** Arbitration id without the DBC's extended flag (bit 31): at most 11 bits, or 29 bits when `extended`. */
  readonly id: number;
  readonly extended: boolean;
  /** `SystemMessageLongSymbol` when present, else the name as written. */
  readonly name: string;
  readonly shortName: string;
  /** Payload length in bytes (0..64; above 8 only on CAN FD). */
  readonly length: number;
  /** `BO_` transmitter first, then `BO_TX_BU_` ones; `Vector__XXX` is dropped. */
  readonly senders: readonly string[];
  /** In file order. */
  readonly signals: readonly DbcSignal[];
  readonly comment: string | undefined;
  /** `GenMsgCycleTime` in ms (attribute or its default); undefined when absent or 0. */
  readonly cycleTimeMs: number | undefined;
  /** `VFrameFormat` label (attribute or default), e.g. `StandardCAN`, `ExtendedCAN_FD`, `J1939PG`. */
  readonly frameFormat: string | undefined;
  /** CAN FD per `VFrameFormat` (`StandardCAN_FD` / `ExtendedCAN_FD`). */
  readonly fd: boolean;
  readonly signalGroups: readonly DbcSignalGroup[];
  readonly attributes: Readonly<Record<string, DbcAttributeValue>>;
  /** Where the `BO_` line is (imported messages name the imported file). */
  readonly uri: string;
  readonly line: number;
}

export interface DbcNode {
  /** `SystemNodeLongSymbol` when present, else the name as written. */
  readonly name: string;
  readonly shortName: string;
  readonly comment: string | undefined;
  readonly attributes: Readonly<Record<string, DbcAttributeValue>>;
}

export interface DbcEnvironmentVariable {
  readonly name: string;
  /** 0 integer, 1 float, 2 string. */
  readonly type: number;
  readonly minimum: number;
  readonly maximum: number;
  readonly unit: string;
  readonly initialValue: number;
  readonly id: number;
  readonly accessType: string;
  readonly accessNodes: readonly string[];
  readonly choices: ReadonlyMap<number, string> | undefined;
  readonly comment: string | undefined;
  readonly attributes: Readonly<Record<string, DbcAttributeValue>>;
}

export type DbcAttributeObject = 'network' | 'node' | 'message' | 'signal' | 'environment';

export interface DbcAttributeDefinition {
  readonly name: string;
  readonly object: DbcAttributeObject;
  readonly type: 'INT' | 'HEX' | 'FLOAT' | 'STRING' | 'ENUM';
  readonly minimum: number | undefined;
  readonly maximum: number | undefined;
  /** ENUM labels; an ENUM attribute value is an index into them. */
  readonly enumValues: readonly string[] | undefined;
  /** From `BA_DEF_DEF_` (ENUM defaults are labels). */
  readonly defaultValue: DbcAttributeValue | undefined;
}

export interface DbcDatabase {
  /** The main file's uri. */
  readonly uri: string;
  readonly version: string | undefined;
  readonly nodes: readonly DbcNode[];
  /** In file order (imported files first). */
  readonly messages: readonly DbcMessage[];
  /** `VAL_TABLE_` name → raw value → text. */
  readonly valueTables: ReadonlyMap<string, ReadonlyMap<number, string>>;
  readonly environmentVariables: readonly DbcEnvironmentVariable[];
  readonly attributeDefinitions: ReadonlyMap<string, DbcAttributeDefinition>;
  /** Network attributes (`BA_ "name" value;`). */
  readonly attributes: Readonly<Record<string, DbcAttributeValue>>;
  /** Global `CM_ "...";` comments concatenated, as CANdb++ does (IMPORT lines excluded). */
  readonly comment: string | undefined;
  /** uris of files pulled in with opendbc's `CM_ "IMPORT file.dbc";`, in the order they were parsed. */
  readonly imports: readonly string[];
  /** What lenient parsing accepted or dropped; empty for a clean file. */
  readonly warnings: readonly DbcWarning[];
}
