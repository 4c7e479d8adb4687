/**
 * member, endpoint, alarm, defrag and move-leader: fetched through core/etcd (one short-lived client
 * per endpoint, so a dead member never hides the others) and printed by core/output as etcdctl prints.
 */
import type { EndpointStatus, EtcdConnection } from '../../etcd/connection';
import { endpointHealth, endpointStatus } from '../../etcd/endpoints';
import { defragment, disarmAlarms, hashKv, moveLeader, promoteMember, removeMember } from '../../etcd/maintenance';
import { listMembers } from '../../etcd/members';
import { EtcdStudioError, errorMessage } from '../../errors';
import { defragFailed, defragFinished, failedStatus, memberAddEnv, Printed } from '../../output';
import { printerOf } from '../printerOf';
import { flagBool, flagValue, ScriptCommand } from '../types';

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

async function member(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const print = printerOf(conn, cmd);
  const sub = cmd.commandWords[1].value;
  if (sub === 'list') return print.memberList(await conn.members());
  if (sub === 'add') {
    const peerUrls = flagValue(cmd, 'peer-urls')!;
    const r = await conn.write('member add', { op: 'memberAdd', peerUrls: peerUrls.split(','), learner: flagBool(cmd, 'learner') });
    if (print.format !== 'simple') return print.memberAdd(r);
    const name = cmd.args[0].value;
    const conf = r.members.flatMap((m) => (m.peerURLs ?? []).map((u) => `${m.ID === r.member.ID ? name : m.name}=${u}`));
    return print.memberAdd(r) + memberAddEnv(name, conf, peerUrls);
  }
  const id = cmd.args[0].value.toLowerCase();
  if (sub === 'remove') return print.memberRemove(dec(id), await removeMember(conn, id));
  return print.memberPromote(dec(id), await promoteMember(conn, id));
}

async function health(conn: EtcdConnection, cmd: ScriptCommand): Promise<Printed> {
  const rows = await Promise.all((await endpointsOf(conn, cmd)).map((e) => endpointHealth(conn.profile, e, conn.connectOptions)));
  const out = printerOf(conn, cmd).endpointHealth(rows);
  if (rows.some((h) => !h.health)) throw new PartialFailure(out.stdout, out.stderr, 'unhealthy cluster');
  return out;
}

async function status(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const results = await Promise.all((await endpointsOf(conn, cmd)).map((e) => endpointStatus(conn.profile, e, conn.connectOptions)));
  const out = printerOf(conn, cmd).endpointStatus(results.filter((r): r is EndpointStatus => 'memberId' in r));
  const failed = results.filter((r) => !('memberId' in r)) as { endpoint: string; error: string }[];
  if (failed.length)
    throw new PartialFailure(
      out,
      failed.map((f) => failedStatus(f.endpoint, f.error)).join(''),
      'failed to get the status of some endpoints',
    );
  return out;
}

async function hashes(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const rev = Number(flagValue(cmd, 'rev') ?? 0);
  return printerOf(conn, cmd).endpointHashKv(await Promise.all((await endpointsOf(conn, cmd)).map((e) => hashKv(conn, e, rev))));
}

async function alarms(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const print = printerOf(conn, cmd);
  if (cmd.commandWords[1].value === 'disarm') {
    const cleared = await disarmAlarms(conn);
    return print.alarm({ alarms: cleared.map((a) => ({ memberID: dec(a.memberId), alarm: a.alarm })) });
  }
  return print.alarm(await conn.alarms());
}

async function defrag(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  conn.assertWritable('defrag');
  const style = printerOf(conn, cmd).style;
  let out = '';
  let err = '';
  for (const ep of await endpointsOf(conn, cmd)) {
    const started = process.hrtime.bigint();
    try {
      const r = await defragment(conn, ep);
      out += defragFinished(ep, r.tookMs, style);
    } catch (e) {
      err += defragFailed(ep, Number(process.hrtime.bigint() - started) / 1e6, errorMessage(e), style);
    }
  }
  if (err) throw new PartialFailure(out, err, 'defragmenting failed on some members');
  return out;
}

async function leader(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const target = cmd.args[0].value.toLowerCase().replace(/^0+(?=.)/, '');
  const r = await moveLeader(conn, target);
  return printerOf(conn, cmd).moveLeader(r.from, target);
}

/** What the command printed: text for stdout, or both streams where etcdctl writes to stderr too. */
export async function runCluster(conn: EtcdConnection, cmd: ScriptCommand): Promise<string | Printed> {
  switch (cmd.spec!.name) {
    case 'member list':
    case 'member add':
    case 'member remove':
    case 'member promote':
      return member(conn, cmd);
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
