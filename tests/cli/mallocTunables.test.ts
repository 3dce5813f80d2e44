import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MALLOC_TUNABLES,
  relaunch,
  shouldRelaunch,
  tunedEnvironment,
  tunedNodeFlags,
} from '../../cli/mallocTunables.js';

describe('glibc malloc tunables', () => {
  it('adds the tunables to GLIBC_TUNABLES and keeps the caller’s own', () => {
    expect(tunedEnvironment({ PATH: '/bin' })).toEqual({
      PATH: '/bin',
      GLIBC_TUNABLES:
        'glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432:' +
        'glibc.malloc.top_pad=33554432:glibc.malloc.trim_threshold=268435456',
      ADLAKE_RELAUNCHED: '1',
    });
    const env = tunedEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=4:glibc.pthread.rseq=0' });
    expect(env.GLIBC_TUNABLES).toBe(
      'glibc.malloc.arena_max=4:glibc.pthread.rseq=0:glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:' +
        'glibc.malloc.top_pad=33554432:glibc.malloc.trim_threshold=268435456',
    );
    expect(MALLOC_TUNABLES).toHaveLength(5);
  });

  it('relaunches commands that do work, once, on glibc only, unless turned off', () => {
    const work = ['transform', '--all'];
    expect(shouldRelaunch(work, {}, true)).toBe(true);
    expect(shouldRelaunch(work, {}, false)).toBe(false);
    expect(shouldRelaunch(work, { ADLAKE_RELAUNCHED: '1' }, true)).toBe(false);
    expect(shouldRelaunch(work, { ADLAKE_NO_RELAUNCH: '1' }, true)).toBe(false);
    expect(shouldRelaunch(work, { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, true)).toBe(false);
    expect(shouldRelaunch(work, { GLIBC_TUNABLES: 'glibc.pthread.rseq=0' }, true)).toBe(true);
    for (const info of [[], ['--help'], ['transform', '-h'], ['--version'], ['help'], ['version']])
      expect(shouldRelaunch(info, {}, true)).toBe(false);
  });

  it('gives transform and detect a smaller young generation, unless Node was given one', () => {
    expect(tunedNodeFlags(['transform', '--all'], [])).toEqual(['--max-semi-space-size=8']);
    expect(tunedNodeFlags(['detect', 'd1'], ['--cpu-prof'])).toEqual(['--max-semi-space-size=8']);
    expect(tunedNodeFlags(['ingest', 'log.txt'], [])).toEqual([]);
    expect(tunedNodeFlags([], [])).toEqual([]);
    expect(tunedNodeFlags(['transform'], ['--max-semi-space-size=32'])).toEqual([]);
  });

  describe('relaunch', () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('runs the child with the tunables and passes its exit code on', async () => {
      dir = await mkdtemp(join(tmpdir(), 'adlake-relaunch-'));
      const out = join(dir, 'env.json');
      const script = `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env)); process.exit(3)`;
      expect(await relaunch(['-e', script])).toBe(3);
      const env = JSON.parse(await readFile(out, 'utf8')) as Record<string, string>;
      expect(env.GLIBC_TUNABLES).toContain('glibc.malloc.hugetlb=1');
      expect(env.ADLAKE_RELAUNCHED).toBe('1');
    });

    it('reports a child killed by a signal as 128 + its number', async () => {
      expect(await relaunch(['-e', "process.kill(process.pid, 'SIGKILL')"])).toBe(137);
    });
  });
});
