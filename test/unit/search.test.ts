import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import crypto from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from '../../src/cli/args';
import { runGrep } from '../../src/cli/grepCommand';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import { sampleKeyspace } from '../../src/core/demo/sampleKeyspace';
import { decodeValue, toYaml } from '../../src/core/k8s/codec';
import { decryptorFor, loadEncryptionConfig } from '../../src/core/k8s/encryption';
import { keyToText, prefixRangeEnd } from '../../src/core/keytree';
import { decodeRangeResponse } from '../../src/core/etcd/rangeWire';
import { compileQuery, grepPrefix, matchPrepared, matchValue, parseSearchLine, prepareValue } from '../../src/core/search';
import { candidates } from '../../src/core/search/grep';
import type { Searchable } from '../../src/core/search';
import type { SearchInput } from '../../src/core/search';
import { parseFieldMatch, resolvePath } from '../../src/core/search/fieldPath';
import { requiredLiteral } from '../../src/core/search/requiredLiteral';
import { captureIo } from '../harness/captureIo';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';
import { loadFixtures, rng } from './k8s-vectors';

const b = (s: string) => Buffer.from(s, 'latin1');
const AES_KEY = Buffer.alloc(32, 7);

/** What kube-apiserver's aescbc transformer writes: prefix, IV, AES-CBC with PKCS#7 padding. */
function aescbc(plain: Buffer, name: string): Buffer {
  const iv = crypto.randomBytes(16);
  const c = crypto.createCipheriv('aes-256-cbc', AES_KEY, iv);
  return Buffer.concat([Buffer.from(`k8s:enc:aescbc:v1:${name}:`), iv, c.update(plain), c.final()]);
}

