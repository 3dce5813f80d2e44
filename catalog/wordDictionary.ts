/**
 * Dictionary building for fixed-width values (int32, int64, double) keyed by their bits: an
 * open-addressing hash table over 32-bit words, reused between column chunks. Values are equal when
 * their bits are (so -0 and 0, and NaNs with different payloads, are distinct entries: the dictionary
 * reproduces every value bit for bit).
 */
export interface BuiltDictionary {
  /** Distinct values. */
  entries: number;
  /** For each entry, the position of its first occurrence in the input (its bits are the entry's). */
  first: Int32Array;
  /** For each input value, its entry. */
  indices: Int32Array;
}

export class WordDictionary {
  private slots = new Int32Array(0);
  private first = new Int32Array(0);
  private indices = new Int32Array(0);

  /**
   * Builds the dictionary of `count` values of `wordsPerValue` words each in `words` (little-endian
   * halves for 64-bit values), or undefined once more than `maxEntries` distinct values are seen. The
   * result's arrays are reused by the next call.
   */
  build(
    words: Int32Array,
    wordsPerValue: 1 | 2,
    count: number,
    maxEntries: number,
  ): BuiltDictionary | undefined {
    let capacity = 1024;
    while (capacity < Math.min(count, maxEntries) * 2) capacity *= 2;
    if (this.slots.length < capacity) this.slots = new Int32Array(capacity);
    else this.slots.fill(0, 0, capacity);
    if (this.first.length < Math.min(count, maxEntries))
      this.first = new Int32Array(Math.min(count, maxEntries));
    if (this.indices.length < count) this.indices = new Int32Array(count);
    const slots = this.slots;
    const first = this.first;
    const indices = this.indices;
    const mask = capacity - 1;
    let entries = 0;
    // Two copies of the probe loop, one per value width: no branch on the width per value.
    if (wordsPerValue === 1) {
      for (let i = 0; i < count; i++) {
        const word = words[i] as number;
        let slot = hash(word, 0) & mask;
        for (;;) {
          const entry = (slots[slot] as number) - 1;
          if (entry < 0) {
            if (entries === maxEntries) return undefined;
            slots[slot] = entries + 1;
            first[entries] = i;
            indices[i] = entries++;
            break;
          }
          if (words[first[entry] as number] === word) {
            indices[i] = entry;
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
    } else {
      for (let i = 0; i < count; i++) {
        const lo = words[2 * i] as number;
        const hi = words[2 * i + 1] as number;
        let slot = hash(lo, hi) & mask;
        for (;;) {
          const entry = (slots[slot] as number) - 1;
          if (entry < 0) {
            if (entries === maxEntries) return undefined;
            slots[slot] = entries + 1;
            first[entries] = i;
            indices[i] = entries++;
            break;
          }
          const at = 2 * (first[entry] as number);
          if (words[at] === lo && words[at + 1] === hi) {
            indices[i] = entry;
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
    }
    return { entries, first: first.subarray(0, entries), indices: indices.subarray(0, count) };
  }
}

function hash(lo: number, hi: number): number {
  let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ (hi >>> 16), 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
