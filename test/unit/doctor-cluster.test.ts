/**
 * The doctor on a real 3-member cluster made to show each raft and disk problem: a leader paused
 * (SIGSTOP) while clients write, a leader and a follower whose disks are made slow (strace delays
 * their fdatasync calls), and a member that is killed. Windows are real seconds of a running cluster.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DoctorReport, Finding, resolveThresholds, runDoctor } from '../../src/core/doctor';
import { moveLeader } from '../../src/core/etcd/maintenance';
import { runCli as cli } from '../harness/cli';
import { rawClient } from '../harness/rawClient';
import { slowDisk } from '../harness/slowDisk';
import { useEtcdConnection } from '../harness/useEtcd';

const ids = (r: DoctorReport) => r.findings.map((f) => `${f.severity}:${f.id}:${f.member ?? 'cluster'}`).sort();
const find = (r: DoctorReport, id: string, member?: string, context = ''): Finding => {
  const f = r.findings.find((x) => x.id === id && (member === undefined || x.member === member));
  assert.ok(f, `a ${id} finding${member ? ` for ${member}` : ''} in ${JSON.stringify(ids(r))} ${context}`);
  return f;
};
const RELAXED_DISK = { walFsyncWarnMs: 5000, walFsyncErrorMs: 5000, backendCommitWarnMs: 5000, backendCommitErrorMs: 5000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Clients writing through one endpoint until stopped (errors while the cluster has no leader are expected). */
function writers(endpoint: string, count: number): { stop(): Promise<number> } {
  let running = true;
  let done = 0;
  const raw = rawClient({ endpoints: [endpoint] });
  const loops = Array.from({ length: count }, async (_, w) => {
    for (let i = 0; running; i++) {
      await raw
        .put(`/load/${w}/${i % 50}`)
        .value('x'.repeat(200))
        .then(() => done++)
        .catch(() => undefined);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      raw.close();
      return done;
    },
  };
}

describe('doctor: raft and disks on a real 3-member cluster', () => {
  const t = useEtcdConnection('doctor-cluster', { members: 3 });

  async function leader(): Promise<{ index: number; id: string; name: string }> {
    const id = BigInt((await t.raw.maintenance.status()).leader).toString(16);
    const name = (await t.raw.cluster.memberList({})).members.find((m) => BigInt(m.ID).toString(16) === id)!.name;
    return { index: t.etcd.members.findIndex((m) => m.name === name), id, name };
  }

  test('a healthy cluster: nothing to report, the members within a few raft entries of each other', async () => {
    // Three members bootstrapping at once on the shared test disk can fsync slowly; disks are tested below.
    const r = await runDoctor(t.conn, { windowMs: 1000, thresholds: resolveThresholds(RELAXED_DISK) });
    assert.deepEqual(ids(r), []);
    assert.match(r.passed.find((p) => p.id === 'member-unreachable')!.detail, /^all 3 members answer$/);
    assert.match(r.passed.find((p) => p.id === 'raft-index-lag')!.detail, /^members within \d+ entr(y|ies) of each other$/);
  });

  test('both followers paused for 8.5 s while clients write to the leader: a leader change and failed proposals in the window', async () => {
    const lead = await leader();
    const followers = t.etcd.members.filter((_, i) => i !== lead.index).map((m) => m.process.pid!);
    const doctor = runDoctor(t.conn, { windowMs: 11_000 });
    await sleep(300);
    const load = writers(t.etcd.members[lead.index].clientUrl, 8);
    await sleep(300);
    for (const pid of followers) process.kill(pid, 'SIGSTOP');
    // Without a quorum the leader steps down (CheckQuorum); what it had proposed times out after 7 s.
    await sleep(8500);
    for (const pid of followers) process.kill(pid, 'SIGCONT');
    const r = await doctor;
    await load.stop();
    const changes = find(r, 'leader-changes');
    assert.equal(changes.member, null);
    assert.match(
      changes.message,
      /^The leader changed \d+ times? in the last \d+ s \(etcd_server_leader_changes_seen_total\); the leader is now m\d\.$/,
    );
    const failed = find(r, 'proposals-failed', lead.name);
    assert.equal(failed.severity, 'warning');
    assert.match(failed.message, new RegExp(`^[\\d,]+ proposals? failed on ${lead.name} in the last \\d+ s \\(warning at 1\\)\\.$`));
  });

  test('a leader on a slow disk: WAL fsync and backend commit errors for it, pending proposals, and a fix that moves the leader away', async () => {
    const lead = await leader();
    // Followers on the shared test machine can fsync in tens of ms under this load; the leader's disk waits 250 ms.
    const thresholds = resolveThresholds({ walFsyncWarnMs: 120, walFsyncErrorMs: 120 });
    const disk = await slowDisk(t.etcd.members[lead.index].process.pid!, 250);
    const load = writers(t.etcd.members[lead.index].clientUrl, 20);
    let r: DoctorReport;
    let pending: Finding | undefined;
    try {
      r = await runDoctor(t.conn, { windowMs: 3000, thresholds });
      // Proposals wait in batches behind each slow fsync: look a few times, as a user refreshing would.
      pending = r.findings.find((f) => f.id === 'proposals-pending');
      for (let i = 0; i < 20 && !pending; i++) {
        pending = (await runDoctor(t.conn, { windowMs: 0, thresholds })).findings.find((f) => f.id === 'proposals-pending');
      }
    } finally {
      await load.stop();
      await disk.stop();
    }
    const fsync = find(r, 'wal-fsync-slow', lead.name);
    assert.equal(fsync.severity, 'error');
    assert.ok(fsync.measured! >= 120, `p99 ${fsync.measured} ms`);
    assert.match(
      fsync.message,
      new RegExp(
        `^WAL fsync (p99|median) on ${lead.name} is [\\d.]+ ms over [\\d,]+ operations in the last \\d+ s \\((too few for a p99; )?error above 120 ms\\)\\.$`,
      ),
    );
    assert.equal(find(r, 'backend-commit-slow', lead.name).severity, 'error');
    assert.ok(pending, 'proposals were seen pending');
    assert.equal(pending.member, lead.name);
    assert.ok(pending.measured! >= 5, `${pending.measured} pending`);
    // Leadership should go to a member whose disk is fine.
    const [fix] = fsync.fixes;
    assert.equal(fix?.kind, 'moveLeader', JSON.stringify(ids(r)));
    if (fix?.kind !== 'moveLeader') return;
    assert.notEqual(fix.targetId, lead.id);
    assert.ok(!r.findings.some((f) => f.id === 'wal-fsync-slow' && f.memberId === fix.targetId), JSON.stringify(ids(r)));
    await moveLeader(t.conn, fix.targetId);
    const leaderNow = async () => BigInt((await t.raw.maintenance.status()).leader).toString(16);
    let now = await leaderNow();
    for (let i = 0; i < 30 && now !== fix.targetId; i++) {
      await sleep(100);
      now = await leaderNow();
    }
    assert.equal(now, fix.targetId);
  });

  test('a follower on a very slow disk falls behind: raft index lag for that member, further behind than any other', async () => {
    const lead = await leader();
    const slow = t.etcd.members.find((_, i) => i !== lead.index)!;
    const disk = await slowDisk(slow.process.pid!, 800);
    const load = writers(t.etcd.members[lead.index].clientUrl, 30);
    // the error level out of reach: how far a slowed follower falls behind depends on the machine's load
    const thresholds = resolveThresholds({ raftIndexLagWarn: 30, raftIndexLagError: 1e9, ...RELAXED_DISK });
    const seen: DoctorReport[] = [];
    try {
      // Its index moves in jumps, one per slow fsync: look a few times, as a user refreshing would.
      for (let i = 0; i < 20 && !seen.some((r) => r.findings.some((f) => f.id === 'raft-index-lag' && f.member === slow.name)); i++) {
        seen.push(await runDoctor(t.conn, { windowMs: 0, thresholds }));
      }
    } finally {
      await load.stop();
      await disk.stop();
    }
    const lagging = seen.flatMap((r) => r.findings.filter((f) => f.id === 'raft-index-lag'));
    assert.ok(lagging.length, `lag seen in ${seen.length} samples: ${JSON.stringify(seen.map(ids))}`);
    // On a busy machine a healthy follower can trail the leader by a few dozen entries for a moment too; the
    // slow one is flagged and is always the furthest behind.
    const worst = new Map<string, number>();
    for (const f of lagging) worst.set(f.member!, Math.max(worst.get(f.member!) ?? 0, f.measured!));
    assert.ok(worst.has(slow.name), `${slow.name} flagged: ${JSON.stringify([...worst])}`);
    for (const [member, most] of worst)
      if (member !== slow.name)
        assert.ok(most < worst.get(slow.name)!, `${member} ${most} entries behind vs ${slow.name} ${worst.get(slow.name)}`);
    const lag = lagging.find((f) => f.member === slow.name)!;
    assert.equal(lag.severity, 'warning');
    assert.ok(lag.measured! >= 30, `${lag.measured} entries`);
    assert.match(
      lag.message,
      new RegExp(`^${slow.name} (is [\\d,]+ raft entries behind the cluster|has applied [\\d,]+ entries fewer than it committed)`),
    );
  });

  test('a killed member is an error that counts what quorum has left; etcd-studio doctor exits 1 and prints it in JSON', async () => {
    const lead = await leader();
    const victim = t.etcd.members.findIndex((_, i) => i !== lead.index);
    await t.etcd.kill(victim);
    const r = await cli(['doctor', '--endpoints', t.etcd.endpoints.join(','), '--dial-timeout', '1s', '--window', '0', '-w', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as Finding[];
    const down = findings.find((f) => f.id === 'member-unreachable');
    assert.ok(down, r.stdout);
    assert.equal(down.severity, 'error');
    assert.equal(down.member, t.etcd.members[victim].name);
    assert.match(
      down.message,
      /does not answer: .* 2 members of 3 answer; the cluster needs 2 for quorum and now tolerates 0 more failures\.$/,
    );
    for (const f of findings) for (const k of ['id', 'severity', 'member', 'message']) assert.ok(k in f, `${k} in ${JSON.stringify(f)}`);
  });

  test('a second member killed: the survivor has no leader and fails its health check, quorum is LOST, exit 1', async () => {
    const alive = t.etcd.members.map((m, i) => ({ m, i })).filter(({ m }) => m.process.exitCode === null && m.process.signalCode === null);
    assert.equal(alive.length, 2, 'the previous test left two members running');
    await t.etcd.kill(alive[0].i);
    const survivor = alive[1].m;
    // Without a quorum the survivor loses its leader within an election timeout (CheckQuorum or a pre-vote campaign).
    const raw = rawClient({ endpoints: [survivor.clientUrl] });
    try {
      for (let i = 0; i < 100 && String((await raw.maintenance.status()).leader) !== '0'; i++) await sleep(200);
    } finally {
      raw.close();
    }
    const r = await cli([
      'doctor',
      '--endpoints',
      survivor.clientUrl,
      '--dial-timeout',
      '1s',
      '--command-timeout',
      '3s',
      '--window',
      '0',
      '-w',
      'json',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as Finding[];
    const on = (id: string) => findings.filter((f) => f.id === id).map((f) => `${f.severity}:${f.member}`);
    assert.deepEqual(on('no-leader'), [`error:${survivor.name}`], r.stdout);
    assert.match(
      findings.find((f) => f.id === 'no-leader')!.message,
      new RegExp(`^${survivor.name} has no leader: it cannot serve writes`),
    );
    assert.deepEqual(on('member-unhealthy'), [`error:${survivor.name}`], r.stdout);
    assert.equal(on('member-unreachable').length, 2, r.stdout);
    for (const f of findings.filter((x) => x.id === 'member-unreachable'))
      assert.match(
        f.message,
        /1 member of 3 answer; the cluster needs 2 for quorum and has LOST it: writes and linearizable reads fail\.$/,
      );
  });
});