describe('search building blocks', () => {
  test('the literal every match of a regex contains', () => {
    const cases: [string, string | undefined][] = [
      ['nginx', 'nginx'],
      ['nginx:1\\.2[0-9]', 'nginx:1.2'],
      ['^image: .*nginx$', 'image: '],
      ['a(b|c)defg', 'defg'],
      ['foo|bar', undefined],
      ['colou?r', 'colo'],
      ['ab+cd', 'ab'],
      ['x{2,}yyyy', 'yyyy'],
      ['\\d+', undefined],
      ['[abc]+', undefined],
      ['(nginx)', undefined],
      ['kube-system', 'kube-system'],
    ];
    for (const [re, want] of cases) assert.equal(requiredLiteral(re), want, re);
  });

  test('field paths: keys, [*], [N], quoted keys with dots, and the operators', () => {
    const obj = {
      metadata: { labels: { app: 'web', 'app.kubernetes.io/name': 'shop' }, ownerReferences: [{ kind: 'ReplicaSet' }] },
      spec: { replicas: 3, containers: [{ image: 'nginx:1.25' }, { image: 'redis:7' }] },
    };
    const hits = (src: string) => resolvePath(obj, parseFieldMatch(src).path).map((h) => h.value);
    assert.deepEqual(hits('spec.containers[*].image'), ['nginx:1.25', 'redis:7']);
    assert.deepEqual(hits('spec.containers[1].image'), ['redis:7']);
    assert.deepEqual(hits('metadata.labels["app.kubernetes.io/name"]'), ['shop']);
    assert.deepEqual(hits('metadata.labels.app\\.kubernetes\\.io/name'), ['shop']);
    assert.deepEqual(hits('metadata.labels.*'), ['web', 'shop']);
    assert.equal(parseFieldMatch('spec.replicas=3').value, '3');
    assert.equal(parseFieldMatch('a.b!=c').op, '!=');
    assert.equal(parseFieldMatch('a.b=~^c').op, '=~');
    assert.equal(parseFieldMatch('a.b!~c').op, '!~');
    assert.equal(parseFieldMatch('metadata.ownerReferences').op, 'exists');
    assert.equal(parseFieldMatch('metadata.labels["a=b"]=c').value, 'c');
    assert.throws(() => parseFieldMatch('spec..x=1'), /Field match "spec\.\.x=1": an empty name in the path/);
    assert.throws(() => parseFieldMatch('a=~('), /the regular expression is invalid/);
    assert.throws(() => compileQuery({}), /Nothing to search for/);
    assert.throws(() => compileQuery({ pattern: 'a(' }), /not a valid regular expression.*--fixed-strings/);
  });

  test('one line of search input: text, /regex/flags, field matches, quoted text', () => {
    assert.deepEqual(parseSearchLine('nginx:1.25'), { pattern: 'nginx:1.25', fixed: true, fields: [] });
    assert.deepEqual(parseSearchLine('/nginx:1\\.2[0-9] x/i'), { pattern: 'nginx:1\\.2[0-9] x', ignoreCase: true, fields: [] });
    assert.deepEqual(parseSearchLine('spec.containers[*].image=~nginx'), { fields: ['spec.containers[*].image=~nginx'] });
    assert.deepEqual(parseSearchLine('failed container metadata.labels["app.kubernetes.io/name"]=web kind!=Event'), {
      pattern: 'failed container',
      fixed: true,
      fields: ['metadata.labels["app.kubernetes.io/name"]=web', 'kind!=Event'],
    });
    assert.deepEqual(parseSearchLine('"app=web" metadata.namespace=default'), {
      pattern: 'app=web',
      fixed: true,
      fields: ['metadata.namespace=default'],
    });
    assert.deepEqual(parseSearchLine('/web-.*/ kind=Pod'), { pattern: 'web-.*', ignoreCase: false, fields: ['kind=Pod'] });
    assert.throws(() => parseSearchLine('  '), /Type something to search for/);
    assert.throws(() => parseSearchLine('/x/g'), /Only the i flag/);
    assert.throws(() => parseSearchLine('"open'), /unclosed "/);
  });

  test('one value: YAML lines as the editor shows them, fields before any YAML, text as text', () => {
    const [pod] = sampleKeyspace().filter((e) => e.key.startsWith('/registry/pods/'));
    const yaml = toYaml((decodeValue(pod.value) as { object: object }).object);
    const line = yaml.split('\n').findIndex((l) => l.includes('image:')) + 1;
    const m = matchValue(pod.key, pod.value, compileQuery({ pattern: 'image: registry' }));
    assert.ok(m && typeof m === 'object');
    assert.deepEqual(m.lines, [{ line, text: yaml.split('\n')[line - 1] }]);
    assert.equal(m.summary, 'v1 Pod');
    const f = matchValue(pod.key, pod.value, compileQuery({ fields: ['spec.containers[*].ports[*].containerPort=8080'] }));
    assert.ok(f && typeof f === 'object');
    assert.deepEqual(
      f.fields.map((x) => [x.path, x.value]),
      [['spec.containers[0].ports[0].containerPort', '8080']],
    );
    assert.equal(matchValue('k', b('hello\nworld'), compileQuery({ pattern: 'wor' })) !== undefined, true);
    assert.equal(matchValue('k', b('hello\nworld'), compileQuery({ fields: ['a=b'] })), undefined);
    assert.equal(matchValue('k', Buffer.from([0xff, 0x00, 0x01]), compileQuery({ pattern: 'x' })), 'binary');
  });
});

describe('search (grep) over a live cluster', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  let dir: string;
  let encConfig: string;
  const fixtures = loadFixtures().filter((f) => (decodeValue(f.pb) as { object?: object }).object);
  /** Every stored value, for the brute-force answer. */
  const stored: { key: string; value: Buffer }[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-grep-'));
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'grep', endpoints: etcd.endpoints, requestTimeoutMs: 30_000 });
    raw = rawClient(etcd);
    for (const e of sampleKeyspace()) stored.push({ key: e.key, value: Buffer.from(e.value) });
    fixtures.forEach((f, i) => stored.push({ key: `/registry/fixtures/${f.name}/obj-${i}`, value: Buffer.from(f.pb) }));
    // Custom resources as JSON (one with escapes), text, binary, and an encrypted Secret.
    stored.push({
      key: '/registry/example.com/widgets/shop/esc',
      value: b('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"esc"},"spec":{"note":"a\\u003cb and \\"quoted\\""}}'),
    });
    stored.push({ key: '/config/feature-flags', value: b('flags:\n  dark-mode: on\n  beta: off\n') });
    stored.push({ key: '/bin/blob', value: Buffer.from([0x00, 0xff, 0x6e, 0x67, 0x69, 0x6e, 0x78]) });
    encConfig = path.join(dir, 'enc.yaml');
    writeFileSync(
      encConfig,
      [
        'apiVersion: apiserver.config.k8s.io/v1',
        'kind: EncryptionConfiguration',
        'resources:',
        '  - resources: [secrets]',
        '    providers:',
        '      - aescbc:',
        '          keys:',
        '            - name: key1',
        `              secret: ${AES_KEY.toString('base64')}`,
        '      - identity: {}',
      ].join('\n'),
    );
    const secret = stored.find((e) => e.key.startsWith('/registry/secrets/'))!;
    const encKey = secret.key.replace(/[^/]+$/, 'encrypted-one');
    stored.push({ key: encKey, value: aescbc(secret.value, 'key1') });
    for (let i = 0; i < stored.length; i += 64) {
      await raw.kv.txn({
        success: stored.slice(i, i + 64).map((e) => ({ request_put: { key: b(e.key), value: e.value } })),
      });
    }
    stored.sort((x, y) => Buffer.compare(b(x.key), b(y.key)));
  });
  after(async () => {
    conn?.close();
    raw?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every stored value decoded once, for the brute-force answers. */
  const prepared = new Map<string, Searchable | string>();

  /** What decoding every value and matching it gives (no prefilter): key -> lines and fields. */
  function bruteForce(input: SearchInput, prefix = ''): string[] {
    const q = compileQuery(input);
    return stored
      .filter((e) => e.key.startsWith(prefix))
      .map((e) => {
        if (!prepared.has(e.key)) prepared.set(e.key, prepareValue(e.key, e.value));
        const v = prepared.get(e.key)!;
        return [e.key, typeof v === 'string' ? undefined : matchPrepared(v, q)] as const;
      })
      .filter(([, m]) => m !== undefined)
      .map(([k, m]) => `${k} ${JSON.stringify(m)}`);
  }

  async function grep(input: SearchInput, prefix = ''): Promise<string[]> {
    const out: string[] = [];
    await grepPrefix(conn, b(prefix), compileQuery(input), (h) => {
      const { key, modRevision: _m, createRevision: _c, version: _v, ...m } = h;
      void [_m, _c, _v];
      out.push(`${keyToText(key)} ${JSON.stringify(m)}`);
    });
    return out;
  }

  /** A Range response holding every stored value, as etcd sends it (key = 1, value = 5 in each KeyValue). */
  function response(): ReturnType<typeof decodeRangeResponse> {
    const varint = (n: number) => {
      const out: number[] = [];
      while (n >= 0x80) {
        out.push((n & 0x7f) | 0x80);
        n = Math.floor(n / 128);
      }
      out.push(n);
      return Buffer.from(out);
    };
    const field = (tag: number, bytes: Buffer) => Buffer.concat([Buffer.from([tag]), varint(bytes.length), bytes]);
    return decodeRangeResponse(Buffer.concat(stored.map((e) => field(0x12, Buffer.concat([field(0x0a, b(e.key)), field(0x2a, e.value)])))));
  }

  test('ruling values out from their bytes never loses a match: substrings of YAML lines, scalar fields', () => {
    const kvs = response();
    const random = rng(15);
    const inputs: SearchInput[] = [];
    for (const e of stored) {
      const d = decodeValue(e.value);
      if (!('object' in d) || !d.object) continue;
      const lines = toYaml(d.object)
        .split('\n')
        .filter((l) => l.trim());
      for (let n = 0; n < 3; n++) {
        const line = lines[Math.floor(random() * lines.length)];
        const start = Math.floor(random() * line.length);
        const text = line.slice(start, start + 2 + Math.floor(random() * 24));
        inputs.push({ pattern: text, fixed: true, ignoreCase: random() < 0.3 });
      }
      // Scalars somewhere in the object, matched exactly by their concrete paths.
      const leaves: [string, unknown][] = [];
      const walk = (v: unknown, p: string) => {
        if (v && typeof v === 'object')
          for (const [k, x] of Object.entries(v)) walk(x, Array.isArray(v) ? `${p}[${k}]` : `${p}[${JSON.stringify(k)}]`);
        else leaves.push([p, v]);
      };
      walk(d.object, '');
      for (let n = 0; n < 1; n++) {
        const [p, v] = leaves[Math.floor(random() * leaves.length)];
        inputs.push({
          fields: [`${p.replace(/^\[("[^"]*")\]/, (_m, k: string) => JSON.parse(k) as string)}=${v === null ? 'null' : String(v)}`],
        });
      }
    }
    inputs.push({ pattern: 'image' }, { pattern: '8080' }, { pattern: 'true' }, { pattern: 'app: web' }, { pattern: '- name' });
    inputs.push({ pattern: 'cG9z' }, { pattern: 'a<b' }, { pattern: 'dark-mode' }, { pattern: 'Running', ignoreCase: true });
    let ruledOut = 0;
    for (const input of inputs) {
      const q = compileQuery(input);
      const may = candidates(kvs, q);
      const matching = new Set(bruteForce(input).map((line) => line.slice(0, line.indexOf(' '))));
      stored.forEach((e, i) => {
        if (matching.has(e.key)) assert.equal(may[i], 1, `${e.key} matches ${JSON.stringify(input)} but was ruled out`);
        else if (!may[i]) ruledOut++;
      });
    }
    assert.ok(inputs.length > 700, `${inputs.length} searches`);
    // Fixtures are fuzzed objects, full of numbers and field names that cannot be ruled out; a realistic
    // search rules out far more (next tests).
    assert.ok(ruledOut > (inputs.length * stored.length) / 10, `${ruledOut} ruled out`);
  });

  test('grep finds exactly what decoding every value finds', async () => {
    const inputs: SearchInput[] = [
      { pattern: 'image: registry' },
      { pattern: 'IMAGE', ignoreCase: true },
      { pattern: 'replicas: [0-9]' },
      { pattern: 'dark-mode' },
      { pattern: '8080' },
      { fields: ['spec.containers[*].image=~cart'] },
      { fields: ['metadata.labels.app!=web', 'kind=Deployment'] },
      { fields: ['metadata.ownerReferences'] },
      { pattern: 'name', fields: ['kind=Service'] },
    ];
    for (const input of inputs) assert.deepEqual(await grep(input), bruteForce(input), JSON.stringify(input));
    assert.deepEqual(await grep({ pattern: 'kind' }, '/registry/pods/'), bruteForce({ pattern: 'kind' }, '/registry/pods/'));
  });

  test('most values are ruled out without decoding for a selective search', async () => {
    const stats = await grepPrefix(conn, b(''), compileQuery({ pattern: 'registry.example.com/cart', fixed: true }), () => undefined);
    assert.equal(stats.scanned, stored.length);
    assert.ok(stats.matched >= 1);
    assert.ok(stats.decoded < stored.length / 4, `${stats.decoded} of ${stored.length} decoded`);
  });

  test('encrypted values are searched with the EncryptionConfiguration and counted as skipped without it', async () => {
    const q = compileQuery({ pattern: 'encrypted-one' });
    const without = await grepPrefix(conn, b('/registry/secrets/'), q, () => undefined);
    assert.equal(without.matched, 0);
    assert.equal(without.skipped.encrypted, 1);
    const hits: string[] = [];
    const withKey = await grepPrefix(
      conn,
      b('/registry/secrets/'),
      compileQuery({ pattern: 'kind: Secret' }),
      (h) => hits.push(h.summary),
      {
        decrypt: decryptorFor(loadEncryptionConfig(encConfig)),
      },
    );
    assert.equal(withKey.skipped.encrypted, 0);
    assert.ok(hits.includes('decrypted · v1 Secret'), hits.join());
  });

  test('limit stops early, cancel stops with Cancelled, progress counts keys', async () => {
    const seen: string[] = [];
    const s = await grepPrefix(conn, b(''), compileQuery({ pattern: 'kind' }), (h) => seen.push(keyToText(h.key)), { limit: 3 });
    assert.equal(seen.length, 3);
    assert.equal(s.limited, true);
    const ac = new AbortController();
    await assert.rejects(
      grepPrefix(conn, b(''), compileQuery({ pattern: 'kind' }), () => ac.abort(), { signal: ac.signal }),
      (e: unknown) => e instanceof EtcdStudioError && e.code === 'Cancelled',
    );
    let last = [0, 0];
    await grepPrefix(conn, b(''), compileQuery({ pattern: 'zzz-nothing' }), () => undefined, { onProgress: (k, t) => (last = [k, t]) });
    assert.deepEqual(last, [stored.length, stored.length]);
  });

  test('CLI: grep prints key:line:text like grep -n, exits 1 when nothing matches, -l and -w json', async () => {
    const c = captureIo();
    const code = await runGrep(parseArgs(['image: registry.example.com/cart', '/registry/', '--endpoints', etcd.endpoints[0]]), c.io, []);
    assert.equal(code, 0, c.err());
    const lines = c.out().trim().split('\n');
    assert.ok(lines.length >= 1);
    for (const l of lines)
      assert.match(l, /^\/registry\/(pods|deployments)\/shop\/cart[^:]*:\d+:\s+(- )?image: registry\.example\.com\/cart:/);
    assert.match(c.err(), /^\d+ of \d+ keys under \/registry\/ match \/image: registry\.example\.com\/cart\/ at revision \d+/);

    const none = captureIo();
    assert.equal(await runGrep(parseArgs(['no-such-thing-anywhere', '--endpoints', etcd.endpoints[0]]), none.io, []), 1);
    assert.equal(none.out(), '');

    const argv = ['--field', 'metadata.labels.app=web', '--field', 'kind=Pod', '/registry/', '-l', '--endpoints', etcd.endpoints[0]];
    const l = captureIo();
    assert.equal(await runGrep(parseArgs(argv), l.io, argv), 0, l.err());
    const keys = l.out().trim().split('\n');
    assert.ok(keys.length >= 1 && keys.every((k) => /^\/registry\/pods\/default\/web-/.test(k)), l.out());

    const j = captureIo();
    const jargv = ['--field', 'spec.replicas=3', '-w', 'json', '--endpoints', etcd.endpoints[0]];
    assert.equal(await runGrep(parseArgs(jargv), j.io, jargv), 0, j.err());
    const objs = j
      .out()
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x) as { key: string; fields: { path: string; value: string }[] });
    assert.ok(objs.length >= 1);
    for (const o of objs) assert.deepEqual(o.fields, [{ path: 'spec.replicas', value: '3' }]);

    await assert.rejects(
      runGrep(parseArgs(['a(', '--endpoints', etcd.endpoints[0]]), captureIo().io, []),
      /not a valid regular expression/,
    );
    const range = await raw.kv.range({ key: b('/'), range_end: prefixRangeEnd(b('/')), count_only: true });
    assert.ok(Number(range.count) > 0);
  });
});
