/**
 * A tiny, safe parser for MDF4 algebraic conversion formulas (§6.17.6, ASAM "MCD-2 MC" syntax subset):
 * numbers, the variable `X` (also `x`, `X1`), `+ - * / ^` (and `**`), unary minus, parentheses and a few
 * functions (`sqrt`, `abs`, `exp`, `ln`/`log`, `log10`, `sin`, `cos`, `tan`). No `eval`: the formula becomes a
 * closure tree. Anything else throws, naming the position, so the caller can report the CC block.
 */
export type Formula = (x: number) => number;

const FUNCTIONS: Readonly<Record<string, (v: number) => number>> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  exp: Math.exp,
  ln: Math.log,
  log: Math.log,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
};

/** Compiles `text`; throws `Error` with the character position of the first problem. */
export function parseFormula(text: string): Formula {
  let pos = 0;

  const skip = (): void => {
    while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos} of formula ${JSON.stringify(text)}`);
  };

  // expr := term (('+'|'-') term)*
  const expr = (): Formula => {
    let left = term();
    for (;;) {
      skip();
      const op = text.charAt(pos);
      if (op !== '+' && op !== '-') return left;
      pos++;
      const right = term();
      const l = left;
      left = op === '+' ? (x) => l(x) + right(x) : (x) => l(x) - right(x);
    }
  };
  // term := unary (('*'|'/') unary)*
  const term = (): Formula => {
    let left = unary();
    for (;;) {
      skip();
      const op = text.charAt(pos);
      if ((op !== '*' && op !== '/') || text.startsWith('**', pos)) return left;
      pos++;
      const right = unary();
      const l = left;
      left = op === '*' ? (x) => l(x) * right(x) : (x) => l(x) / right(x);
    }
  };
  // unary := ('-'|'+') unary | power
  const unary = (): Formula => {
    skip();
    const op = text.charAt(pos);
    if (op === '-') {
      pos++;
      const inner = unary();
      return (x) => -inner(x);
    }
    if (op === '+') {
      pos++;
      return unary();
    }
    return power();
  };
  // power := primary (('^'|'**') unary)?   (right associative, binds tighter than unary minus on its left)
  const power = (): Formula => {
    const base = primary();
    skip();
    let width = 0;
    if (text.charAt(pos) === '^') width = 1;
    else if (text.startsWith('**', pos)) width = 2;
    if (width === 0) return base;
    pos += width;
    const exponent = unary();
    return (x) => base(x) ** exponent(x);
  };
  const primary = (): Formula => {
    skip();
    const c = text.charAt(pos);
    if (c === '(') {
      pos++;
      const inner = expr();
      skip();
      if (text.charAt(pos) !== ')') fail('expected ")"');
      pos++;
      return inner;
    }
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(pos));
    if (number) {
      pos += number[0].length;
      const value = Number(number[0]);
      return () => value;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (name) {
      pos += name[0].length;
      const id = name[0];
      if (id === 'X' || id === 'x' || id === 'X1') return (x) => x;
      const fn = FUNCTIONS[id.toLowerCase()];
      if (fn) {
        skip();
        if (text.charAt(pos) !== '(') fail(`expected "(" after ${id}`);
        pos++;
        const arg = expr();
        skip();
        if (text.charAt(pos) !== ')') fail('expected ")"');
        pos++;
        return (x) => fn(arg(x));
      }
      pos -= id.length;
      fail(`unknown name ${JSON.stringify(id)}`);
    }
    return fail(c === '' ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
  };

  const formula = expr();
  skip();
  if (pos < text.length) fail(`unexpected ${JSON.stringify(text.charAt(pos))}`);
  return formula;
}
