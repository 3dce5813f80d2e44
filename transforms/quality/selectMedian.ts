/**
 * The median of `values[0..length)` in O(n) average time (Hoare's quickselect), reordering them in place.
 * NaNs must not be present. For an even count it returns the upper median (a value that occurs, which is
 * what a "typical interval" should be). Undefined for an empty range.
 */
export function selectMedian(values: Float64Array, length: number = values.length): number | undefined {
  if (length === 0) return undefined;
  const k = length >> 1;
  let lo = 0;
  let hi = length - 1;
  while (hi > lo) {
    // Median of three as the pivot: sorted and constant runs (the usual shape of intervals) stay linear.
    const a = values[lo] as number;
    const b = values[(lo + hi) >> 1] as number;
    const c = values[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k];
}
