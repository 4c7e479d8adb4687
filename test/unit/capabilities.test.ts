/**
 * The capability table (src/core/etcd/capabilities.ts) against the real release under test: what it
 * says a release lacks, that release's server really lacks (its gRPC methods answer UNIMPLEMENTED,
 * its status has no storage version, its etcd refuses --enable-v2), and users get a message naming the
 * version instead of the gRPC error, in the CLI and from the maintenance commands.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { parseArgs } from '../../src/cli/args';
import { runVersion } from '../../src/cli/versionCommand';
import { capabilitiesOf, requireFeature } from '../../src/core/etcd/capabilities';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { toUserError } from '../../src/core/etcd/grpcErrors';
import { EtcdStudioError } from '../../src/core/errors';
import { listChildren } from '../../src/core/keytree/listChildren';
import { startEtcd } from '../harness/etcd';
import { etcdTarget } from '../harness/tools';
import { useEtcdConnection } from '../harness/useEtcd';

/** What each release lacks, as the table must say it (ids in the table's order). */
const EXPECTED_UNAVAILABLE: Record<string, string[]> = {
  '3.4': ['authStatus', 'downgrade', 'storageVersion', 'rangeStream'],
  '3.6': ['v2Keyspace', 'rangeStream'],
  '3.7': ['v2Keyspace'],
};

const identity = (b: Buffer) => b;

/** One raw unary call (the request already encoded), resolving to the response bytes or the gRPC error. */
function unary(endpoint: string, method: string, req: Buffer): Promise<Buffer | grpc.ServiceError> {
  const client = new grpc.Client(new URL(endpoint).host, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(method, identity, identity, req, (err, res) => {
      client.close();
      resolve(err ?? res!);
    });
  });
}

/** A raw server-streaming call: the first message, or the gRPC error. */
function firstStreamed(endpoint: string, method: string, req: Buffer): Promise<Buffer | grpc.ServiceError> {
  const client = new grpc.Client(new URL(endpoint).host, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeServerStreamRequest(method, identity, identity, req);
    call.on('data', (m: Buffer) => {
      resolve(m);
      call.cancel();
    });
    call.on('error', (e: grpc.ServiceError) => resolve(e));
    call.on('close', () => client.close());
  });
}

/** The string fields of a protobuf message by field number (enough to read StatusResponse.storageVersion). */
function stringFields(buf: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  let pos = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else {
      const len = varint();
      out.set(Math.floor(tag / 8), buf.toString('utf8', pos, pos + len));
      pos += len;
    }
  }
  return out;
}

const isError = (r: Buffer | grpc.ServiceError): r is grpc.ServiceError => !Buffer.isBuffer(r);

