import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg-serialization';
import { writeBag, type BagWriterOptions, type ByteSink } from '../rosbag/writeBag.js';
import type { DemoDrive } from './generateDemoDrive.js';
import { DEMO_DEFINITIONS, DEMO_TOPICS, demoDefinitionText, demoRosEvents, type DemoType } from './demoRosMessages.js';

/**
 * Writes the demo drive as a ROS 1 bag to `<out>/containers/drive.bag`: the same messages, topics and clock
 * as `writeDemoMcap` (see `demoRosEvents`), record time = header stamp. Returns the path.
 */
export async function writeDemoBag(
  drive: DemoDrive,
  out: string,
  options: BagWriterOptions = {},
): Promise<{ path: string; messages: number }> {
  await mkdir(join(out, 'containers'), { recursive: true });
  const path = join(out, 'containers', 'drive.bag');
  const sink = await FileSink.open(path);
  try {
    const bag = await writeBag(sink, options);
    const connections = new Map<DemoType, { id: number; writer: MessageWriter; seq: number }>();
    for (const type of Object.keys(DEMO_DEFINITIONS) as DemoType[]) {
      const text = demoDefinitionText(type);
      const id = bag.addConnection({ topic: DEMO_TOPICS[type], type, messageDefinition: text });
      connections.set(type, { id, writer: new MessageWriter(parse(text, { ros2: false })), seq: 0 });
    }
    for (const event of demoRosEvents(drive)) {
      const conn = connections.get(event.type);
      if (!conn) continue;
      const stamp = { sec: Number(event.t / 1_000_000_000n), nsec: Number(event.t % 1_000_000_000n) };
      const data = conn.writer.writeMessage({
        header: { seq: conn.seq++, stamp, frame_id: event.frameId },
        ...event.body,
      });
      await bag.write(conn.id, event.t, data);
    }
    const { messages } = await bag.close();
    await sink.flush();
    return { path, messages };
  } finally {
    await sink.close();
  }
}

/**
 * Node adapter: a `ByteSink` on a file, coalescing small appends into 1 MiB writes (a bag has many small
 * index records).
 */
export class FileSink implements ByteSink {
  private buffer = new Uint8Array(1 << 20);
  private used = 0;
  /** File offset of `buffer[0]`. */
  private position = 0;

  private constructor(private readonly handle: FileHandle) {}

  /** Creates (or truncates) `path`. */
  static async open(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'w'));
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.byteLength > this.buffer.byteLength) await this.flush();
    if (bytes.byteLength >= this.buffer.byteLength) {
      await this.writeFully(bytes, this.position);
      this.position += bytes.byteLength;
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.byteLength;
  }

  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.writeFully(bytes, offset);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.writeFully(this.buffer.subarray(0, this.used), this.position);
    this.position += this.used;
    this.used = 0;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  private async writeFully(bytes: Uint8Array, offset: number): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.byteLength - done, offset + done);
      done += bytesWritten;
    }
  }
}
