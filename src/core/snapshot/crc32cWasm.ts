/**
 * CRC-32C's inner loop as a tiny WebAssembly module, encoded here by hand (no toolchain, no binary
 * file): the same slicing-by-16 as crc32c.ts, but without JS's bounds checks and typed-array views:
 * 26 MB in ~15 ms against ~20 ms warm JS, and fast from the first call, where JS starts in the
 * interpreter (what a CLI run of a few hundred ms mostly sees). Its memory holds the 16 tables (16 KiB at address 0), a scratch area bytes
 * from elsewhere are copied through, and a window a scan reads file pages into, so the bytes a
 * status hashes are never copied. Where WebAssembly is missing (node --jitless) `crcWasm()` is
 * undefined and crc32c.ts stays in JS.
 *
 * The function, in the text format:
 *   (func (param $c i32) (param $p i32) (param $n i32) (result i32)   ;; $c: the running CRC, inverted
 *     $end := $p + $n; $end16 := $p + ($n & -16)
 *     while $p < $end16:                       ;; four words; 16 lookups, one per byte
 *       $a := $c ^ load($p); $b := load($p+4); $d := load($p+8); $e := load($p+12)
 *       $c := T15[$a.0] ^ T14[$a.1] ^ T13[$a.2] ^ T12[$a.3] ^ T11[$b.0] ^ … ^ T0[$e.3]; $p += 16
 *     while $p < $end:                         ;; the tail, a byte at a time
 *       $c := T0[($c ^ load8($p)) & 255] ^ ($c >>> 8); $p += 1
 *     $c)
 * Table k lives at k * 1024; a byte b of a word w indexes it as (w >>> 8b) & 255, shifted left by 2.
 */

/** Bytes of the 16 tables (16 x 256 u32) at address 0. */
export const TABLES_BYTES = 16 * 1024;
/** Where bytes from outside the memory are copied to be hashed, and how many at a time. */
export const SCRATCH_AT = TABLES_BYTES;
export const SCRATCH_BYTES = 48 * 1024;
/** Where a scan's window starts (the first 64 KiB page holds tables and scratch). */
export const WINDOW_AT = 64 * 1024;
/** The window: two halves of 2 MiB, one read from the file while the other is hashed (leafScan.ts). */
export const WINDOW_BYTES = 4 * 1024 * 1024;

const I32 = 0x7f;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Load8u: 0x2d,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
} as const;
const VOID_BLOCK = 0x40;

/** LEB128, unsigned or signed (what the wasm binary format writes sizes, indices and constants in). */
function leb(n: number, signed = false): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n = signed ? n >> 7 : n >>> 7;
    const done = signed ? (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0) : n === 0;
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const get = (local: number) => [op.localGet, local];
const set = (local: number) => [op.localSet, local];
const i32 = (n: number) => [op.i32Const, ...leb(n, true)];
/** i32.load with an alignment hint (log2) and a constant offset added to the address. */
const load = (align: number, offset: number) => [op.i32Load, align, ...leb(offset)];

// Locals: 0 $c, 1 $p, 2 $n (parameters), 3 $end16, 4 $end, 5-8 the four words.
const [C, P, N, END16, END] = [0, 1, 2, 3, 4];
const WORDS = [5, 6, 7, 8];

/** T[table][byte `b` of the word in `local`], as an i32 on the stack. */
function lookup(local: number, b: number, table: number): number[] {
  const index =
    b === 0
      ? [...get(local), ...i32(2), op.i32Shl, ...i32(1020), op.i32And]
      : b === 3
        ? [...get(local), ...i32(24), op.i32ShrU, ...i32(2), op.i32Shl]
        : [...get(local), ...i32(8 * b - 2), op.i32ShrU, ...i32(1020), op.i32And];
  return [...index, ...load(2, table * 1024)];
}

