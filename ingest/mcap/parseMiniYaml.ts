import { DecodeError } from '../../core/errors.js';

/** What `parseMiniYaml` returns: scalars stay strings (nanosecond counts exceed 2^53), `~`/`null` is null. */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  number: number;
}

/**
 * Parses the block-style YAML subset that rosbag2 writes for `metadata.yaml`: nested mappings and
 * sequences by indentation, `- key: value` items, plain, single- and double-quoted scalars (double-quoted
 * ones may span lines), `[]`/`{}` empty flow collections. Anchors, tags, other flow collections and block
 * scalars are not supported and throw DecodeError, so a file outside the subset is never misread silently.
 */
export function parseMiniYaml(text: string, uri?: string): YamlValue {
  const lines = logicalLines(text, uri);
  const state = { at: 0 };
  if (lines.length === 0) return null;
  return parseBlock(lines, state, lines[0]!.indent, uri);
}

function logicalLines(text: string, uri: string | undefined): Line[] {
  const out: Line[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    const number = i + 1;
    if (/^\s*(#.*)?$/.test(line) || line.startsWith('---')) continue;
    // A double-quoted scalar left open continues on the next lines (YAML 1.2 §7.3.1 line folding).
    while (openQuote(line)) {
      const next = raw[++i];
      if (next === undefined)
        throw new DecodeError('yaml: unterminated double-quoted string', { uri, line: number });
      line = line.endsWith('\\') ? line.slice(0, -1) + next.trimStart() : `${line} ${next.trim()}`;
    }
    const indent = line.length - line.trimStart().length;
    out.push({ indent, text: line.trim(), number });
  }
  return out;
}

function openQuote(line: string): boolean {
  const start = line.indexOf('"');
  if (start < 0) return false;
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return false;
  }
  return true;
}

function parseBlock(
  lines: Line[],
  state: { at: number },
  indent: number,
  uri: string | undefined,
): YamlValue {
  const first = lines[state.at];
  if (first === undefined) return null;
  if (first.text === '-' || first.text.startsWith('- ')) return parseSequence(lines, state, indent, uri);
  return parseMapping(lines, state, indent, uri);
}

function parseSequence(
  lines: Line[],
  state: { at: number },
  indent: number,
  uri: string | undefined,
): YamlValue[] {
  const items: YamlValue[] = [];
  for (
    let line = lines[state.at];
    line !== undefined && line.indent === indent && (line.text === '-' || line.text.startsWith('- '));
    line = lines[state.at]
  ) {
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      state.at++;
      const child = lines[state.at];
      items.push(
        child !== undefined && child.indent > indent ? parseBlock(lines, state, child.indent, uri) : null,
      );
    } else if (keyOf(rest) !== undefined) {
      // `- key: value`: the item is a mapping whose keys sit where `key` starts.
      const itemIndent = indent + (line.text.length - rest.length);
      lines[state.at] = { indent: itemIndent, text: rest, number: line.number };
      items.push(parseMapping(lines, state, itemIndent, uri));
    } else {
      state.at++;
      items.push(scalar(rest, line.number, uri));
    }
  }
  return items;
}

function parseMapping(
  lines: Line[],
  state: { at: number },
  indent: number,
  uri: string | undefined,
): { [key: string]: YamlValue } {
  const map: { [key: string]: YamlValue } = {};
  for (let line = lines[state.at]; line !== undefined && line.indent === indent; line = lines[state.at]) {
    const key = keyOf(line.text);
    if (key === undefined)
      throw new DecodeError(`yaml: expected "key: value", got ${JSON.stringify(line.text.slice(0, 40))}`, {
        uri,
        line: line.number,
      });
    const rest = line.text.slice(key.length + 1).trim();
    state.at++;
    if (rest !== '') {
      map[unquoteKey(key)] = scalar(rest, line.number, uri);
      continue;
    }
    const child = lines[state.at];
    // A sequence may sit at the same indent as its key (`key:\n- item`), which is how rosbag2 writes lists.
    const nested =
      child !== undefined &&
      (child.indent > indent || (child.indent === indent && child.text.startsWith('- ')));
    map[unquoteKey(key)] = nested ? parseBlock(lines, state, child.indent, uri) : null;
  }
  const stray = lines[state.at];
  if (stray !== undefined && stray.indent > indent)
    throw new DecodeError('yaml: unexpected indentation', { uri, line: stray.number });
  return map;
}

/** The key of a `key: value` / `key:` line, or undefined for a plain scalar. */
function keyOf(text: string): string | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const close = text.indexOf(text[0]!, 1);
    return close > 0 && text[close + 1] === ':' && (text.length === close + 2 || text[close + 2] === ' ')
      ? text.slice(0, close + 1)
      : undefined;
  }
  const match = /^([^:#\s][^:#]*?):(?:\s|$)/.exec(text);
  return match?.[1];
}

function unquoteKey(key: string): string {
  return key.startsWith('"') || key.startsWith("'") ? key.slice(1, -1) : key;
}

function scalar(text: string, line: number, uri: string | undefined): YamlValue {
  if (text === '~' || text === 'null') return null;
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (text.startsWith('"')) return unescapeDouble(text.slice(1, text.lastIndexOf('"')));
  if (text.startsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
  if (/^[[{&*!|>]/.test(text))
    throw new DecodeError(`yaml: unsupported construct ${JSON.stringify(text.slice(0, 20))}`, { uri, line });
  const comment = text.indexOf(' #');
  return comment >= 0 ? text.slice(0, comment).trimEnd() : text;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  '/': '/',
  ' ': ' ',
  '0': '\0',
};

/** YAML double-quoted escapes (§5.7) that rosbag2 uses; others are kept as written. */
function unescapeDouble(body: string): string {
  return body.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all);
}
