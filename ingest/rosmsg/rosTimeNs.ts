// Consecutive messages mostly share their second: reusing its ns value halves the bigints made per time,
// which matters at hundreds of thousands of messages per second.
let lastSec = Number.NaN;
let lastSecNs = 0n;

/**
 * A ROS time `{sec, nsec}` (ROS 1 u32 pair, ROS 2 `{sec, nanosec}`) in ns since the epoch. Both must be
 * integers (as the message readers return them).
 */
export function rosTimeNs(sec: number, nsec: number): bigint {
  if (sec !== lastSec) {
    lastSecNs = BigInt(sec) * 1_000_000_000n;
    lastSec = sec;
  }
  return nsec === 0 ? lastSecNs : lastSecNs + BigInt(nsec);
}
