import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from '../../src/cli/args';
import { runChanges, runLeases, runWatch } from '../../src/cli/watchCommands';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { grantLease, putWithLease } from '../../src/core/leases';
import { currentRevision } from '../../src/core/watch';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';

function capture(signal?: AbortSignal) {
  const out: Buffer[] = [];
  const err: string[] = [];
  return {
    io: {
      stdin: new PassThrough(),
      stdout: { write: (c: string | Uint8Array) => out.push(Buffer.from(c)) },
      stderr: { write: (c: string) => err.push(c) },
      env: {},
      signal,
    },
    out: () => Buffer.concat(out).toString(),
    err: () => err.join(''),
  };
}

describe('watch, changes and leases commands', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  const ep = () => ['--endpoints', etcd.endpoints.join(',')];
  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'cli', endpoints: etcd.endpoints });
    raw = rawClient(etcd);
  });
  after(async () => {
    raw?.close();
    conn?.close();
    await etcd?.stop();
  });

  test("watch --prefix prints etcdctl's simple and json formats until stopped", async () => {
    await raw.put('/cli/a').value('0');
    const rev = (await currentRevision(conn)) + 1;
    await raw.put('/cli/a').value('1');
    await raw.delete().key('/cli/a');
    for (const [fmt, expected] of [
      ['simple', 'PUT\n/cli/a\n1\nDELETE\n/cli/a\n\n'],
      [
        'json',
        JSON.stringify({
          Header: { revision: rev + 1 },
          Events: [
            {
              kv: {
                key: Buffer.from('/cli/a').toString('base64'),
                create_revision: rev - 1,
                mod_revision: rev,
                version: 2,
                value: Buffer.from('1').toString('base64'),
              },
            },
            { type: 1, kv: { key: Buffer.from('/cli/a').toString('base64'), mod_revision: rev + 1 } },
          ],
          CompactRevision: 0,
          Canceled: false,
          Created: false,
        }) + '\n',
      ],
    ]) {
      const ac = new AbortController();
      const c = capture(ac.signal);
      const running = runWatch(parseArgs(['/cli/', '--prefix', '--rev', String(rev), '-w', fmt, ...ep()]), c.io);
      const deadline = Date.now() + 5000;
      while (c.out().length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      ac.abort();
      assert.equal(await running, 0);
      assert.equal(c.out(), expected);
    }
  });

  test('changes -w json|markdown|simple, and leases', async () => {
    const since = await currentRevision(conn);
    await raw.put('/cli/new').value('n');
    const j = capture();
    assert.equal(await runChanges(parseArgs(['--since', String(since), '/cli/', '-w', 'json', ...ep()]), j.io), 0);
    assert.deepEqual(
      JSON.parse(j.out()).changes.map((c: { key: string; change: string }) => `${c.change} ${c.key}`),
      ['created /cli/new'],
    );
    const m = capture();
    await runChanges(parseArgs(['--since', String(since), '-w', 'markdown', ...ep()]), m.io);
    assert.match(m.out(), /\| created \| `\/cli\/new` \|/);
    const s = capture();
    await runChanges(parseArgs(['--since', String(since), ...ep()]), s.io);
    assert.equal(s.out(), 'created  /cli/new\n');
    await assert.rejects(runChanges(parseArgs([...ep()]), capture().io), /needs --since/);

    const l = await grantLease(conn, 60);
    await putWithLease(conn, '/cli/leased', 'x', l.id);
    const ls = capture();
    assert.equal(await runLeases(parseArgs([...ep()]), ls.io), 0);
    assert.match(
      ls.out(),
      new RegExp(`^found 1 leases\nlease ${l.id} granted with TTL\\(60s\\), remaining\\(\\d+s\\), attached keys\\(\\[/cli/leased\\]\\)\n$`),
    );
    const lj = capture();
    await runLeases(parseArgs(['-w', 'json', ...ep()]), lj.io);
    assert.deepEqual(JSON.parse(lj.out())[0].keys, ['/cli/leased']);
  });
});
