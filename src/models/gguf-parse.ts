/**
 * Synchronous GGUF (v2/v3) parser over an in-memory prefix of a file: header, metadata key/values
 * and tensor infos (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). Tensor data is
 * never read. When the prefix ends before the tensor infos do, it throws `NeedMoreBytes` so the
 * caller can read a longer prefix.
 */
import { quoteName } from "../errors.js";
import { ggmlTensorBytes } from "./ggml-types.js";

/** A metadata value: scalars as themselves, arrays summarised (values kept for short numeric ones). */
export type GgufValue = string | number | boolean | GgufArray;

/** An array-valued metadata entry. */
export interface GgufArray {
  /** ggml GGUF value type of the elements (8 = string). */
  elementType: number;
  length: number;
  /** The elements, kept only for non-string arrays of at most 1024 elements. */
  values?: number[] | boolean[];
}

/** What the parser found, before any interpretation of keys. */
export interface GgufRaw {
  version: number;
  tensorCount: number;
  kvCount: number;
  metadata: Map<string, GgufValue>;
  /** Sum over tensors of their element counts. */
  parameterCount: number;
  /** Offset where tensor data starts (after alignment). */
  dataOffset: number;
  /** Smallest file size that holds every tensor's data; undefined when a tensor type is unknown. */
  requiredBytes: number | undefined;
}

/** The prefix ended before the structure did; retry with more bytes. */
export class NeedMoreBytes extends Error {}

/** The bytes are not a well-formed GGUF; `message` says why (no path in it). */
export class GgufFormatError extends Error {}

const maxTensors = 1 << 20;
const maxKv = 1 << 20;
const maxDims = 8;
const keptArrayLength = 1024;

class Cursor {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly complete: boolean,
  ) {}

  private need(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.complete) throw new GgufFormatError("the file ends inside the GGUF header");
    throw new NeedMoreBytes();
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(what: string): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFormatError(`${what} is out of range (${v})`);
    return Number(v);
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  string(what: string): string {
    return this.named(what).text;
  }
  /** A string, with how a message quotes it (a corrupt file's names are bytes, not text). */
  named(what: string): { text: string; quoted: string } {
    const len = this.u64(`${what} length`);
    if (this.complete && this.pos + len > this.buf.length) throw new GgufFormatError(`${what} runs past the end of the file`);
    this.need(len);
    const text = this.buf.toString("utf8", this.pos, this.pos + len);
    this.pos += len;
    return { text, quoted: quoteName(text, { bytes: len }) };
  }
  /** Reads one scalar of GGUF value type `type`. */
  scalar(type: number, what: string): string | number | boolean {
    switch (type) {
      case 0: return this.u8();
      case 1: this.need(1); return this.buf.readInt8(this.pos++);
      case 2: this.need(2); this.pos += 2; return this.buf.readUInt16LE(this.pos - 2);
      case 3: this.need(2); this.pos += 2; return this.buf.readInt16LE(this.pos - 2);
      case 4: return this.u32();
      case 5: this.need(4); this.pos += 4; return this.buf.readInt32LE(this.pos - 4);
      case 6: this.need(4); this.pos += 4; return this.buf.readFloatLE(this.pos - 4);
      case 7: return this.u8() !== 0;
      case 8: return this.string(what);
      case 10: this.need(8); this.pos += 8; return Number(this.buf.readBigUInt64LE(this.pos - 8));
      case 11: this.need(8); this.pos += 8; return Number(this.buf.readBigInt64LE(this.pos - 8));
      case 12: this.need(8); this.pos += 8; return this.buf.readDoubleLE(this.pos - 8);
      default: throw new GgufFormatError(`${what} has unknown value type ${type}`);
    }
  }
  remaining(): number {
    return this.buf.length - this.pos;
  }
}

const scalarSize: ReadonlyMap<number, number> = new Map([[0, 1], [1, 1], [2, 2], [3, 2], [4, 4], [5, 4], [6, 4], [7, 1], [10, 8], [11, 8], [12, 8]]);

function readValue(c: Cursor, type: number, key: string, fileSize: number): GgufValue {
  if (type !== 9) return c.scalar(type, `value of ${key}`);
  const elementType = c.u32();
  const length = c.u64(`length of ${key}`);
  if (elementType === 9) throw new GgufFormatError(`${key} is a nested array`);
  const size = scalarSize.get(elementType);
  if (elementType !== 8 && size === undefined) throw new GgufFormatError(`${key} has unknown element type ${elementType}`);
  // Every element takes at least one byte (a string at least 8), so a longer array cannot fit.
  if (length * (size ?? 8) > fileSize) throw new GgufFormatError(`${key} claims ${length} elements, more than the file holds`);
  if (elementType === 8) {
    for (let i = 0; i < length; i++) c.skip(c.u64(`string ${i} of ${key}`));
    return { elementType, length };
  }
  const width = size ?? 1;
  if (length > keptArrayLength) {
    c.skip(length * width);
    return { elementType, length };
  }
  const values: (number | boolean)[] = [];
  for (let i = 0; i < length; i++) values.push(c.scalar(elementType, key) as number | boolean);
  return { elementType, length, values: values as number[] | boolean[] };
}

/**
 * Parses `buf`, the first `buf.length` bytes of a file of `fileSize` bytes. Throws
 * `NeedMoreBytes` when `buf` is shorter than the file and too short for the header, and
 * `GgufFormatError` for anything malformed.
 */
export function parseGguf(buf: Buffer, fileSize: number): GgufRaw {
  const c = new Cursor(buf, buf.length >= fileSize);
  if (fileSize < 4 || buf.toString("latin1", 0, 4) !== "GGUF") throw new GgufFormatError("bad magic");
  c.skip(4);
  const version = c.u32();
  if (version !== 2 && version !== 3) throw new GgufFormatError(`unsupported GGUF version ${version} (need 2 or 3)`);
  const tensorCount = c.u64("tensor count");
  const kvCount = c.u64("metadata count");
  if (tensorCount > maxTensors) throw new GgufFormatError(`implausible tensor count ${tensorCount}`);
  if (kvCount > maxKv) throw new GgufFormatError(`implausible metadata count ${kvCount}`);

  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = c.named(`metadata key ${i}`);
    const type = c.u32();
    metadata.set(key.text, readValue(c, type, key.quoted, fileSize));
  }

  let parameterCount = 0;
  let dataEnd: number | undefined = 0;
  for (let i = 0; i < tensorCount; i++) {
    const name = c.named(`tensor name ${i}`).quoted;
    const nDims = c.u32();
    if (nDims === 0 || nDims > maxDims) throw new GgufFormatError(`tensor ${name} has ${nDims} dimensions`);
    let elements = 1;
    for (let d = 0; d < nDims; d++) elements *= c.u64(`dimension of ${name}`);
    const type = c.u32();
    const offset = c.u64(`offset of ${name}`);
    parameterCount += elements;
    const bytes = ggmlTensorBytes(type, elements);
    dataEnd = bytes === undefined || dataEnd === undefined ? undefined : Math.max(dataEnd, offset + bytes);
  }

  const alignmentValue = metadata.get("general.alignment");
  const alignment = typeof alignmentValue === "number" && alignmentValue > 0 ? alignmentValue : 32;
  const dataOffset = Math.ceil(c.pos / alignment) * alignment;
  return {
    version,
    tensorCount,
    kvCount,
    metadata,
    parameterCount,
    dataOffset,
    // With no tensors there is no data section, so the alignment padding is optional.
    requiredBytes: tensorCount === 0 ? c.pos : dataEnd === undefined ? undefined : dataOffset + dataEnd,
  };
}
