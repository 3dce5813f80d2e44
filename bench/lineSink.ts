import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * A buffered text file writer for the input generators: lines are concatenated into ~1 MiB strings
 * (V8 ropes make `+=` cheap) and written with backpressure, so a 5-million-line log is generated in
 * bounded memory whatever its size.
 */
export class LineSink {
  private readonly out: WriteStream;
  private buffer = '';
  private static readonly FLUSH_CHARS = 1 << 20;

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  /** Appends text (the caller includes the line ending). Synchronous: no promise per line. */
  append(text: string): void {
    this.buffer += text;
  }

  /** True once enough text is buffered that the caller should `await flush()`. */
  get full(): boolean {
    return this.buffer.length >= LineSink.FLUSH_CHARS;
  }

  /** Hands the buffered text to the file, waiting only when the OS-side buffer is full (backpressure). */
  async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk, 'latin1')) await once(this.out, 'drain');
  }

  /** Flushes and closes the file; resolves once every byte is on disk. */
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}
