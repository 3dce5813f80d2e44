/**
 * glibc's allocator settings for adlake's processes, and the relaunch that applies them.
 *
 * On Linux every first write to a fresh 4 KiB page is a page fault; on the VMs adlake is measured on (and
 * on many cloud hosts) one costs 10-20 µs, so a step that fills 200 MB of new typed arrays spends most of
 * its time in the kernel. The first two glibc tunables cut the faults of `adlake transform` on an hour of
 * 100 Hz driving from ~93k to ~28k and of a 5M-frame CAN ingest from ~71k to ~30k (bench/README.md):
 *
 * - `glibc.malloc.hugetlb=1`: the allocator asks for transparent huge pages (`madvise`), so a large typed
 *   array is backed by 2 MiB pages: one fault where there were 512;
 * - `glibc.malloc.arena_max=1`: every thread allocates from the main arena, where the first setting
 *   applies (the heaps of the threads' own arenas showed no huge pages here);
 * - `glibc.malloc.mmap_threshold=32 MiB`, `top_pad=32 MiB`, `trim_threshold=256 MiB`: the typed arrays of
 *   a few MB (a column of an hour at 100 Hz is 2.9 MB) come from that one heap, grown 32 MiB at a time and
 *   kept when freed, instead of each from its own mapping, of which only the 2 MiB-aligned middle can be a
 *   huge page and which goes back to the kernel when freed. `transform --detect` at 100 Hz: 19k → 16.7k
 *   faults, median of 8 alternating runs 1.70 → 1.56 s; the 5M-frame CAN ingest 1.03M → 1.18M frames/s;
 *   peak RSS the same (bench/README.md). `top_pad` alone doubled the faults: the three go together.
 *
 * Tunables are read once, when a process starts, so the CLI starts itself again with them set (only
 * where they mean something: glibc on Linux) unless they are set already. `ADLAKE_NO_RELAUNCH=1` turns
 * this off, as does any `GLIBC_TUNABLES` of the caller's that names these settings.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

export const MALLOC_TUNABLES = [
  'glibc.malloc.hugetlb=1',
  'glibc.malloc.arena_max=1',
  `glibc.malloc.mmap_threshold=${32 * 2 ** 20}`,
  `glibc.malloc.top_pad=${32 * 2 ** 20}`,
  `glibc.malloc.trim_threshold=${256 * 2 ** 20}`,
] as const;

/** Set in the relaunched process, so that it does not start itself again. */
const RELAUNCHED = 'ADLAKE_RELAUNCHED';

/**
 * The environment to run an adlake process in: `env` with `MALLOC_TUNABLES` added to `GLIBC_TUNABLES`
 * (settings of the caller's for the same tunables win). Benchmarks spawn their children with it too.
 */
export function tunedEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const current = (env.GLIBC_TUNABLES ?? '').split(':').filter((entry) => entry !== '');
  const named = new Set(current.map((entry) => entry.split('=')[0]));
  const added = MALLOC_TUNABLES.filter((entry) => !named.has(entry.split('=')[0]));
  return { ...env, GLIBC_TUNABLES: [...current, ...added].join(':'), [RELAUNCHED]: '1' };
}

/**
 * Whether this process should start itself again with `tunedEnvironment`: on glibc Linux, for a command
 * that does work (not `--help` or `--version`), not already relaunched, not turned off, and not when the
 * caller set these tunables.
 */
export function shouldRelaunch(
  args: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  glibc = isGlibc(),
): boolean {
  if (!glibc || env[RELAUNCHED] === '1' || env.ADLAKE_NO_RELAUNCH === '1') return false;
  if (args.length === 0 || INFO_COMMANDS.has(args[0] as string) || args.some((arg) => INFO_FLAGS.has(arg)))
    return false;
  const named = (env.GLIBC_TUNABLES ?? '').split(':').map((entry) => entry.split('=')[0]);
  return !MALLOC_TUNABLES.some((entry) => named.includes(entry.split('=')[0]));
}

const INFO_FLAGS = new Set(['-h', '--help', '-V', '--version']);
const INFO_COMMANDS = new Set(['help', 'version']);

/** glibc, as opposed to musl or another libc: by the C library this process has mapped. */
function isGlibc(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return /\/libc\.so\.6$/m.test(readFileSync('/proc/self/maps', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * V8 flags for a command (`args` as after the script: the command first). `transform` and `detect` keep
 * their data in typed arrays outside the JS heap and make little short-lived garbage: a young generation
 * of at most 8 MiB (V8's default is 16) touches less fresh memory (100 Hz `transform --detect`: 25k → 21k
 * page faults; median of 6 alternating runs 2.14 → 1.95 s). Not for `ingest`, whose frame objects then
 * reach the old generation: twice as slow. A flag the caller gave Node itself wins.
 */
export function tunedNodeFlags(
  args: readonly string[],
  execArgv: readonly string[] = process.execArgv,
): string[] {
  if (!SMALL_YOUNG_GENERATION.has(args[0] ?? '')) return [];
  if (execArgv.some((flag) => flag.startsWith('--max-semi-space-size'))) return [];
  return ['--max-semi-space-size=8'];
}

const SMALL_YOUNG_GENERATION = new Set(['transform', 'detect']);

/**
 * Runs this same command (`process.argv`; `args` replaces the script and its arguments) in a child with
 * the tuned environment and the command's V8 flags, passing the terminal through; resolves with its exit
 * code. SIGINT from a terminal reaches both processes (the child handles it); SIGTERM and SIGHUP sent to
 * this process are passed on. A child killed by a signal is mirrored by exiting with 128 + the signal's
 * number, as a shell reports it.
 */
export function relaunch(args: readonly string[] = process.argv.slice(1)): Promise<number> {
  const flags = tunedNodeFlags(args.slice(1));
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...args], {
    stdio: 'inherit',
    env: tunedEnvironment(),
  });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 1) : 1;
}
