/**
 * A minimal XML text builder: elements with attributes only (OpenSCENARIO carries everything in attributes),
 * two-space indentation, attributes in the order given, so the same calls give the same bytes.
 */

import { InternalError } from '../../core/errors.js';

/** Attribute values; `undefined` leaves the attribute out. Numbers must already be formatted. */
export type XmlAttributes = Readonly<Record<string, string | undefined>>;

/**
 * Escapes text for a double-quoted XML 1.0 attribute value (XML 1.0 §2.4, §3.3.3). Tab, CR and LF become
 * character references so attribute-value normalisation keeps them; characters XML 1.0 cannot carry at all
 * (other C0 controls, lone surrogates, U+FFFE/U+FFFF: §2.2 Char) become U+FFFD.
 */
export function escapeXmlAttribute(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let replacement: string | undefined;
    if (c === 0x26) replacement = '&amp;';
    else if (c === 0x3c) replacement = '&lt;';
    else if (c === 0x3e) replacement = '&gt;';
    else if (c === 0x22) replacement = '&quot;';
    else if (c === 0x27) replacement = '&apos;';
    else if (c === 0x09 || c === 0x0a || c === 0x0d) replacement = `&#${c};`;
    else if (c < 0x20 || c === 0xfffe || c === 0xffff) replacement = '\uFFFD';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff)
        i++; // a proper pair: keep both halves
      else replacement = '\uFFFD';
    } else if (c >= 0xdc00 && c <= 0xdfff) replacement = '\uFFFD';
    if (replacement === undefined) continue;
    out += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

export class XmlWriter {
  private readonly lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  private readonly stack: string[] = [];

  /** Opens `<name ...>`; close it with `close()`. */
  open(name: string, attributes: XmlAttributes = {}): this {
    this.lines.push(`${this.indent()}<${name}${formatAttributes(attributes)}>`);
    this.stack.push(name);
    return this;
  }

  /** Writes an empty element `<name .../>`. */
  empty(name: string, attributes: XmlAttributes = {}): this {
    this.lines.push(`${this.indent()}<${name}${formatAttributes(attributes)}/>`);
    return this;
  }

  /** Closes the innermost open element. */
  close(): this {
    const name = this.stack.pop();
    if (name === undefined) throw new InternalError('xmlWriter: close() without an open element');
    this.lines.push(`${this.indent()}</${name}>`);
    return this;
  }

  /** The document, with a final newline. Throws while elements are still open. */
  toString(): string {
    if (this.stack.length > 0) throw new InternalError(`xmlWriter: unclosed <${this.stack.join('> <')}>`);
    return `${this.lines.join('\n')}\n`;
  }

  private indent(): string {
    return '  '.repeat(this.stack.length);
  }
}

function formatAttributes(attributes: XmlAttributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) out += ` ${name}="${escapeXmlAttribute(value)}"`;
  }
  return out;
}
