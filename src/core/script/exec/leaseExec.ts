/** `lease grant|revoke|timetolive|list|keep-alive --once`, printed as etcdctl prints them. */
import type { EtcdConnection } from '../../etcd/connection';
import { EtcdStudioError } from '../../errors';
import { hex016 } from '../../output';
import { printerOf } from '../printerOf';
import { flagBool, ScriptCommand } from '../types';
import { leaseDecimal } from './kvExec';

export async function runLease(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const sub = cmd.commandWords[1].value;
  const id = leaseDecimal(cmd.args[0]?.value ?? '0');
  const print = printerOf(conn, cmd);
  switch (sub) {
    case 'grant':
      return print.grant(await conn.write('lease grant', { op: 'leaseGrant', ttl: Number(cmd.args[0].value) }));
    case 'revoke':
      return print.revoke(id, await conn.write('lease revoke', { op: 'leaseRevoke', id }));
    case 'timetolive': {
      const keys = flagBool(cmd, 'keys');
      return print.timeToLive(await conn.leaseTimeToLive(id, keys), keys);
    }
    case 'list':
      return print.leases(await conn.leases());
    default: {
      const r = await conn.write('lease keep-alive', { op: 'leaseKeepAlive', id });
      if (Number(r.TTL) <= 0) throw new EtcdStudioError('NotFound', `lease ${hex016(id)} expired or revoked.`);
      return print.keepAlive(r);
    }
  }
}
