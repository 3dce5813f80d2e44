import { DecodeError } from '../../core/errors.js';

/** Every statement keyword of the DBC format (Vector DBC File Format Documentation v1.0.5, §3-§12). */
export const DBC_KEYWORDS: ReadonlySet<string> = new Set([
  'VERSION',
  'NS_',
  'NS_DESC_',
  'BS_',
  'BU_',
  'BO_',
  'SG_',
  'EV_',
  'ENVVAR_DATA_',
  'EV_DATA_',
  'CM_',
  'BA_DEF_',
  'BA_DEF_DEF_',
  'BA_',
  'BA_DEF_REL_',
  'BA_DEF_DEF_REL_',
  'BA_REL_',
  'BA_DEF_SGTYPE_',
  'BA_SGTYPE_',
  'VAL_',
  'VAL_TABLE_',
  'CAT_DEF_',
  'CAT_',
  'FILTER',
  'SGTYPE_',
  'SGTYPE_VAL_',
  'SIG_TYPE_REF_',
  'SIG_VALTYPE_',
  'SIGTYPE_VALTYPE_',
  'SIG_GROUP_',
  'SG_MUL_VAL_',
  'BO_TX_BU_',
  'BU_SG_REL_',
  'BU_EV_REL_',
  'BU_BO_REL_',
]);

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;

function isIdentChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || // 0-9
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    c === 0x5f // _
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * A hand-written, on-demand scanner for DBC text. The parser asks for the token it expects next (a name, a
 * number, a string), which lets names start with digits (`BO_ 1275 2017_5: ...` is legal in CANdb++ and opendbc)
 * without a separate number/word ambiguity. Tracks 1-based line and column for errors.
 */
export class DbcScanner {
  readonly text: string;
  readonly uri: string;
  pos = 0;
  line = 1;
  private lineStart = 0;

  constructor(text: string, uri: string) {
    this.text = text;
    this.uri = uri;
    // A UTF-8 byte order mark is not part of the first keyword.
    if (text.charCodeAt(0) === 0xfeff) this.pos = this.lineStart = 1;
  }