function body(): number[] {
  const words: number[] = [];
  // $a := $c ^ load($p); then $b, $d, $e.
  words.push(...get(C), ...get(P), ...load(0, 0), op.i32Xor, ...set(WORDS[0]));
  for (let w = 1; w < 4; w++) words.push(...get(P), ...load(0, 4 * w), ...set(WORDS[w]));
  // The lookups of $b, $d and $e do not depend on $c: xor them first, and the four of $a (which wait
  // on the previous block's CRC) last, in two levels.
  const xors: number[] = [];
  for (let w = 1; w < 4; w++) {
    for (let b = 0; b < 4; b++) {
      xors.push(...lookup(WORDS[w], b, 15 - (w * 4 + b)));
      if (w + b > 1) xors.push(op.i32Xor);
    }
  }
  const a = (b: number) => lookup(WORDS[0], b, 15 - b);
  xors.push(...a(0), ...a(1), op.i32Xor, ...a(2), ...a(3), op.i32Xor, op.i32Xor, op.i32Xor);
  const tail = [
    ...get(C), ...get(P), op.i32Load8u, 0, 0, op.i32Xor, ...i32(255), op.i32And, ...i32(2), op.i32Shl, ...load(2, 0),
    ...get(C), ...i32(8), op.i32ShrU, op.i32Xor, ...set(C),
  ]; // prettier-ignore
  const code = [
    ...get(P), ...get(N), op.i32Add, ...set(END),
    ...get(P), ...get(N), ...i32(-16), op.i32And, op.i32Add, ...set(END16),
    op.block, VOID_BLOCK, ...get(P), ...get(END16), op.i32GeU, op.brIf, 0,
    op.loop, VOID_BLOCK, ...words, ...xors, ...set(C),
    ...get(P), ...i32(16), op.i32Add, op.localTee, P, ...get(END16), op.i32LtU, op.brIf, 0, op.end, op.end,
    op.block, VOID_BLOCK, ...get(P), ...get(END), op.i32GeU, op.brIf, 0,
    op.loop, VOID_BLOCK, ...tail,
    ...get(P), ...i32(1), op.i32Add, op.localTee, P, ...get(END), op.i32LtU, op.brIf, 0, op.end, op.end,
    ...get(C), op.end,
  ]; // prettier-ignore
  // Locals after the parameters: 6 i32 ($end16, $end, four words).
  return [1, 6, I32, ...code];
}

const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const name = (s: string) => [...leb(s.length), ...Buffer.from(s, 'latin1')];

function moduleBytes(pages: number): Uint8Array {
  const fn = body();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, 3, I32, I32, I32, 1, I32]])), // type 0: (i32 i32 i32) -> i32
    ...section(3, vec([[0]])), // function 0 has type 0
    ...section(5, vec([[0x00, ...leb(pages)]])), // one memory, `pages` 64 KiB pages, not growable by us
    ...section(
      7,
      vec([
        [...name('crc'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...leb(fn.length), ...fn]])),
  ]);
}

/** What this file uses of the WebAssembly global (TypeScript's ES2022 library, without the DOM, has no types for it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
interface WasmMemory {
  buffer: ArrayBuffer;
}
declare const WebAssembly: WasmApi | undefined;

export interface CrcWasm {
  memory: WasmMemory;
  /** The bytes of the memory, as a Buffer (views of it see the window and the scratch area). */
  bytes: Buffer;
  /** Updates an inverted CRC with memory[ptr, ptr + len). */
  crc(crc: number, ptr: number, len: number): number;
}

let instance: CrcWasm | null | undefined;

/** The module, instantiated on first use with `tables` copied in; undefined without WebAssembly. */
export function crcWasm(tables: Int32Array): CrcWasm | undefined {
  if (instance === undefined) {
    instance = null;
    if (typeof WebAssembly === 'object') {
      const mod = new WebAssembly.Module(moduleBytes((WINDOW_AT + WINDOW_BYTES) / 65536));
      const exports = new WebAssembly.Instance(mod).exports as { crc: CrcWasm['crc']; memory: WasmMemory };
      const bytes = Buffer.from(exports.memory.buffer);
      // Wasm memory is little-endian whatever the host is.
      const view = new DataView(exports.memory.buffer);
      for (let i = 0; i < TABLES_BYTES / 4; i++) view.setInt32(i * 4, tables[i], true);
      instance = { memory: exports.memory, bytes, crc: exports.crc };
    }
  }
  return instance ?? undefined;
}
