/** `lease grant|revoke|timetolive|list|keep-alive --once`, printed as etcdctl prints them. */
import type { IResponseHeader } from '../../etcd/etcd3Adapter';
import type { EtcdConnection } from '../../etcd/connection';
import { EtcdStudioError } from '../../errors';
import { hex016 } from '../output/etcdctlTable';
import { GoObject, goJson, num } from '../output/goJson';
import { headerJson } from '../output/kvPrinter';
import { flagBool, ScriptCommand, writeOut } from '../types';
import { leaseDecimal } from './kvExec';

/** clientv3 embeds the header in lease responses, so `-w json` prints its fields at the top level. */
function flatHeader(h: IResponseHeader | undefined): GoObject {
  const o = new GoObject();
  for (const [k, v] of headerJson(h).entries) o.set(k, v);
  return o;
}

const json = (cmd: ScriptCommand) => writeOut(cmd) === 'json';

export async function runLease(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const sub = cmd.commandWords[1].value;
  const idHex = cmd.args[0]?.value ?? '0';
  const id = leaseDecimal(idHex);
  switch (sub) {
    case 'grant': {
      const r = await conn.write('lease grant', { op: 'leaseGrant', ttl: Number(cmd.args[0].value) });
      if (json(cmd))
        return (
          goJson(
            flatHeader(r.header)
              .set('ID', num(r.ID))
              .set('TTL', num(r.TTL))
              .set('Error', r.error ?? ''),
          ) + '\n'
        );
      return `lease ${hex016(r.ID)} granted with TTL(${r.TTL}s)\n`;
    }
    case 'revoke': {
      const r = await conn.write('lease revoke', { op: 'leaseRevoke', id });
      if (json(cmd)) return goJson(new GoObject().opt('header', headerJson(r.header))) + '\n';
      return `lease ${hex016(id)} revoked\n`;
    }
    case 'timetolive': {
      const keys = flagBool(cmd, 'keys');
      const r = await conn.leaseTimeToLive(id, keys);
      const attached = r.keys ?? [];
      if (json(cmd)) {
        return (
          goJson(
            flatHeader(r.header)
              .set('id', num(r.ID))
              .set('ttl', num(r.TTL))
              .set('granted-ttl', num(r.grantedTTL))
              .set('keys', attached.length ? attached : null),
          ) + '\n'
        );
      }
      if (Number(r.grantedTTL) === 0 && Number(r.TTL) === -1) return `lease ${hex016(id)} already expired\n`;
      const tail = keys ? `, attached keys([${attached.map((k) => k.toString('utf8')).join(' ')}])` : '';
      return `lease ${hex016(r.ID)} granted with TTL(${r.grantedTTL}s), remaining(${r.TTL}s)${tail}\n`;
    }
    case 'list': {
      const r = await conn.leases();
      if (json(cmd))
        return (
          goJson(
            flatHeader(r.header).set(
              'leases',
              r.leases.map((l) => new GoObject().set('id', num(l.ID))),
            ),
          ) + '\n'
        );
      return `found ${r.leases.length} leases\n` + r.leases.map((l) => `${hex016(l.ID)}\n`).join('');
    }
    default: {
      const r = await conn.write('lease keep-alive', { op: 'leaseKeepAlive', id });
      if (Number(r.TTL) <= 0) throw new EtcdStudioError('NotFound', `lease ${hex016(id)} expired or revoked.`);
      if (json(cmd)) return goJson(flatHeader(r.header).set('id', num(r.ID)).set('ttl', num(r.TTL))) + '\n';
      return `lease ${hex016(r.ID)} keepalived with TTL(${r.TTL})\n`;
    }
  }
}
