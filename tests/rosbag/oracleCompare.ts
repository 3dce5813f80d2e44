import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Relative float tolerance for message fields against python oracles (doubles printed by `repr`). */
export const REL_TOL = 1e-9;

export function closeEnough(expected: number, actual: number): boolean {
  if (expected === actual) return true;
  return Math.abs(expected - actual) <= REL_TOL * Math.max(Math.abs(expected), Math.abs(actual));
}

/**
 * Compares a message decoded by adlake with the genpy message the oracle printed: ROS times are
 * `{secs, nsecs}` there and `{sec, nsec}` here; numeric arrays may be typed arrays here.
 */
export function expectLikeOracle(expected: unknown, actual: unknown, path = 'msg'): void {
  if (typeof expected === 'number') {
    const value = typeof actual === 'bigint' ? Number(actual) : actual;
    expect(typeof value, path).toBe('number');
    expect(closeEnough(expected, value as number), `${path}: ${String(value)} vs ${expected}`).toBe(true);
    return;
  }
  if (typeof expected === 'string' || typeof expected === 'boolean' || expected === null) {
    expect(actual, path).toEqual(expected);
    return;
  }
  if (Array.isArray(expected)) {
    const list = ArrayBuffer.isView(actual) ? Array.from(actual as unknown as ArrayLike<unknown>) : actual;
    expect(Array.isArray(list), `${path} is a list`).toBe(true);
    const items = list as unknown[];
    expect(items.length, `${path}.length`).toBe(expected.length);
    expected.forEach((item, i) => expectLikeOracle(item, items[i], `${path}[${i}]`));
    return;
  }
  expect(typeof actual, path).toBe('object');
  const record = actual as Record<string, unknown>;
  const keys = Object.keys(expected as object);
  if (keys.length === 2 && keys.includes('secs') && keys.includes('nsecs')) {
    const time = expected as { secs: number; nsecs: number };
    expect({ sec: record.sec, nsec: record.nsec }, path).toEqual({ sec: time.secs, nsec: time.nsecs });
    return;
  }
  expect(Object.keys(record).sort(), `${path} keys`).toEqual([...keys].sort());
  for (const key of keys)
    expectLikeOracle((expected as Record<string, unknown>)[key], record[key], `${path}.${key}`);
}

/** Recursively lists files under `dir` whose names end with `suffix`. */
export async function walk(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path, suffix)));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}
