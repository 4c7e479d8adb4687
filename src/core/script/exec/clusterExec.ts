/**
 * member, endpoint, alarm, defrag and move-leader, printed as etcdctl prints them. The checks reuse
 * core/etcd (one short-lived client per endpoint, so a dead member never hides the others).
 */
import type { EndpointStatus, EtcdConnection } from '../../etcd/connection';
import { endpointHealth, endpointStatus } from '../../etcd/endpoints';
import { defragment, disarmAlarms, hashKv, moveLeader, promoteMember, removeMember } from '../../etcd/maintenance';
import { listMembers } from '../../etcd/members';
import { EtcdStudioError, errorMessage } from '../../errors';
import { etcdctlTable, goDuration, goHumanBytes, hex16 } from '../output/etcdctlTable';
import { GoObject, goJson, num } from '../output/goJson';
import { headerJson } from '../output/kvPrinter';
import { flagBool, flagValue, ScriptCommand, writeOut } from '../types';

/** A command that printed something and then failed (etcdctl: partial stdout, then "Error: …"). */
export class PartialFailure extends EtcdStudioError {
  constructor(
    readonly stdout: string,
    readonly stderr: string,
    message: string,
  ) {
    super('Internal', message);
  }
}

const dec = (hex: string) => BigInt(`0x${hex}`).toString(10);

/** The endpoints etcdctl would use: the connection's, or every member's client URL with --cluster. */
async function endpointsOf(conn: EtcdConnection, cmd: ScriptCommand): Promise<string[]> {
  if (!flagBool(cmd, 'cluster')) return conn.profile.endpoints;
  return (await listMembers(conn)).flatMap((m) => m.clientUrls);
}

function render(cmd: ScriptCommand, header: string[], rows: string[][], json: () => string): string {
  const format = writeOut(cmd);
  if (format === 'json') return json() + '\n';
  if (format === 'table') return etcdctlTable(header, rows);
  return rows.map((r) => r.join(', ') + '\n').join('');
}

async function memberList(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const r = await conn.members();
  const rows = r.members.map((m) => [
    BigInt(m.ID).toString(16),
    m.name ? 'started' : 'unstarted',
    m.name,
    (m.peerURLs ?? []).join(','),
    (m.clientURLs ?? []).join(','),
    String(Boolean(m.isLearner)),
  ]);
  return render(cmd, ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'], rows, () =>
    goJson(
      new GoObject().opt('header', headerJson(r.header)).opt(
        'members',
        r.members.map((m) =>
          new GoObject()
            .opt('ID', num(m.ID))
            .opt('name', m.name)
            .opt('peerURLs', m.peerURLs ?? [])
            .opt('clientURLs', m.clientURLs ?? [])
            .opt('isLearner', Boolean(m.isLearner)),
        ),
      ),
    ),
  );
}

async function memberChange(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const sub = cmd.commandWords[1].value;
  const cluster = (await conn.status()).clusterId;
  if (sub === 'add') {
    const peerUrls = flagValue(cmd, 'peer-urls')!;
    const urls = peerUrls.split(',');
    const r = await conn.write('member add', { op: 'memberAdd', peerUrls: urls, learner: flagBool(cmd, 'learner') });
    const line = `Member ${hex16(r.member.ID)} added to cluster ${hex16(dec(cluster))}\n`;
    if (writeOut(cmd) === 'json') return goJson(new GoObject().opt('header', headerJson(r.header))) + '\n';
    const name = cmd.args[0].value;
    const conf = r.members.flatMap((m) => (m.peerURLs ?? []).map((u) => `${m.ID === r.member.ID ? name : m.name}=${u}`));
    return (
      `${line}\nETCD_NAME=${JSON.stringify(name)}\nETCD_INITIAL_CLUSTER=${JSON.stringify(conf.join(','))}\n` +
      `ETCD_INITIAL_ADVERTISE_PEER_URLS=${JSON.stringify(peerUrls)}\nETCD_INITIAL_CLUSTER_STATE="existing"\n`
    );
  }
  const id = cmd.args[0].value.toLowerCase();
  if (sub === 'remove') await removeMember(conn, id);
  else await promoteMember(conn, id);
  return `Member ${hex16(dec(id))} ${sub === 'remove' ? 'removed from' : 'promoted in'} cluster ${hex16(dec(cluster))}\n`;
}

async function health(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const rows = await Promise.all((await endpointsOf(conn, cmd)).map((e) => endpointHealth(conn.profile, e, conn.connectOptions)));
  const took = (ms: number) => goDuration(BigInt(Math.round(ms * 1e6)));
  const format = writeOut(cmd);
  const out =
    format === 'simple'
      ? rows
          .filter((h) => h.health)
          .map((h) => `${h.endpoint} is healthy: successfully committed proposal: took = ${took(h.tookMs)}\n`)
          .join('')
      : render(
          cmd,
          ['endpoint', 'health', 'took', 'error'],
          rows.map((h) => [h.endpoint, String(h.health), took(h.tookMs), h.error ?? '']),
          () =>
            goJson(
              rows.map((h) =>
                new GoObject().set('endpoint', h.endpoint).set('health', h.health).set('took', took(h.tookMs)).opt('error', h.error),
              ),
            ),
        );
  const bad = rows.filter((h) => !h.health);
  if (bad.length) {
    const stderr =
      format === 'simple' ? bad.map((h) => `${h.endpoint} is unhealthy: failed to commit proposal: ${h.error}\n`).join('') : '';
    throw new PartialFailure(out, stderr, 'unhealthy cluster');
  }
  return out;
}

