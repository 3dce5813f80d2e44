/** One CAN or CAN FD frame as read from a log, on adlake's clock (bigint ns since the epoch, UTC). */
export interface CanFrame {
  t: bigint;
  /** Bus/channel name as the log names it: `can0`, `vcan1`, or the ASC channel number as a string (`1`). */
  bus: string;
  /** Arbitration id: 11-bit or 29-bit. 0 for error frames. */
  id: number;
  extended: boolean;
  /** Data length code as on the wire (0..15 for FD); `data.length` is the payload length. */
  dlc: number;
  data: Uint8Array;
  fd: boolean;
  /** FD bit-rate switch and error-state indicator. */
  brs: boolean;
  esi: boolean;
  error: boolean;
  remote: boolean;
  /** Direction where the log says so. */
  direction?: 'rx' | 'tx';
}

/** CAN FD DLC code → payload length (ISO 11898-1:2015). */
export const FD_DLC_TO_LENGTH = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64] as const;

export function lengthToDlc(length: number): number {
  if (length <= 8) return length;
  const index = FD_DLC_TO_LENGTH.findIndex((n) => n >= length);
  return index < 0 ? 15 : index;
}
