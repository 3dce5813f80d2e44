/**
 * Test helpers around Debian's xmllint (libxml2): XSD validation and XPath reads of written files, so the
 * tests judge the XML with a real XML engine rather than with the code under test. Reads are batched into
 * one xmllint run each: spawning is what costs.
 */

import { spawnSync } from 'node:child_process';

export const XSD = {
  '1.2': '../shared/data/openscenario/esmini/OpenSCENARIOv1.2.xsd',
  '1.3': '../shared/data/openscenario/esmini/OpenSCENARIOv1.3.xsd',
} as const;

/** Validates `file` against `xsd`; returns xmllint's complaint, or undefined when the file validates. */
export function schemaErrors(file: string, xsd: string): string | undefined {
  const run = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return run.status === 0 ? undefined : `xmllint exit ${run.status}: ${run.stderr}`;
}

/** The result of an XPath expression, as xmllint prints it (less the newline it appends). */
export function xpath(file: string, expression: string): string {
  const run = spawnSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0)
    throw new Error(`xmllint --xpath ${expression} ${file}: exit ${run.status}: ${run.stderr}`);
  return run.stdout.endsWith('\n') ? run.stdout.slice(0, -1) : run.stdout;
}

const SEPARATOR = '|~|';

/** Several XPath string expressions (`string(...)`, `count(...)`) evaluated in one xmllint run. */
export function query<K extends string>(file: string, expressions: Record<K, string>): Record<K, string> {
  const keys = Object.keys(expressions) as K[];
  const parts = keys.map((k) => expressions[k]);
  const joined = parts.length === 1 ? `string(${parts[0]})` : `concat(${parts.join(`, '${SEPARATOR}', `)})`;
  const values = xpath(file, joined).split(SEPARATOR);
  if (values.length !== keys.length)
    throw new Error(`query: ${values.length} values for ${keys.length} expressions`);
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? ''])) as Record<K, string>;
}

/**
 * The Polyline's vertices: for each, its `time` and every attribute under its Position (x, y, z, h or
 * latitudeDeg, longitudeDeg, altitude, h, type), in document order.
 */
export function vertices(file: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const [name, value] of attributePairs(
    xpath(file, '//Polyline/Vertex/@time | //Polyline/Vertex/Position//@*'),
  )) {
    if (name === 'time') out.push({});
    const vertex = out[out.length - 1];
    if (vertex) vertex[name] = value;
  }
  return out;
}

/** String values of an attribute node-set, in document order. */
export function attributeValues(file: string, expression: string): string[] {
  return attributePairs(xpath(file, expression)).map(([, value]) => value);
}

function attributePairs(text: string): [string, string][] {
  return [...text.matchAll(/\s?([\w.]+)="([^"]*)"/g)].map((m) => [m[1] ?? '', decodeEntities(m[2] ?? '')]);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e] ?? '';
  });
}
