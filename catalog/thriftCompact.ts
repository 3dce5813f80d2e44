/**
 * The part of the Thrift compact protocol that Parquet's footer and page headers use: structs of
 * integers, booleans, binaries, nested structs and lists (Thrift `doc/specs/thrift-compact-protocol.md`).
 * Integers are JavaScript numbers (exact up to 2^53: file offsets and row counts stay far below).
 */
import type { ByteBuilder } from './byteBuilder.js';

/** Compact protocol type ids (field headers and list element types). */
export const CompactType = {
  true: 1,
  false: 2,
  i8: 3,
  i16: 4,
  i32: 5,
  i64: 6,
  binary: 8,
  list: 9,
  struct: 12,
} as const;

const encoder = new TextEncoder();

/** Writes one struct at a time into a sink; nested structs and list elements push a field-id frame. */
export class CompactWriter {
  /** The last field id written in each open struct (field headers carry the delta). */
  private readonly lastField: number[] = [0];

  constructor(readonly sink: ByteBuilder) {}

  i8(id: number, value: number): void {
    this.header(id, CompactType.i8);
    this.sink.byte(value & 0xff);
  }

  i16(id: number, value: number): void {
    this.header(id, CompactType.i16);
    this.sink.zigzag(value);
  }

  i32(id: number, value: number): void {
    this.header(id, CompactType.i32);
    this.sink.zigzag(value);
  }

  i64(id: number, value: number): void {
    this.header(id, CompactType.i64);
    this.sink.zigzag(value);
  }

  bool(id: number, value: boolean): void {
    // A boolean field's value is its header's type nibble.
    this.header(id, value ? CompactType.true : CompactType.false);
  }

  binary(id: number, bytes: Uint8Array): void {
    this.header(id, CompactType.binary);
    this.sink.varint(bytes.length);
    this.sink.append(bytes);
  }

  string(id: number, text: string): void {
    this.binary(id, encoder.encode(text));
  }

  /** Opens a struct-valued field; close it with `end()`. */
  struct(id: number): void {
    this.header(id, CompactType.struct);
    this.lastField.push(0);
  }

  /** Ends the open struct (nested field, list element or the top-level struct). */
  end(): void {
    this.sink.byte(0);
    this.lastField.pop();
    if (this.lastField.length === 0) this.lastField.push(0);
  }

  /** Opens a list field of `size` structs; write each with `element()` ... `end()`. */
  structList(id: number, size: number): void {
    this.listHeader(id, size, CompactType.struct);
  }

  element(): void {
    this.lastField.push(0);
  }

  i32List(id: number, values: readonly number[]): void {
    this.listHeader(id, values.length, CompactType.i32);
    for (const value of values) this.sink.zigzag(value);
  }

  stringList(id: number, values: readonly string[]): void {
    this.listHeader(id, values.length, CompactType.binary);
    for (const value of values) {
      const bytes = encoder.encode(value);
      this.sink.varint(bytes.length);
      this.sink.append(bytes);
    }
  }

  private listHeader(id: number, size: number, elementType: number): void {
    this.header(id, CompactType.list);
    if (size < 15) {
      this.sink.byte((size << 4) | elementType);
    } else {
      this.sink.byte(0xf0 | elementType);
      this.sink.varint(size);
    }
  }

  private header(id: number, type: number): void {
    const frame = this.lastField.length - 1;
    const delta = id - (this.lastField[frame] as number);
    if (delta > 0 && delta <= 15) {
      this.sink.byte((delta << 4) | type);
    } else {
      this.sink.byte(type);
      this.sink.zigzag(id);
    }
    this.lastField[frame] = id;
  }
}
