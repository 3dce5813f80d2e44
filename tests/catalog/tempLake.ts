/**
 * Test helper: a lake in a fresh temporary folder, removed after the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';

export async function tempLake(): Promise<LocalObjectStore> {
  const root = await mkdtemp(join(tmpdir(), 'adlake-test-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  return LocalObjectStore.open({ root });
}
