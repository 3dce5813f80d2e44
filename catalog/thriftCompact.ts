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

/** A decoded struct: field id → value (numbers, booleans, byte arrays, nested structs, lists). */
export type ThriftStruct = Map<number, ThriftValue>;
export type ThriftValue = number | boolean | Uint8Array | ThriftStruct | ThriftValue[];

/**
 * Reads compact-protocol structs generically (footer, page headers). Integers beyond 2^53 lose precision
 * (offsets and counts in a Parquet file stay far below). Malformed input throws a RangeError naming the
 * offset.
 */
export class CompactReader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset = 0,
  ) {}

  struct(): ThriftStruct {
    const fields: ThriftStruct = new Map();
    let last = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return fields;
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      fields.set(id, this.value(type));
    }
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case CompactType.true:
        return true;
      case CompactType.false:
        return false;
      case CompactType.i8:
        return (this.byte() << 24) >> 24;
      case CompactType.i16:
      case CompactType.i32:
      case CompactType.i64:
        return this.zigzag();
      case 7: {
        // double, 8 bytes little-endian
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.take(8), 8);
        return view.getFloat64(0, true);
      }
      case CompactType.binary: {
        const length = this.varint();
        const at = this.take(length);
        return this.bytes.subarray(at, at + length);
      }
      case CompactType.list:
      case 10: {
        const header = this.byte();
        const elementType = header & 0x0f;
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) {
          // Booleans in lists are one byte each (1 = true).
          items.push(
            elementType === CompactType.true || elementType === CompactType.false
              ? this.byte() === 1
              : this.value(elementType),
          );
        }
        return items;
      }
      case CompactType.struct:
        return this.struct();
      default:
        throw new RangeError(`unsupported Thrift compact type ${type} at byte ${this.offset - 1}`);
    }
  }

  private byte(): number {
    if (this.offset >= this.bytes.length)
      throw new RangeError(`Thrift struct runs past the end at byte ${this.offset}`);
    return this.bytes[this.offset++] as number;
  }

  private take(length: number): number {
    const at = this.offset;
    if (at + length > this.bytes.length) throw new RangeError(`Thrift value runs past the end at byte ${at}`);
    this.offset = at + length;
    return at;
  }

  private varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError(`varint too long at byte ${this.offset}`);
    }
  }

  private zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
}
