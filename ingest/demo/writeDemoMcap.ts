import { open } from 'node:fs/promises';
import { McapWriter } from '@mcap/core';
import { FileHandleWritable } from '@mcap/nodejs';
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg-serialization';
import * as zstd from '@foxglove/wasm-zstd';
import type { DemoDrive } from './generateDemoDrive.js';
import { DEMO_DEFINITIONS, DEMO_TOPICS, demoDefinitionText, demoRosEvents, type DemoType } from './demoRosMessages.js';

/**
 * Writes the demo drive as a ROS 1-profile MCAP file (zstd chunks), on the same clock as its candump and
 * NMEA files: NavSatFix from the same fixes as the NMEA log, can_msgs/Frame for every CAN frame (frame_id
 * `can0`, so the bus name matches), plus 100 Hz Imu and 50 Hz TwistStamped from the simulated state.
 */
export async function writeDemoMcap(drive: DemoDrive, path: string): Promise<{ messages: number }> {
  await zstd.isLoaded;
  const handle = await open(path, 'w');
  let messages = 0;
  try {
    const writer = new McapWriter({
      writable: new FileHandleWritable(handle),
      chunkSize: 1 << 20,
      compressChunk: (data) => ({ compression: 'zstd', compressedData: zstd.compress(data) }),
    });
    await writer.start({ profile: 'ros1', library: 'adlake demo' });
    // Recorders keep what they know of the vehicle in a metadata record; the VIN among it.
    await writer.addMetadata({ name: 'vehicle', metadata: new Map([['vin', drive.vin], ['model', 'adlake-demo']]) });
    const channels = new Map<DemoType, { id: number; writer: MessageWriter; seq: number }>();
    for (const type of Object.keys(DEMO_DEFINITIONS) as DemoType[]) {
      const text = demoDefinitionText(type);
      const schemaId = await writer.registerSchema({ name: type, encoding: 'ros1msg', data: new TextEncoder().encode(text) });
      const id = await writer.registerChannel({ topic: DEMO_TOPICS[type], schemaId, messageEncoding: 'ros1', metadata: new Map() });
      channels.set(type, { id, writer: new MessageWriter(parse(text, { ros2: false })), seq: 0 });
    }
    const add = async (type: DemoType, t: bigint, frameId: string, body: Record<string, unknown>): Promise<void> => {
      const channel = channels.get(type);
      if (!channel) return;
      const stamp = { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) };
      const data = channel.writer.writeMessage({ header: { seq: channel.seq, stamp, frame_id: frameId }, ...body });
      await writer.addMessage({ channelId: channel.id, sequence: channel.seq++, logTime: t, publishTime: t, data });
      messages += 1;
    };

    for (const event of demoRosEvents(drive)) await add(event.type, event.t, event.frameId, event.body);
    await writer.end();
  } finally {
    await handle.close();
  }
  return { messages };
}