describe('what the connected etcd release offers (capability table vs the real server)', () => {
  const t = useEtcdConnection('caps');
  const release = etcdTarget();

  test('the server reports this release, and the table lists what it lacks', async () => {
    const { version } = await t.conn.status();
    assert.equal(version, release.version);
    assert.deepEqual(
      capabilitiesOf(version).unavailable.map((f) => f.id),
      EXPECTED_UNAVAILABLE[release.minor],
    );
    assert.equal(capabilitiesOf(version).snapshotTool, release.etcdutl ? 'etcdutl' : 'etcdctl');
  });

  test('methods the table says are missing answer UNIMPLEMENTED, and users read a message instead', async () => {
    const caps = capabilitiesOf(release.version);
    const has = (id: string) => caps.available.some((f) => f.id === id);
    const endpoint = t.etcd.endpoints[0];
    // RangeRequest{key: "a"}; AuthStatusRequest{}.
    const probes = [
      { id: 'rangeStream', answer: await firstStreamed(endpoint, '/etcdserverpb.KV/RangeStream', Buffer.from([0x0a, 1, 0x61])) },
      { id: 'authStatus', answer: await unary(endpoint, '/etcdserverpb.Auth/AuthStatus', Buffer.alloc(0)) },
    ];
    for (const p of probes) {
      if (has(p.id)) {
        assert.ok(!isError(p.answer), `${p.id}: ${isError(p.answer) ? p.answer.message : ''}`);
        continue;
      }
      assert.ok(isError(p.answer) && p.answer.code === grpc.status.UNIMPLEMENTED, `${p.id} is missing on ${release.version}`);
      const err = toUserError(p.answer, [endpoint]);
      assert.equal(err.code, 'Unsupported');
      assert.match(
        err.message,
        /does not have this request \(.*(RangeStream|AuthStatus)\).*older than the one that added it.*etcd-studio version/,
      );
    }
    // StatusResponse.storageVersion (field 11) exists from 3.6. A new member starts at the previous minor ("3.5.0")
    // and etcd's version monitor raises it a few seconds later, so ask until it has (up to 20 s).
    const want = has('storageVersion') ? `${release.minor}.0` : undefined;
    let storageVersion: string | undefined;
    for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const status = await unary(endpoint, '/etcdserverpb.Maintenance/Status', Buffer.alloc(0));
      assert.ok(!isError(status));
      storageVersion = stringFields(status).get(11);
      if (storageVersion === want || Date.now() > deadline) break;
    }
    assert.equal(storageVersion, want);
  });

  test('the v2 keyspace: on 3.4 only with --enable-v2 and invisible to the v3 tree; 3.6+ refuses the flag', async () => {
    if (capabilitiesOf(release.version).available.some((f) => f.id === 'v2Keyspace')) {
      const v2 = await startEtcd({ extraArgs: ['--enable-v2'] });
      try {
        const put = await new Promise<number>((resolve, reject) => {
          const req = request(new URL('/v2/keys/legacy/app', v2.endpoints[0]), { method: 'PUT' }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.setHeader('content-type', 'application/x-www-form-urlencoded');
          req.end('value=v2-only');
        });
        assert.equal(put, 201, 'a v2 key was written');
        const conn = await EtcdConnection.open({ name: 'v2', endpoints: v2.endpoints });
        try {
          assert.deepEqual((await listChildren(conn, Buffer.from(''))).children, [], 'the v3 keyspace does not hold it');
        } finally {
          conn.close();
        }
      } finally {
        await v2.stop();
      }
      return;
    }
    const r = spawnSync(release.etcd, ['--enable-v2'], { encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /flag provided but not defined: -enable-v2/);
  });

  test('CLI: `version --endpoints` names the release and what it lacks', async () => {
    const run = async (argv: string[]) => {
      let out = '';
      const io = {
        stdin: process.stdin,
        env: {},
        stdout: { write: (c: string | Uint8Array) => (out += String(c)) },
        stderr: { write: () => undefined },
      };
      const code = await runVersion(parseArgs(argv), io as never, '9.9.9');
      return { code, out };
    };
    const endpoint = t.etcd.endpoints[0];
    const simple = await run(['--endpoints', endpoint]);
    assert.equal(simple.code, 0);
    assert.match(
      simple.out,
      new RegExp(
        `^etcd-studio 9\\.9\\.9\\n${endpoint.replace(/[.:/]/g, '\\$&')}: etcd ${release.version.replace(/\./g, '\\.')} \\(member [0-9a-f]+\\)\\n`,
      ),
    );
    if (release.minor === '3.7') assert.match(simple.out, /v2 keyspace .* — removed in etcd 3\.6/);
    if (release.minor === '3.4') assert.match(simple.out, /cluster downgrade .* — needs etcd 3\.6\+/);
    assert.match(simple.out, new RegExp(`snapshot files: ${release.etcdutl ? 'etcdutl' : 'etcdctl'} snapshot status\\|restore`));
    const json = JSON.parse((await run(['--endpoints', endpoint, '-w', 'json'])).out);
    assert.equal(json.servers[0].version, release.version);
    assert.deepEqual(
      json.servers[0].unavailable.map((f: { id: string }) => f.id),
      EXPECTED_UNAVAILABLE[release.minor],
    );
    assert.equal((await run([])).out, 'etcd-studio 9.9.9\n', 'without endpoints, no connection is tried');
  });

  test('a feature newer than the member is refused naming both versions, before any request', () => {
    assert.throws(
      () => requireFeature('3.3.27', 'learners'),
      (e: unknown) =>
        e instanceof EtcdStudioError &&
        e.code === 'Unsupported' &&
        /^etcd 3\.3\.27 has no learner members \(member add --learner, member promote\): it came with etcd 3\.4\. Add the member as a voting member/.test(
          e.message,
        ),
    );
    assert.doesNotThrow(() => requireFeature(release.version, 'learners'));
  });
});