function statusJson(s: EndpointStatus): GoObject {
  const header = new GoObject()
    .opt('cluster_id', num(dec(s.clusterId)))
    .opt('member_id', num(dec(s.memberId)))
    .opt('revision', num(s.revision))
    .opt('raft_term', num(s.raftTerm));
  return new GoObject().set('Endpoint', s.endpoint).set(
    'Status',
    new GoObject()
      .set('header', header)
      .opt('version', s.version)
      .opt('dbSize', num(s.dbSize))
      .opt('leader', num(dec(s.leader)))
      .opt('raftIndex', num(s.raftIndex))
      .opt('raftTerm', num(s.raftTerm))
      .opt('raftAppliedIndex', num(s.raftAppliedIndex))
      .opt('errors', s.errors)
      .opt('dbSizeInUse', num(s.dbSizeInUse))
      .opt('isLearner', s.isLearner),
  );
}

async function status(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const results = await Promise.all((await endpointsOf(conn, cmd)).map((e) => endpointStatus(conn.profile, e, conn.connectOptions)));
  const ok = results.filter((r): r is EndpointStatus => 'memberId' in r);
  const rows = ok.map((s) => [
    s.endpoint,
    s.memberId,
    s.version,
    goHumanBytes(s.dbSize),
    String(s.memberId === s.leader),
    String(s.isLearner),
    String(s.raftTerm),
    String(s.raftIndex),
    String(s.raftAppliedIndex),
    s.errors.join(', '),
  ]);
  const out = render(
    cmd,
    ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'],
    rows,
    () => goJson(ok.map(statusJson)),
  );
  const failed = results.filter((r) => !('memberId' in r)) as { endpoint: string; error: string }[];
  if (failed.length)
    throw new PartialFailure(
      out,
      failed.map((f) => `Failed to get the status of endpoint ${f.endpoint} (${f.error})\n`).join(''),
      'failed to get the status of some endpoints',
    );
  return out;
}

async function hashes(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const rev = Number(flagValue(cmd, 'rev') ?? 0);
  const rows = await Promise.all((await endpointsOf(conn, cmd)).map((e) => hashKv(conn, e, rev)));
  return render(
    cmd,
    ['endpoint', 'hash'],
    rows.map((h) => [h.endpoint, String(h.hash)]),
    () =>
      goJson(
        rows.map((h) =>
          new GoObject()
            .set('Endpoint', h.endpoint)
            .set('HashKV', new GoObject().opt('hash', num(h.hash)).opt('compact_revision', num(h.compactRevision))),
        ),
      ),
  );
}

const ALARMS: Record<string, { name: string; code: number }> = {
  Nospace: { name: 'NOSPACE', code: 1 },
  Corrupt: { name: 'CORRUPT', code: 2 },
  NOSPACE: { name: 'NOSPACE', code: 1 },
  CORRUPT: { name: 'CORRUPT', code: 2 },
};

function printAlarms(cmd: ScriptCommand, alarms: { memberID: string; alarm: string }[], header?: GoObject): string {
  if (writeOut(cmd) === 'json') {
    return (
      goJson(
        new GoObject().opt('header', header).opt(
          'alarms',
          alarms.map((a) => new GoObject().opt('memberID', num(a.memberID)).opt('alarm', num(ALARMS[a.alarm]?.code ?? 0))),
        ),
      ) + '\n'
    );
  }
  // Go prints the protobuf message's text form: `memberID:… alarm:NOSPACE ` (with the trailing space).
  return alarms.map((a) => `memberID:${a.memberID} alarm:${ALARMS[a.alarm]?.name ?? a.alarm} \n`).join('');
}

async function alarms(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  if (cmd.commandWords[1].value === 'disarm') {
    const cleared = await disarmAlarms(conn);
    return printAlarms(
      cmd,
      cleared.map((a) => ({ memberID: dec(a.memberId), alarm: a.alarm })),
    );
  }
  const r = await conn.alarms();
  return printAlarms(
    cmd,
    r.alarms.map((a) => ({ memberID: String(a.memberID), alarm: String(a.alarm) })),
    headerJson(r.header),
  );
}

async function defrag(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  conn.assertWritable('defrag');
  let out = '';
  let err = '';
  for (const ep of await endpointsOf(conn, cmd)) {
    try {
      await defragment(conn, ep);
      out += `Finished defragmenting etcd member[${ep}]\n`;
    } catch (e) {
      err += `Failed to defragment etcd member[${ep}] (${errorMessage(e)})\n`;
    }
  }
  if (err) throw new PartialFailure(out, err, 'defragmenting failed on some members');
  return out;
}

async function leader(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const before = (await conn.status()).leader;
  const target = cmd.args[0].value.toLowerCase().replace(/^0+(?=.)/, '');
  await moveLeader(conn, target);
  return `Leadership transferred from ${before} to ${target}\n`;
}

export async function runCluster(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  switch (cmd.spec!.name) {
    case 'member list':
      return memberList(conn, cmd);
    case 'member add':
    case 'member remove':
    case 'member promote':
      return memberChange(conn, cmd);
    case 'endpoint health':
      return health(conn, cmd);
    case 'endpoint status':
      return status(conn, cmd);
    case 'endpoint hashkv':
      return hashes(conn, cmd);
    case 'alarm list':
    case 'alarm disarm':
      return alarms(conn, cmd);
    case 'defrag':
      return defrag(conn, cmd);
    case 'move-leader':
      return leader(conn, cmd);
    default:
      throw new EtcdStudioError('InvalidArgument', `${cmd.spec!.name} is not run in scripts.`);
  }
}
