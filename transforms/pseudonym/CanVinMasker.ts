/**
 * VINs sent over CAN. A VIN is 17 bytes and a classic CAN frame carries 8, so every protocol that sends one
 * splits it over several frames: no single frame holds the VIN and a text scan of `can_frames` finds nothing,
 * yet anyone with the table could put it back together. This masker follows the transfers that carry a VIN
 * and overwrites the VIN bytes with `*` (0x2A, not a VIN character) before the frames are written or decoded:
 *
 * - ISO 15765-2 (ISO-TP, normal addressing, classic and FD frame formats) single and multi-frame messages
 *   whose payload starts with
 *   - `62 F1 90`: UDS ReadDataByIdentifier positive response for DID F190, VINDataIdentifier (ISO 14229-1 C.1);
 *   - `2E F1 90`: UDS WriteDataByIdentifier of the same DID (end-of-line programming);
 *   - `49 02 01`: OBD-II service 09 InfoType 02, VIN (SAE J1979 / ISO 15031-5; 01 = number of data items).
 * - SAE J1939-21 transport (TP.CM BAM or RTS announcing PGN 65260 Vehicle Identification, then its TP.DT
 *   packets): the whole payload (the VIN and its `*` delimiter) is masked.
 * - Any frame longer than 8 bytes (CAN FD) is also scanned for a VIN as ASCII text (see `vin.ts`), replaced
 *   by the first 17 characters of its pseudonym.
 *
 * Masked bytes are lost from the lake: the VIN has no other meaning, and the pseudonym (in the drive row) is
 * what joins. Not recognised: extended/mixed ISO-TP addressing (the first byte an address), manufacturer
 * broadcasts that spread a VIN over a multiplexed message (their layout is in the maker's DBC, not a standard).
 *
 * Masking is eager (each frame is settled when it is seen, nothing is held back), so a frame is never
 * written before its masking; a transfer is followed per bus and CAN id and dropped when a frame is out of
 * sequence.
 */
import type { CanFrame } from '../../ingest/can/frame.js';
import { VIN_LENGTH } from './vin.js';

const MASK = 0x2a;
/** J1939 PGN 65260 (0xFEEC), Vehicle Identification (SAE J1939-71). */
const PGN_VEHICLE_IDENTIFICATION = 0xfeec;
/** J1939-21 transport PDU formats: connection management and data transfer. */
const PF_TP_CM = 0xec;
const PF_TP_DT = 0xeb;

interface Transfer {
  /** Bytes still to mask. */
  remaining: number;
  /** Sequence number the next frame must carry (ISO-TP: 4 bits; J1939: 1..255). */
  next: number;
  /** ISO-TP consecutive frames or J1939 data packets. */
  kind: 'isotp' | 'j1939';
}

export interface CanVinMaskerOptions {
  /** Replaces ASCII VINs in a CAN FD payload (length-preserving), e.g. `Pseudonymiser.bytes`. */
  bytes: (data: Uint8Array) => Uint8Array;
}

export class CanVinMasker {
  /** VIN transfers (or FD payloads with a VIN) masked so far. */
  masked = 0;
  /** Open transfers per bus, by CAN id (ISO-TP) or J1939 session (see `j1939Key`). */
  private readonly open = new Map<string, Map<number, Transfer>>();
  private openCount = 0;
  private readonly bytes: (data: Uint8Array) => Uint8Array;

  constructor(options: CanVinMaskerOptions) {
    this.bytes = options.bytes;
  }

  /** Masks VIN bytes in `frames` (replacing `data` of the frames concerned with a masked copy). */
  mask(frames: readonly CanFrame[]): void {
    for (const frame of frames) {
      const data = frame.data;
      if (data.length === 0 || frame.error || frame.remote) continue;
      if (this.openCount > 0 && this.continueTransfer(frame)) continue;
      if (frame.extended && ((frame.id >>> 16) & 0xff) === PF_TP_CM) this.j1939Announce(frame);
      // Only single (0x0_) and first (0x1_) frames can start a transfer: most frames stop here.
      else if ((data[0] as number) < 0x20) this.isoTpStart(frame);
      if (frame.data.length > 8) {
        const replaced = this.bytes(frame.data);
        if (replaced !== frame.data) {
          frame.data = replaced;
          this.masked++;
        }
      }
    }
  }

