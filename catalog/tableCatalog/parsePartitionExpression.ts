/**
 * A parser for Glue partition filter expressions (the `Expression` of GetPartitions), for the catalogs that
 * evaluate them themselves. The grammar is the subset Glue documents:
 *
 * ```
 * expr      := term (OR term)*
 * term      := factor (AND factor)*
 * factor    := NOT factor | '(' expr ')' | predicate
 * predicate := key ( op literal | [NOT] IN '(' literal (',' literal)* ')'
 *                  | [NOT] BETWEEN literal AND literal | [NOT] LIKE string | IS [NOT] NULL )
 * op        := = | <> | != | < | <= | > | >=
 * literal   := 'text with '' for a quote' | number
 * ```
 *
 * Keywords are case-insensitive, keys are the table's partition keys (case-insensitive, optionally in
 * backticks). As in Glue, a literal takes the type of its key: integer keys compare as numbers, string and
 * date keys as text (`YYYY-MM-DD` orders like the date), and `LIKE` works on strings only. Every mistake is a
 * `UsageError` naming the character position.
 */
import { UsageError } from '../../core/errors.js';

/** Glue's limit on an expression (API `PredicateString`). */
export const MAX_EXPRESSION_LENGTH = 2048;

export type KeyKind = 'string' | 'integer' | 'decimal' | 'date' | 'timestamp';

/** A partition key the expression may name: its position in the partition values and how it compares. */
export interface ExpressionKey {
  index: number;
  name: string;
  kind: KeyKind;
}

/** A literal converted to its key's type: text for string/date/timestamp keys, a number otherwise. */
export type KeyValue = string | number;

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type PartitionFilter =
  | { kind: 'and' | 'or'; left: PartitionFilter; right: PartitionFilter }
  | { kind: 'not'; operand: PartitionFilter }
  | { kind: 'compare'; key: ExpressionKey; op: ComparisonOperator; value: KeyValue }
  | { kind: 'in'; key: ExpressionKey; values: KeyValue[]; negated: boolean }
  | { kind: 'between'; key: ExpressionKey; low: KeyValue; high: KeyValue; negated: boolean }
  | { kind: 'like'; key: ExpressionKey; pattern: string; negated: boolean }
  | { kind: 'isNull'; key: ExpressionKey; negated: boolean };

/** The kind of a Hive partition key type, or undefined when Glue cannot filter on it. */
export function keyKind(hiveType: string): KeyKind | undefined {
  const type = hiveType.toLowerCase();
  if (type === 'string' || type.startsWith('varchar') || type.startsWith('char')) return 'string';
  if (type === 'tinyint' || type === 'smallint' || type === 'int' || type === 'bigint' || type === 'long') {
    return 'integer';
  }
  if (type.startsWith('decimal')) return 'decimal';
  if (type === 'date') return 'date';
  if (type === 'timestamp') return 'timestamp';
  return undefined;
}

type TokenKind = 'name' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'end';

interface Token {
  kind: TokenKind;
  /** Source text; for strings the unquoted value, for names without backticks. */
  text: string;
  /** 0-based character offset in the expression. */
  at: number;
  /** A name written in backticks is never a keyword. */
  quoted?: boolean;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'LIKE', 'IS', 'NULL']);

/** Parses `expression` against the table's partition keys. */
export function parsePartitionExpression(
  expression: string,
  keys: readonly ExpressionKey[],
): PartitionFilter {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new UsageError(
      `partition expression is ${expression.length} characters; Glue takes at most ${MAX_EXPRESSION_LENGTH}`,
    );
  }
  return new Parser(expression, keys).parse();
}

class Parser {
  private readonly tokens: Token[];
  private next = 0;

  constructor(
    private readonly source: string,
    private readonly keys: readonly ExpressionKey[],
  ) {
    this.tokens = tokenize(source);
  }

  parse(): PartitionFilter {
    const filter = this.or();
    const token = this.peek();
    if (token.kind !== 'end') this.fail(token, `expected AND, OR or the end, found ${describe(token)}`);
    return filter;
  }

