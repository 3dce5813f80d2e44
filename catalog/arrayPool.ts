/**
 * A process-wide pool of large typed arrays for the column buffers of table writers.
 *
 * A writer lives for one drive and table; without a pool each new writer grows fresh arrays up to a
 * part's size (~36 MB per million can_signals rows), and first touches of fresh pages are slow in VMs
 * (measured here: ~5 µs per 4 KiB page; allocation was ~15% of the writer's time). Writers give their
 * arrays back on close; the next writer takes them. Retention is capped.
 */
type Pooled = Uint8Array | Int8Array | Int16Array | Int32Array | Float64Array | BigInt64Array;
type PooledConstructor<A extends Pooled> = { new (length: number): A };

/** Most bytes kept in the pool; arrays given back beyond it are left to the garbage collector. */
const MAX_RETAINED_BYTES = 256 * 1024 * 1024;
/** Arrays smaller than this are cheap to allocate and not pooled. */
const MIN_POOLED_BYTES = 256 * 1024;

const free = new Map<PooledConstructor<Pooled>, Pooled[]>();
let retained = 0;

/**
 * An array of at least `length` elements: the smallest pooled one that fits, or a new one of exactly
 * `length`. A pooled array holds stale values: callers write before they read.
 */
export function takeArray<A extends Pooled>(ArrayType: PooledConstructor<A>, length: number): A {
  const list = free.get(ArrayType) as A[] | undefined;
  if (list) {
    let best = -1;
    for (let i = 0; i < list.length; i++) {
      const candidate = list[i] as A;
      // At most 4x the request: a small request does not take (and waste) a part-sized array.
      const fits = candidate.length >= length && candidate.length <= 4 * length;
      if (fits && (best < 0 || candidate.length < (list[best] as A).length)) best = i;
    }
    if (best >= 0) {
      const [array] = list.splice(best, 1) as [A];
      retained -= array.byteLength;
      return array;
    }
  }
  return new ArrayType(length);
}

/** Gives an array back; the caller must not use it afterwards. */
export function giveArray<A extends Pooled>(ArrayType: PooledConstructor<A>, array: A): void {
  if (array.byteLength < MIN_POOLED_BYTES || retained + array.byteLength > MAX_RETAINED_BYTES) return;
  let list = free.get(ArrayType);
  if (!list) free.set(ArrayType, (list = []));
  if (list.includes(array)) return;
  list.push(array);
  retained += array.byteLength;
}