  /** An ISO-TP single or first frame whose payload is a VIN message: masks what it holds of the VIN. */
  private isoTpStart(frame: CanFrame): void {
    const d = frame.data;
    const pci = (d[0] as number) >> 4;
    // ISO 15765-2 §9.6: where the payload starts after the PCI.
    let payload: number;
    if (pci === 0) {
      // Single frame; a length nibble of 0 is the CAN FD escape, the length is in byte 1.
      payload = d[0] === 0 ? 2 : 1;
    } else if (pci === 1) {
      // First frame; a 12-bit length of 0 is the escape for a 32-bit length in bytes 2..5.
      payload = ((d[0] as number) & 0x0f) === 0 && d[1] === 0 ? 6 : 2;
    } else {
      return;
    }
    if (!isVinMessage(d, payload)) return;
    const vinAt = payload + 3;
    const here = Math.max(0, Math.min(VIN_LENGTH, d.length - vinAt));
    maskRange(frame, vinAt, here);
    this.masked++;
    if (pci === 1 && here < VIN_LENGTH) {
      this.openTransfer(frame.bus, frame.id, { remaining: VIN_LENGTH - here, next: 1, kind: 'isotp' });
    }
  }

  /** A J1939 TP.CM BAM or RTS announcing PGN 65260: the data packets that follow are masked. */
  private j1939Announce(frame: CanFrame): void {
    const d = frame.data;
    if (d.length < 8 || (d[0] !== 0x20 && d[0] !== 0x10)) return;
    const pgn = (d[5] as number) | ((d[6] as number) << 8) | ((d[7] as number) << 16);
    if (pgn !== PGN_VEHICLE_IDENTIFICATION) return;
    const size = (d[1] as number) | ((d[2] as number) << 8);
    this.masked++;
    this.openTransfer(frame.bus, j1939Key(frame.id), { remaining: size, next: 1, kind: 'j1939' });
  }

  /** Masks a consecutive frame (ISO-TP) or data packet (J1939) of an open transfer; false when it is none. */
  private continueTransfer(frame: CanFrame): boolean {
    const byId = this.open.get(frame.bus);
    if (!byId) return false;
    const d = frame.data;
    const pf = frame.extended ? (frame.id >>> 16) & 0xff : -1;
    const key = pf === PF_TP_DT ? j1939Key(frame.id) : frame.id;
    const transfer = byId.get(key);
    if (!transfer) return false;
    // ISO-TP consecutive frames carry 0x2N (N = sequence mod 16); J1939 data packets their number 1..255.
    const expected = transfer.kind === 'isotp' ? 0x20 | (transfer.next & 0x0f) : transfer.next;
    if (d[0] !== expected) {
      // A new message or a lost frame: the transfer is over, and this frame is looked at afresh.
      this.closeTransfer(byId, key);
      return false;
    }
    const n = Math.min(transfer.remaining, d.length - 1);
    maskRange(frame, 1, n);
    transfer.remaining -= n;
    transfer.next++;
    if (transfer.remaining <= 0) this.closeTransfer(byId, key);
    return true;
  }

  private openTransfer(bus: string, key: number, transfer: Transfer): void {
    let byId = this.open.get(bus);
    if (!byId) this.open.set(bus, (byId = new Map<number, Transfer>()));
    if (!byId.has(key)) this.openCount++;
    byId.set(key, transfer);
  }

  private closeTransfer(byId: Map<number, Transfer>, key: number): void {
    if (byId.delete(key)) this.openCount--;
  }
}

/** The payload at `at` starts with a UDS or OBD-II VIN message header. */
function isVinMessage(d: Uint8Array, at: number): boolean {
  const a = d[at];
  const b = d[at + 1];
  const c = d[at + 2];
  return ((a === 0x62 || a === 0x2e) && b === 0xf1 && c === 0x90) || (a === 0x49 && b === 0x02 && c === 0x01);
}

/** J1939 transport sessions are named by destination and source address; negative, apart from CAN ids. */
function j1939Key(id: number): number {
  return -1 - (id & 0xffff);
}

function maskRange(frame: CanFrame, from: number, count: number): void {
  if (count <= 0) return;
  const copy = frame.data.slice();
  copy.fill(MASK, from, Math.min(copy.length, from + count));
  frame.data = copy;
}