  private or(): PartitionFilter {
    let left = this.and();
    while (this.keyword('OR')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): PartitionFilter {
    let left = this.factor();
    while (this.keyword('AND')) left = { kind: 'and', left, right: this.factor() };
    return left;
  }

  private factor(): PartitionFilter {
    if (this.keyword('NOT')) return { kind: 'not', operand: this.factor() };
    if (this.peek().kind === '(') {
      this.take();
      const inner = this.or();
      this.expect(')', 'a closing )');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): PartitionFilter {
    const token = this.take();
    if (token.kind !== 'name' || (!token.quoted && KEYWORDS.has(token.text.toUpperCase()))) {
      this.fail(token, `expected a partition key (${this.keyNames()}), found ${describe(token)}`);
    }
    const key = this.keys.find((k) => k.name.toLowerCase() === token.text.toLowerCase());
    if (!key) this.fail(token, `${token.text} is not a partition key; the keys are ${this.keyNames()}`);

    const op = this.peek();
    if (op.kind === 'op') {
      this.take();
      const operator = op.text === '!=' ? '<>' : (op.text as ComparisonOperator);
      return { kind: 'compare', key, op: operator, value: this.literal(key) };
    }
    if (this.keyword('IS')) {
      const negated = this.keyword('NOT');
      if (!this.keyword('NULL')) this.fail(this.peek(), `expected NULL, found ${describe(this.peek())}`);
      return { kind: 'isNull', key, negated };
    }
    const negated = this.keyword('NOT');
    if (this.keyword('IN')) {
      this.expect('(', 'a ( opening the IN list');
      const values = [this.literal(key)];
      while (this.peek().kind === ',') {
        this.take();
        values.push(this.literal(key));
      }
      this.expect(')', 'a , or the ) closing the IN list');
      return { kind: 'in', key, values, negated };
    }
    if (this.keyword('BETWEEN')) {
      const low = this.literal(key);
      if (!this.keyword('AND'))
        this.fail(this.peek(), `expected AND in BETWEEN, found ${describe(this.peek())}`);
      return { kind: 'between', key, low, high: this.literal(key), negated };
    }
    if (this.keyword('LIKE')) {
      const pattern = this.take();
      if (pattern.kind !== 'string')
        this.fail(pattern, `LIKE takes a quoted pattern, found ${describe(pattern)}`);
      if (key.kind !== 'string')
        this.fail(pattern, `LIKE works on string keys; ${key.name} is a ${key.kind}`);
      return { kind: 'like', key, pattern: pattern.text, negated };
    }
    const found = this.peek();
    this.fail(
      found,
      `expected a comparison, IN, BETWEEN, LIKE or IS after ${key.name}, found ${describe(found)}`,
    );
  }

  /** A literal converted to the key's type, as Glue casts literals to the key's declared type. */
  private literal(key: ExpressionKey): KeyValue {
    const token = this.take();
    if (token.kind !== 'string' && token.kind !== 'number') {
      this.fail(token, `expected a value ('text' or a number) for ${key.name}, found ${describe(token)}`);
    }
    switch (key.kind) {
      case 'string':
      case 'timestamp':
        return token.text;
      case 'date':
        if (!/^\d{4}-\d{2}-\d{2}$/.test(token.text)) {
          this.fail(token, `${key.name} is a date; expected 'YYYY-MM-DD', found ${describe(token)}`);
        }
        return token.text;
      case 'integer': {
        const value = /^-?\d+$/.test(token.text) ? Number(token.text) : NaN;
        if (!Number.isSafeInteger(value)) {
          this.fail(token, `${key.name} is an integer; ${describe(token)} is not one (or exceeds 2^53)`);
        }
        return value;
      }
      case 'decimal': {
        const value = Number(token.text);
        if (token.text.trim() === '' || !Number.isFinite(value)) {
          this.fail(token, `${key.name} is a decimal; ${describe(token)} is not a number`);
        }
        return value;
      }
    }
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token.kind === 'name' && !token.quoted && token.text.toUpperCase() === word) {
      this.next++;
      return true;
    }
    return false;
  }

  private expect(kind: TokenKind, what: string): void {
    const token = this.take();
    if (token.kind !== kind) this.fail(token, `expected ${what}, found ${describe(token)}`);
  }

  private peek(): Token {
    return this.tokens[this.next] ?? endToken(this.source);
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.next++;
    return token;
  }

  private keyNames(): string {
    return this.keys.map((k) => k.name).join(', ');
  }

  private fail(token: Token, message: string): never {
    throw expressionError(this.source, token.at, message);
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, at: i });
      i++;
    } else if (c === "'") {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw expressionError(source, start, 'unterminated string literal');
        const d = source.charAt(i);
        if (d === "'") {
          if (source.charAt(i + 1) === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += d;
        i++;
      }
      tokens.push({ kind: 'string', text, at: start });
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) throw expressionError(source, i, 'unterminated `quoted name`');
      tokens.push({ kind: 'name', text: source.slice(i + 1, end), at: i, quoted: true });
      i = end + 1;
    } else if ('=<>!'.includes(c)) {
      const two = source.slice(i, i + 2);
      const op = two === '<=' || two === '>=' || two === '<>' || two === '!=' ? two : c;
      if (op === '!') throw expressionError(source, i, 'expected != ("!" alone is not an operator)');
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
    } else {
      const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(i, i + 64));
      const name = number ? undefined : /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 256));
      if (number) {
        tokens.push({ kind: 'number', text: number[0], at: i });
        i += number[0].length;
      } else if (name) {
        tokens.push({ kind: 'name', text: name[0], at: i });
        i += name[0].length;
      } else {
        throw expressionError(source, i, `unexpected character ${JSON.stringify(c)}`);
      }
    }
  }
  return tokens;
}

function endToken(source: string): Token {
  return { kind: 'end', text: '', at: source.length };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `'${token.text.replaceAll("'", "''")}'`;
    default:
      return JSON.stringify(token.text);
  }
}

/** `bad partition expression at character 12: …` followed by the expression and a caret under the spot. */
function expressionError(source: string, at: number, message: string): UsageError {
  const column = at + 1;
  return new UsageError(
    `bad partition expression at character ${column}: ${message}\n  ${source}\n  ${' '.repeat(at)}^`,
  );
}
