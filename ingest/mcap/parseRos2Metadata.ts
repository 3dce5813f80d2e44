import { DecodeError } from '../../core/errors.js';
import { parseMiniYaml, type YamlValue } from './parseMiniYaml.js';

/** What adlake needs from a rosbag2 `metadata.yaml` (rosbag2_storage `BagMetadata`, versions 4 to 9). */
export interface Ros2BagMetadata {
  storageIdentifier: string;
  /** Split files in recording order (by their starting time when `files` lists it). */
  files: string[];
  topics: { name: string; type: string; serializationFormat: string; messageCount: number }[];
  messageCount: number;
  startingTime?: bigint;
  duration?: bigint;
  /** `FILE` means each split file is compressed whole, `MESSAGE` per message; '' none. */
  compressionMode: string;
  compressionFormat: string;
}

/** Parses rosbag2's `metadata.yaml`. Throws DecodeError when the file lacks `rosbag2_bagfile_information`. */
export function parseRos2Metadata(text: string, uri?: string): Ros2BagMetadata {
  const root = parseMiniYaml(text, uri);
  const info = field(root, 'rosbag2_bagfile_information');
  if (!isMap(info)) throw new DecodeError('rosbag2 metadata: no rosbag2_bagfile_information', { uri });
  const topics = list(field(info, 'topics_with_message_count')).map((entry) => {
    const meta = field(entry, 'topic_metadata');
    return {
      name: str(field(meta, 'name')),
      type: str(field(meta, 'type')),
      serializationFormat: str(field(meta, 'serialization_format')),
      messageCount: Number(str(field(entry, 'message_count')) || '0'),
    };
  });
  const files = list(field(info, 'files'));
  const ordered =
    files.length > 0
      ? files
          .map((f, i) => ({
            path: str(field(f, 'path')),
            start: big(field(field(f, 'starting_time'), 'nanoseconds_since_epoch')) ?? 0n,
            i,
          }))
          .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.i - b.i))
          .map((f) => f.path)
      : list(field(info, 'relative_file_paths')).map(str);
  const metadata: Ros2BagMetadata = {
    storageIdentifier: str(field(info, 'storage_identifier')),
    files: ordered,
    topics,
    messageCount: Number(str(field(info, 'message_count')) || '0'),
    compressionMode: str(field(info, 'compression_mode')),
    compressionFormat: str(field(info, 'compression_format')),
  };
  const start = big(field(field(info, 'starting_time'), 'nanoseconds_since_epoch'));
  if (start !== undefined) metadata.startingTime = start;
  const duration = big(field(field(info, 'duration'), 'nanoseconds'));
  if (duration !== undefined) metadata.duration = duration;
  return metadata;
}

function isMap(value: YamlValue | undefined): value is { [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: YamlValue | undefined, key: string): YamlValue | undefined {
  return isMap(value) ? value[key] : undefined;
}

function list(value: YamlValue | undefined): YamlValue[] {
  return Array.isArray(value) ? value : [];
}

function str(value: YamlValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function big(value: YamlValue | undefined): bigint | undefined {
  return typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : undefined;
}
