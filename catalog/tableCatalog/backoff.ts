/**
 * Retries AWS calls that were throttled or failed on the service side, with capped exponential backoff and
 * full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter": sleep = random(0, min(cap, base·2^n))).
 * Glue's catalog APIs have low per-account rates (GetPartitions, BatchCreatePartition), so a pipeline that
 * registers many partitions at once meets `ThrottlingException: Rate exceeded` as a matter of course.
 */

export interface RetryOptions {
  /** Attempts in all, the first one included. @default 8 */
  maxAttempts?: number;
  /** Ceiling of the first backoff. @default 100 */
  baseDelayMs?: number;
  /** Largest backoff ceiling. @default 20000 */
  maxDelayMs?: number;
  /** Waits between attempts; tests pass one that records and returns at once. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for the jitter. @default Math.random */
  random?: () => number;
}

/** Error names (SDK exception names, Glue per-entry `ErrorCode`s) that mean "try again later". */
const TRANSIENT = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'Throttling',
  'SlowDown',
  'InternalServiceException',
  'InternalServerException',
  'InternalFailure',
  'OperationTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** True for throttling (`ThrottlingException`, `Rate exceeded`, HTTP 429) and server-side (5xx) failures. */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message, $metadata } = error as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (typeof name === 'string' && TRANSIENT.has(name)) return true;
  if (typeof message === 'string' && /rate exceeded/i.test(message)) return true;
  const status = $metadata?.httpStatusCode;
  return typeof status === 'number' && (status === 429 || status >= 500);
}

/** True when a Glue per-entry error code (BatchCreatePartition `Errors[].ErrorDetail.ErrorCode`) is transient. */
export function isTransientCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT.has(code);
}

/** A backoff schedule: `delay(attempt)` for attempt 1, 2, … after a failure. */
export class Backoff {
  readonly maxAttempts: number;
  private readonly base: number;
  private readonly cap: number;
  private readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RetryOptions = {}) {
    this.maxAttempts = Math.max(1, Math.trunc(options.maxAttempts ?? 8));
    this.base = options.baseDelayMs ?? 100;
    this.cap = options.maxDelayMs ?? 20_000;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Full jitter: uniform in [0, min(cap, base · 2^(attempt-1))). */
  delay(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.cap, this.base * 2 ** (attempt - 1)));
  }

  /** Runs `call`, retrying transient failures; the last error is thrown as it came. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= this.maxAttempts || !isTransient(error)) throw error;
        await this.sleep(this.delay(attempt));
      }
    }
  }
}
