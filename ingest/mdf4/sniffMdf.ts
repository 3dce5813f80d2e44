/**
 * True when `head` starts with an MDF 4 id block: `MDF     ` or the unfinalised `UnFinMF ` (MDF4 §6.2), and,
 * when at least 16 bytes are given, a `4.xx` version string.
 */
export function sniffMdf(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const magic = String.fromCharCode(...head.subarray(0, 8));
  if (magic !== 'MDF     ' && magic !== 'UnFinMF ') return false;
  return head.length < 10 || (head[8] === 0x34 && head[9] === 0x2e); // "4."
}
