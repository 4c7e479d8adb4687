import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { executeAll, executeCommand, ExecResult, parseScript } from '../../src/core/script';
import { useEtcdConnection } from '../harness/useEtcd';

/** Revision numbers differ between two runs of a write; everything else must be byte-identical. */
function normalize(s: string): string {
  return s.replace(/"(revision|create_revision|mod_revision|(Prev)?(Revision|CreateRevision|ModRevision))"( ?: ?)\d+/g, '"$1"$4N');
}

describe('etcdctl scripts run like etcdctl (real etcd, real etcdctl)', () => {
  const t = useEtcdConnection('script');

  /** Real etcdctl with an argument array (no shell). */
  function etcdctl(...args: string[]): { stdout: string; stderr: string; status: number | null } {
    const r = spawnSync('etcdctl', ['--endpoints', t.etcd.endpoints.join(','), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ETCDCTL_API: '3' },
    });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  }

  async function run(line: string, c: EtcdConnection = t.conn): Promise<ExecResult> {
    const script = parseScript(line);
    assert.equal(script.commands.length, 1, line);
    return executeCommand(c, script.commands[0]);
  }

  /**
   * Runs the same command both ways (the script line is the etcdctl argv joined with spaces). For a
   * write, `reset` puts the keyspace back into the same state before each run.
   */
  async function same(args: string[], opts: { normalize?: boolean; reset?: () => Promise<void> } = {}): Promise<string> {
    await opts.reset?.();
    const ours = await run(args.map((a) => (/[\s"'\\]/.test(a) || a === '' ? `'${a}'` : a)).join(' '));
    await opts.reset?.();
    const theirs = etcdctl(...args);
    assert.equal(theirs.status, 0, `etcdctl ${args.join(' ')}: ${theirs.stderr}`);
    assert.equal(ours.ok, true, `script ${args.join(' ')}: ${ours.stderr}`);
    const n = opts.normalize ? normalize : (s: string) => s;
    assert.equal(n(ours.stdout), n(theirs.stdout), args.join(' '));
    return ours.stdout;
  }

  test('put, get, --prefix, --keys-only, --print-value-only, ranges, limits and sort: same text as etcdctl', async () => {
    assert.equal((await run('put /s/a 1')).stdout, 'OK\n');
    await same(['put', '/s/b', 'two words']);
    await same(['put', '/s/c/d', 'quote"d']);
    await same(['put', '/s/e', '']);
    await same(['get', '/s/a']);
    await same(['get', '/s/', '--prefix']);
    await same(['get', '/s/', '--prefix', '--keys-only']);
    await same(['get', '/s/b', '--print-value-only']);
    await same(['get', '/s/a', '/s/c']);
    await same(['get', '/s/', '--prefix', '--limit', '2', '--order', 'DESCEND', '--sort-by', 'VALUE']);
    await same(['get', '/s/b', '--from-key', '--keys-only']);
    await same(['get', '/nothing/here']);
    await same(['get', '/s/', '--prefix', '--hex']);
  });

  test('-w json and -w fields: same header (cluster_id, member_id, revision, raft_term), base64 keys and values', async () => {
    const out = await same(['get', '/s/', '--prefix', '-w', 'json']);
    const parsed = JSON.parse(out.replace(/:(\d{16,})/g, ':"$1"'));
    assert.deepEqual(Object.keys(parsed.header), ['cluster_id', 'member_id', 'revision', 'raft_term']);
    assert.equal(Buffer.from(parsed.kvs[0].key, 'base64').toString(), '/s/a');
    await same(['get', '/s/', '--prefix', '--keys-only', '-w', 'json']);
    await same(['get', '/s/a', '-w', 'fields']);
    await same(['get', '/s/', '--prefix', '--rev', '3', '-w', 'json']);
    await same(['get', '/nothing', '-w', 'json']);
    const reset = async () => {
      await t.raw.delete().key('/w/a');
      await t.raw.put('/w/a').value('before');
    };
    await same(['put', '/w/a', 'again', '--prev-kv', '-w', 'json'], { normalize: true, reset });
    await same(['put', '/w/a', 'again2', '--prev-kv'], { normalize: true, reset });
    await same(['put', '/w/a', 'v', '-w', 'fields', '--prev-kv'], { normalize: true, reset });
  });

  test('del with --prefix and --prev-kv, plain and json', async () => {
    const reset = async () => {
      await t.raw.delete().prefix('/d/');
      for (const k of ['/d/1', '/d/2', '/d/3/x']) await t.raw.put(k).value(`v${k}`);
    };
    await same(['del', '/d/', '--prefix', '--prev-kv', '-w', 'json'], { normalize: true, reset });
    assert.equal(await same(['del', '/d/', '--prefix'], { reset }), '3\n');
    await same(['del', '/d/1', '--prev-kv'], { reset });
    await same(['del', '/d/1', '/d/3', '-w', 'fields'], { normalize: true, reset });
    await same(['del', '/d/2', '/d/4', '--prev-kv', '-w', 'json'], { normalize: true, reset });
  });

  test('txn from a block: same SUCCESS/FAILURE output and effects as etcdctl txn on stdin', async () => {
    const reset = async () => {
      await t.raw.delete().prefix('/t/');
      await t.raw.put('/t/x').value('1');
    };
    const both = async (flags: string, block: string, script: string) => {
      await reset();
      const ours = await executeCommand(t.conn, parseScript(script).commands[0]);
      const after = await t.raw.getAll().prefix('/t/').strings();
      await reset();
      const theirs = spawnSync('etcdctl', ['--endpoints', t.etcd.endpoints.join(','), 'txn', ...flags.split(' ').filter(Boolean)], {
        input: block,
        encoding: 'utf8',
      });
      assert.equal(theirs.status, 0, theirs.stderr);
      assert.equal(normalize(ours.stdout), normalize(theirs.stdout));
      assert.deepEqual(await t.raw.getAll().prefix('/t/').strings(), after, 'same effects');
      return ours.stdout;
    };
    const ok = 'mod("/t/x") > "0"\n\nput /t/y "from txn"\nget /t/x\n\ndel /t/x\n\n';
    assert.equal(await both('', ok, `txn\n${ok}`), 'SUCCESS\n\nOK\n\n/t/x\n1\n');
    const failing = 'value("/t/x") = "no"\n\nput /t/y a\n\nput /t/z b\nget /t/z\n\n';
    assert.equal(await both('', failing, `txn <<'EOF'\n${failing}EOF`), 'FAILURE\n\nOK\n\n/t/z\nb\n');
    await both('-w json', failing, `txn -w json\n${failing}`);
    await both('-w fields', ok, `etcdctl txn -w fields <<EOF\n${ok}EOF`);
  });

  test('lease, member, endpoint, alarm and compaction print as etcdctl does', async () => {
    const grant = await run('lease grant 300');
    const id = /^lease ([0-9a-f]{16}) granted with TTL\(300s\)\n$/.exec(grant.stdout)?.[1];
    assert.ok(id, grant.stdout + grant.stderr);
    await run(`put /l/k v --lease=${id}`);
    assert.match(
      (await run(`lease timetolive ${id} --keys`)).stdout,
      new RegExp(`^lease ${id} granted with TTL\\(300s\\), remaining\\(\\d+s\\), attached keys\\(\\[/l/k\\]\\)\\n$`),
    );
    assert.equal(
      (await run(`lease timetolive ${id} --keys`)).stdout.replace(/remaining\(\d+s\)/, ''),
      etcdctl('lease', 'timetolive', id, '--keys').stdout.replace(/remaining\(\d+s\)/, ''),
    );
    assert.equal((await run('lease list')).stdout, etcdctl('lease', 'list').stdout);
    assert.equal(normalize((await run('lease list -w json')).stdout), normalize(etcdctl('lease', 'list', '-w', 'json').stdout));
    assert.match((await run(`lease keep-alive --once ${id}`)).stdout, new RegExp(`^lease ${id} keepalived with TTL\\(300\\)\\n$`));
    assert.equal((await run(`lease revoke ${id}`)).stdout, `lease ${id} revoked\n`);
    assert.equal((await run(`lease timetolive ${id}`)).stdout, `lease ${id} already expired\n`);

    for (const w of ['simple', 'json', 'table']) await same(['member', 'list', '-w', w]);
    const status = (await run('endpoint status')).stdout;
    assert.equal(status.split(', ').length, etcdctl('endpoint', 'status').stdout.split(', ').length);
    assert.equal(status.split(', ').slice(0, 6).join(), etcdctl('endpoint', 'status').stdout.split(', ').slice(0, 6).join());
    // etcdctl 3.4 writes a healthy endpoint to stderr, later releases to stdout: the same streams as this release's.
    const health = await run('endpoint health');
    const theirHealth = etcdctl('endpoint', 'health');
    const healthy = /^http:\/\/127\.0\.0\.1:\d+ is healthy: successfully committed proposal: took = [\d.]+(ms|µs|s)\n$/;
    assert.match(theirHealth.stdout ? health.stdout : health.stderr, healthy);
    assert.equal(health.stdout === '', theirHealth.stdout === '', 'healthy endpoints on the same stream as etcdctl');
    // The same table as this release's etcdctl (ASCII up to 3.6, box-drawing from 3.7), up to the measured time.
    const shape = (t: string) =>
      t
        .replace(/[\d.]+(ms|µs|s)\b/g, 'T')
        .replace(/ +/g, ' ')
        .replace(/([-─])\1+/g, '$1');
    assert.equal(shape((await run('endpoint health -w table')).stdout), shape(etcdctl('endpoint', 'health', '-w', 'table').stdout));
    assert.match((await run('endpoint health -w table')).stdout, /ENDPOINT +[|│] HEALTH [|│] +TOOK +[|│] ERROR/);
    for (const w of ['simple', 'json', 'table']) await same(['endpoint', 'hashkv', '-w', w], { normalize: true });
    for (const w of ['simple', 'json', 'table']) await same(['endpoint', 'status', '-w', w], { normalize: true });
    assert.equal((await run('alarm list')).stdout, etcdctl('alarm', 'list').stdout);
    const rev = (await t.conn.status()).revision;
    assert.equal((await run(`compaction ${rev - 1}`)).stdout, `compacted revision ${rev - 1}\n`);
  });

  test('read-only connections refuse writes before sending; reads still work', async () => {
    const ro = await EtcdConnection.open({ name: 'ro', endpoints: t.etcd.endpoints, readOnly: true });
    try {
      const r = await run('put /ro/k v', ro);
      assert.equal(r.ok, false);
      assert.match(r.stderr, /^Error: Connection "ro" is read-only: put is not allowed/);
      assert.equal(await t.raw.get('/ro/k').string(), null);
      assert.match((await run('txn\n\n\nput /ro/k v\n\n', ro)).stderr, /read-only/);
      assert.equal((await run('get /s/a --print-value-only', ro)).ok, true);
    } finally {
      ro.close();
    }
  });

  test('watch is bounded in scripts: --rev replays what etcdctl watch prints, then it stops after --max-events or --max-time', async () => {
    const first = Number((await t.raw.put('/w/a').value('1').exec()).header.revision);
    await t.raw.put('/w/b').value('two words').exec();
    await t.raw.delete().key('/w/a').exec();
    await t.raw.put('/w/c').value('3').exec();
    // etcdctl streams forever: read what it printed for the replayed history, then stop it by PID.
    const child = spawn('etcdctl', ['--endpoints', t.etcd.endpoints.join(','), 'watch', '--prefix', '/w/', '--rev', String(first)], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });
    let theirs = '';
    child.stdout.on('data', (d: Buffer) => (theirs += d.toString()));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill();
    assert.equal(theirs, 'PUT\n/w/a\n1\nPUT\n/w/b\ntwo words\nDELETE\n/w/a\n\nPUT\n/w/c\n3\n');

    const all = await run(`watch --prefix /w/ --rev ${first} --max-events 4`);
    assert.equal(all.ok, true, all.stderr);
    assert.equal(all.stdout, theirs);
    assert.equal(all.stderr, 'watch stopped after 4 event(s) (--max-events 4).\n');
    const two = await run(`watch --prefix /w/ --rev ${first} --max-events 2`);
    assert.equal(two.stdout, 'PUT\n/w/a\n1\nPUT\n/w/b\ntwo words\n');
    const json = await run(`watch /w/c --rev ${first} --max-events 1 -w json`);
    assert.deepEqual(
      JSON.parse(json.stdout).Events.map((e: { kv: { key: string } }) => Buffer.from(e.kv.key, 'base64').toString()),
      ['/w/c'],
    );

    const started = Date.now();
    const quiet = await run('watch /w/none --max-time 300ms');
    assert.deepEqual([quiet.ok, quiet.stdout, quiet.stderr], [true, '', 'watch stopped after 0 event(s) (--max-time 300ms).\n']);
    assert.ok(Date.now() - started >= 300);
    assert.match((await run('watch /w/ --max-events 0')).stderr, /--max-events must be a whole number of at least 1/);
  });

  test('unsupported and invalid commands return at once with a clear message; a script stops at the first failure', async () => {
    const started = Date.now();
    const m = await run('make-mirror http://127.0.0.1:1');
    assert.equal(m.skipped, true);
    assert.match(m.stderr, /^Not run: `make-mirror` is not supported in scripts/);
    assert.match((await run('snapshot save /tmp/x.db')).stderr, /etcd-studio snapshot save/);
    assert.ok(Date.now() - started < 1000);
    const bad = await run('get /a --prefix --from-key');
    assert.match(bad.stderr, /not run, the command has errors:\nline 1: `--prefix` and `--from-key` cannot be set at the same time/);
    const script = parseScript('put /seq/1 a\nget /nope/k --rev 999999\nput /seq/2 b');
    const seen: string[] = [];
    const r = await executeAll(t.conn, script.commands, { onResult: (_c, res) => seen.push(res.ok ? 'ok' : res.stderr) });
    assert.deepEqual(r, { ran: 2, ok: false });
    assert.match(seen[1], /^Error: .*(future revision|revision)/i);
    assert.equal(await t.raw.get('/seq/2').string(), null, 'nothing after the failure ran');
  });
});
