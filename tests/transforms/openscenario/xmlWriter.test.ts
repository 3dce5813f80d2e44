import { describe, expect, it } from 'vitest';
import { InternalError } from '../../../core/errors.js';
import { escapeXmlAttribute, XmlWriter } from '../../../transforms/openscenario/xmlWriter.js';

describe('escapeXmlAttribute', () => {
  it('escapes markup and keeps whitespace through attribute normalisation', () => {
    expect(escapeXmlAttribute(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(escapeXmlAttribute('tab\tnl\ncr\r')).toBe('tab&#9;nl&#10;cr&#13;');
  });

  it('replaces what XML 1.0 cannot carry and keeps proper surrogate pairs', () => {
    expect(escapeXmlAttribute('x\u0000y\u001fz\uFFFE\uFFFF')).toBe('x\uFFFDy\uFFFDz\uFFFD\uFFFD');
    expect(escapeXmlAttribute('car \uD83D\uDE97!')).toBe('car \uD83D\uDE97!');
    expect(escapeXmlAttribute('lone \uD800 and \uDC00 end\uD83D')).toBe('lone \uFFFD and \uFFFD end\uFFFD');
  });

  it('returns plain text unchanged', () => {
    const text = 'Grünwalder Straße, 48.07 N — ok';
    expect(escapeXmlAttribute(text)).toBe(text);
  });
});

describe('XmlWriter', () => {
  it('writes nested elements with ordered attributes and skips undefined ones', () => {
    const w = new XmlWriter();
    w.open('A', { z: '1', a: '2' }).empty('B', { x: 'a&b', skip: undefined }).close();
    expect(w.toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<A z="1" a="2">\n  <B x="a&amp;b"/>\n</A>\n',
    );
  });

  it('refuses unbalanced use', () => {
    expect(() => new XmlWriter().close()).toThrow(InternalError);
    expect(() => new XmlWriter().open('A').toString()).toThrow(/unclosed <A>/);
  });
});
