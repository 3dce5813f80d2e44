import type { WrittenFile } from '../catalog/tableWriter.js';
import type { Reject } from '../core/reject.js';
import type { InputFormat } from './detectFormat.js';
import type { TopicCounts } from './topics/topicTables.js';

/** `sidecar`: a known companion file (rosbag2 metadata.yaml), recorded but not decoded. */
export type InputStatus = 'ingested' | 'duplicate' | 'quarantined' | 'dbc' | 'partial' | 'sidecar';

export interface InputReport {
  uri: string;
  sha256: string;
  bytes: number;
  format?: InputFormat;
  status: InputStatus;
  /** Records read (frames, fixes) from this input. */
  records?: number;
  rejected?: number;
  /** Why it was quarantined or only partly read. */
  reason?: string;
  message?: string;
  quarantineKey?: string;
}

export interface TableReport {
  rows: number;
  files: number;
  bytes: number;
}

/** What one ingest run did. Printed as text, emitted with `--json`, and summarised in the run record. */
export interface IngestReport {
  runId: string;
  /** `unchanged`: every input was already in the lake; `partial`: some inputs quarantined. */
  status: 'ingested' | 'partial' | 'unchanged' | 'failed';
  driveId?: string;
  vehicle: string;
  lake: string;
  inputs: InputReport[];
  tables: Record<string, TableReport>;
  rows: { in: number; out: number; rejected: number; rejectedByReason: Record<string, number> };
  can?: {
    frames: number;
    decodedFrames: number;
    undecodedFrames: number;
    undecodedIds: number;
    shortFrames: number;
    signals: number;
  };
  gps?: { fixes: number };
  /** Bag/MCAP messages per topic, rows they gave per table, and topics not stored yet. */
  topics?: TopicCounts;
  drive?: { start: string; end: string; durationS: number; distanceM: number };
  /** Things that were accepted but look wrong, e.g. DBC warnings (`file:line: message`). */
  warnings: string[];
  /** The first rejects in detail (all are counted in `rows.rejectedByReason`). */
  rejects: Reject[];
  seconds: number;
  /** The part files written (returned to the caller, e.g. to register partitions; not in the run summary). */
  files?: WrittenFile[];
}