  get column(): number {
    return this.pos - this.lineStart + 1;
  }

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  /** Skips blanks, line breaks and `//` comments. */
  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === SPACE || c === TAB || c === 0x0c || c === 0x0b) pos++;
      else if (c === LF) this.newline(pos++);
      else if (c === CR) {
        // A lone CR (classic Mac) ends a line too; CRLF counts once, at the LF.
        if (text.charCodeAt(pos + 1) !== LF) this.newline(pos);
        pos++;
      } else if (c === SLASH && text.charCodeAt(pos + 1) === SLASH) {
        while (pos < text.length && text.charCodeAt(pos) !== LF && text.charCodeAt(pos) !== CR) pos++;
      } else break;
    }
    this.pos = pos;
  }

  /** Skips blanks on the current line only. */
  skipInlineSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === SPACE || c === TAB || c === 0x0c || c === 0x0b) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** True when only blanks (or a `//` comment) remain on the current line. */
  atLineEnd(): boolean {
    this.skipInlineSpace();
    const c = this.peek();
    return (
      this.eof() || c === LF || c === CR || (c === SLASH && this.text.charCodeAt(this.pos + 1) === SLASH)
    );
  }

  /** Consumes `ch` (after blanks and line breaks) if it is next. */
  tryChar(ch: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  expectChar(ch: string, what = `'${ch}'`): void {
    if (!this.tryChar(ch)) throw this.error(what);
  }

  /** Next character after blanks and line breaks, without consuming it. */
  peekAfterSpace(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  /** A name: `[A-Za-z0-9_]+` (may start with a digit). */
  tryName(): string | undefined {
    this.skipSpace();
    const start = this.pos;
    let pos = start;
    while (isIdentChar(this.text.charCodeAt(pos))) pos++;
    if (pos === start) return undefined;
    this.pos = pos;
    return this.text.slice(start, pos);
  }

  name(what: string): string {
    const name = this.tryName();
    if (name === undefined) throw this.error(what);
    return name;
  }

  /** Peeks at the next name without consuming it. */
  peekName(): string | undefined {
    const { pos, line, lineStart } = this;
    const name = this.tryName();
    this.pos = pos;
    this.line = line;
    this.lineStart = lineStart;
    return name;
  }

  /**
   * A number: decimal integer or float with optional sign and exponent (`-1.5E+3`, `.5`), or `0x` hex.
   * Returns undefined without consuming when no number is next.
   */
  tryNumber(): number | undefined {
    this.skipSpace();
    const text = this.text;
    const start = this.pos;
    let pos = start;
    let c = text.charCodeAt(pos);
    if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++pos); // + -
    if (c === 0x30 && (text.charCodeAt(pos + 1) | 0x20) === 0x78) {
      const hexStart = pos + 2;
      let end = hexStart;
      while (/[0-9a-fA-F]/.test(text[end] ?? '')) end++;
      if (end > hexStart && !isIdentChar(text.charCodeAt(end))) {
        const magnitude = Number.parseInt(text.slice(hexStart, end), 16);
        this.pos = end;
        return text.charCodeAt(start) === 0x2d ? -magnitude : magnitude;
      }
    }
    const digitsStart = pos;
    while (isDigit(text.charCodeAt(pos))) pos++;
    let digits = pos - digitsStart;
    if (text.charCodeAt(pos) === 0x2e) {
      const fractionStart = ++pos;
      while (isDigit(text.charCodeAt(pos))) pos++;
      digits += pos - fractionStart;
    }
    if (digits === 0) return undefined;
    if ((text.charCodeAt(pos) | 0x20) === 0x65) {
      let p = pos + 1;
      const s = text.charCodeAt(p);
      if (s === 0x2b || s === 0x2d) p++;
      if (isDigit(text.charCodeAt(p))) {
        while (isDigit(text.charCodeAt(p))) p++;
        pos = p;
      }
    }
    // `2017_5` is a name, not the number 2017 followed by garbage.
    if (isIdentChar(text.charCodeAt(pos))) return undefined;
    this.pos = pos;
    return Number(text.slice(start, pos));
  }

  number(what: string): number {
    const value = this.tryNumber();
    if (value === undefined) throw this.error(what);
    return value;
  }

  integer(what: string): number {
    const at = this.mark();
    const value = this.number(what);
    if (!Number.isInteger(value)) throw this.errorAt(at, `${what} (an integer)`, String(value));
    return value;
  }

  /** A double-quoted string; `\"` is an escaped quote (as CANdb++ writes and cantools reads). May span lines. */
  string(what: string): string {
    this.skipSpace();
    const text = this.text;
    if (text.charCodeAt(this.pos) !== QUOTE) throw this.error(what);
    const at = this.mark();
    let pos = this.pos + 1;
    let escaped = false;
    for (;;) {
      if (pos >= text.length) throw this.errorAt(at, `closing '"' of the string opened here`, 'end of file');
      const c = text.charCodeAt(pos);
      if (c === QUOTE) break;
      if (c === BACKSLASH && text.charCodeAt(pos + 1) === QUOTE) {
        escaped = true;
        pos += 2;
        continue;
      }
      if (c === LF) this.newline(pos);
      else if (c === CR && text.charCodeAt(pos + 1) !== LF) this.newline(pos);
      pos++;
    }
    let value = text.slice(this.pos + 1, pos);
    this.pos = pos + 1;
    if (escaped) value = value.replaceAll('\\"', '"');
    // Line breaks inside strings (multi-line comments) read as LF whatever the file uses, as in text mode.
    return value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
  }

  /**
   * Skips a statement this parser does not interpret: up to and including its `;`, or up to the next line
   * that starts with a statement keyword when the statement has no `;` (strings may hold `;` and newlines).
   */
  skipStatement(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x3b) {
        this.pos++;
        return;
      }
      if (c === QUOTE) {
        this.string('a string');
        continue;
      }
      if (c === LF || c === CR) {
        this.skipSpace();
        const next = this.peekName();
        if (next !== undefined && DBC_KEYWORDS.has(next)) return;
        continue;
      }
      this.pos++;
    }
  }

  /** Skips the rest of the current line. */
  skipLine(): void {
    const text = this.text;
    while (this.pos < text.length && text.charCodeAt(this.pos) !== LF && text.charCodeAt(this.pos) !== CR) {
      this.pos++;
    }
  }

  /** The rest of the current line, without consuming it. */
  restOfLine(): string {
    let end = this.pos;
    const text = this.text;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
    return text.slice(this.pos, end);
  }

  mark(): { line: number; column: number } {
    return { line: this.line, column: this.column };
  }

  /** A syntax error at the next token: says what was expected and what was found. */
  error(expected: string): DecodeError {
    this.skipSpace();
    return this.errorAt(this.mark(), expected, this.describeNext());
  }

  errorAt(at: { line: number; column: number }, expected: string, found: string): DecodeError {
    return new DecodeError(`dbc: expected ${expected}, found ${found}`, {
      uri: this.uri,
      line: at.line,
      column: at.column,
    });
  }

  private describeNext(): string {
    if (this.eof()) return 'end of file';
    const rest = this.restOfLine();
    const token = /^("[^"]{0,20}|[A-Za-z0-9_.+-]{1,24}|.)/.exec(rest)?.[0] ?? rest.slice(0, 1);
    return `'${token}'`;
  }
}
