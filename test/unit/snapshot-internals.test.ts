/**
 * The pieces behind snapshot speed, without etcd: CRC-32C against known vectors and a bit-by-bit
 * reference, key sorting against Buffer.compare, the chunked key arena, the hand-written
 * SnapshotResponse decoder, batched writes, and go-humanize's byte sizes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { humanBytes } from '../../src/core/format';
import { BatchedWriter } from '../../src/core/snapshot/batchedWriter';
import { Crc32c, crc32cJs, hashWindow } from '../../src/core/snapshot/crc32c';
import { KeyArena } from '../../src/core/snapshot/keyArena';
import { decodeSnapshotResponse } from '../../src/core/etcd/etcdMessages';
import { sortByKey } from '../../src/core/snapshot/sortByKey';

/** Bit-at-a-time CRC-32C: slow and obviously right. */
function referenceCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A deterministic pseudo-random byte source. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('snapshot internals', () => {
  test('CRC-32C: known vectors, every length and alignment, and split updates', () => {
    assert.equal(new Crc32c().update(Buffer.from('123456789')).digest(), 0xe3069283);
    assert.equal(new Crc32c().digest(), 0);
    assert.equal(new Crc32c().update(Buffer.alloc(32)).digest(), 0x8a9136aa);
    const data = bytes(300, 7);
    for (let offset = 0; offset < 5; offset++) {
      for (const len of [0, 1, 15, 16, 31, 32, 33, 100, 255]) {
        const slice = data.subarray(offset, offset + len);
        assert.equal(new Crc32c().update(slice).digest(), referenceCrc32c(slice), `offset ${offset} length ${len}`);
      }
    }
    const split = new Crc32c().update(data.subarray(0, 37)).update(data.subarray(37, 200)).update(data.subarray(200));
    assert.equal(split.digest(), referenceCrc32c(data));
  });

  test('CRC-32C in WebAssembly equals the JS fallback: in place in the hash window, copied through scratch, past one scratch area', () => {
    const data = bytes(200_000, 11);
    const expected = crc32cJs(data);
    assert.equal(expected, referenceCrc32c(data));
    // Longer than the 48 KiB scratch area: hashed in parts.
    assert.equal(new Crc32c().update(data).digest(), expected);
    const window = hashWindow();
    assert.ok(window, 'Node 20 has WebAssembly, so the hash window exists');
    try {
      assert.equal(hashWindow(), undefined, 'the window is lent to one scan at a time');
      for (const at of [0, 1, 3, 4096]) {
        data.copy(window.buf, at);
        const inPlace = new Crc32c().updateRange(window.buf, at, at + data.length).digest();
        assert.equal(inPlace, expected, `at ${at}`);
        assert.equal(new Crc32c().update(window.buf.subarray(at, at + 63)).digest(), crc32cJs(data.subarray(0, 63)), `short, at ${at}`);
      }
    } finally {
      window.release();
    }
    const again = hashWindow();
    assert.ok(again, 'released windows can be lent again');
    again.release();
  });

  test('sortByKey orders distinct keys like Buffer.compare (shared prefixes, prefixes of each other, 0x00 and 0xff)', () => {
    const keys: Buffer[] = [
      Buffer.from(''),
      Buffer.from([0]),
      Buffer.from([0xff]),
      Buffer.from([0xff, 0]),
      Buffer.from('/a'),
      Buffer.from('/a/'),
    ];
    for (let i = 0; i < 3000; i++) {
      const r = bytes(4, i);
      keys.push(
        Buffer.from(`/registry/${['pods', 'services/specs', 'secrets'][r[0] % 3]}/ns-${r[1] % 20}/obj-${i}${r[2] % 5 ? '' : '\u00e9'}`),
      );
      if (i % 97 === 0) keys.push(Buffer.concat([bytes(r[3] % 6, i), Buffer.from([0xff, 0x00])]));
    }
    const unique = [...new Map(keys.map((k) => [k.toString('hex'), k])).values()];
    const order = Uint32Array.from(unique.map((_, i) => i));
    sortByKey(order, (slot, depth) => (depth < unique[slot].length ? unique[slot][depth] : -1));
    const expected = [...unique].sort(Buffer.compare);
    assert.deepEqual(
      [...order].map((i) => unique[i]),
      expected,
    );
  });

  test('KeyArena keeps keys across chunks, and a key bigger than a chunk in one of its own', () => {
    const arena = new KeyArena();
    const stored: [number, Buffer][] = [];
    for (let i = 0; i < 3000; i++) {
      const k = bytes(100 + (i % 50), i);
      stored.push([arena.append(k, 0, k.length), k]);
    }
    const big = bytes(5 * 1024 * 1024, 99);
    stored.push([arena.append(big, 0, big.length), big]);
    const after = Buffer.from('after the big one');
    stored.push([arena.append(after, 0, after.length), after]);
    for (const [address, k] of stored) {
      assert.deepEqual(arena.view(address, k.length), k);
      assert.equal(arena.compareTo(address, k.length, k), 0);
      assert.ok(arena.equals(address, k.length, k, 0, k.length));
      assert.equal(arena.byteAt(address, k.length, k.length - 1), k[k.length - 1]);
      assert.equal(arena.byteAt(address, k.length, k.length), -1);
    }
  });

  test('SnapshotResponse decoding: header skipped, remaining_bytes and blob read in place', () => {
    const blob = bytes(300, 3);
    const header = Buffer.from([0x0a, 4, 0x08, 1, 0x10, 2]);
    const msg = Buffer.concat([header, Buffer.from([0x10, 0xac, 0x02, 0x1a, 0xac, 0x02]), blob]);
    const chunk = decodeSnapshotResponse(msg);
    assert.equal(chunk.remaining, 300);
    assert.deepEqual(chunk.blob, blob);
    assert.equal(chunk.blob.buffer, msg.buffer, 'a view, not a copy');
    assert.throws(() => decodeSnapshotResponse(Buffer.from([0x1a, 10, 1])), /runs past the end/);
  });

  test('BatchedWriter writes every chunk in order and asks to pause past a batch', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-batched-'));
    try {
      const file = path.join(dir, 'out');
      const fh = await open(file, 'w');
      const writer = new BatchedWriter(fh, 1000);
      const chunks = Array.from({ length: 50 }, (_, i) => bytes(97 + i, i));
      let paused = 0;
      for (const c of chunks) {
        if (!writer.push(c)) {
          paused++;
          await new Promise<void>((resolve) => writer.drain(resolve));
        }
      }
      await writer.finish();
      await fh.close();
      assert.deepEqual(readFileSync(file), Buffer.concat(chunks));
      assert.equal(writer.written, Buffer.concat(chunks).length);
      assert.ok(paused > 0, 'backpressure was applied');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("humanBytes is go-humanize's Bytes (what etcdctl prints)", () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [9, '9 B'],
      [10, '10 B'],
      [999, '999 B'],
      [1000, '1.0 kB'],
      [1499, '1.5 kB'],
      [9949, '9.9 kB'],
      [9950, '10 kB'],
      [12_345, '12 kB'],
      [106_500, '106 kB'],
      [107_500, '108 kB'],
      [999_999, '1000 kB'],
      [1_000_000, '1.0 MB'],
      [1_500_000, '1.5 MB'],
      [12_300_000, '12 MB'],
      [20_480_000, '20 MB'],
      [1_033_351_168, '1.0 GB'],
      [25 * 1024 ** 3, '27 GB'],
      [3e15, '3.0 PB'],
    ];
    for (const [n, s] of cases) assert.equal(humanBytes(n), s, String(n));
  });
});
