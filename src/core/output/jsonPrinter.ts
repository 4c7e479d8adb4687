/**
 * etcdctl's `-w json` (printer_json.go: Go's json.Marshal of the response), per release, and etcd
 * Studio's JSON listings (indented JSON of its own shapes).
 */
import type { DoctorReport } from '../doctor/finding';
import type { EndpointStatus } from '../etcd/connection';
import type {
  IDeleteRangeResponse,
  IKeyValue,
  ILeaseGrantResponse,
  ILeaseKeepAliveResponse,
  ILeaseLeasesResponse,
  ILeaseRevokeResponse,
  ILeaseTimeToLiveResponse,
  IMember,
  IMemberAddResponse,
  IMemberListResponse,
  IPutResponse,
  IRangeResponse,
  IResponseHeader,
  ITxnResponse,
} from '../etcd/etcd3Adapter';
import type { EndpointHealth } from '../etcd/endpoints';
import type { HashKvResult } from '../etcd/maintenance';
import { keyToText } from '../keytree/keyText';
import type { LeaseInfo } from '../leases/leases';
import { hitJson } from '../search/format';
import type { GrepHit } from '../search/grep';
import type { SnapshotStatus } from '../snapshot/status';
import { spaceReportJson } from '../space/format';
import type { SpaceReport } from '../space/report';
import { GoObject, goJson, num } from './goJson';
import { goDurationMs } from './goText';
import type { AlarmList, ChildRow, MemberChange, Printed } from './printer';
import { FormatPrinter } from './formatPrinter';

const ALARM_CODES: Record<string, number> = { Nospace: 1, NOSPACE: 1, Corrupt: 2, CORRUPT: 2 };

export function headerJson(h: IResponseHeader | undefined): GoObject {
  return new GoObject()
    .opt('cluster_id', num(h?.cluster_id))
    .opt('member_id', num(h?.member_id))
    .opt('revision', num(h?.revision))
    .opt('raft_term', num(h?.raft_term));
}

/** clientv3 embeds the header in lease responses, so `-w json` prints its fields at the top level. */
function flatHeader(h: IResponseHeader | undefined): GoObject {
  const o = new GoObject();
  for (const [k, v] of headerJson(h).entries) o.set(k, v);
  return o;
}

function kvJson(kv: IKeyValue): GoObject {
  return new GoObject()
    .opt('key', kv.key)
    .opt('create_revision', num(kv.create_revision))
    .opt('mod_revision', num(kv.mod_revision))
    .opt('version', num(kv.version))
    .opt('value', kv.value)
    .opt('lease', num(kv.lease));
}

function rangeJson(r: IRangeResponse): GoObject {
  return new GoObject()
    .opt('header', headerJson(r.header))
    .opt('kvs', (r.kvs ?? []).map(kvJson))
    .opt('more', Boolean(r.more))
    .opt('count', num(r.count));
}

function putJson(r: IPutResponse): GoObject {
  return new GoObject().opt('header', headerJson(r.header)).opt('prev_kv', r.prev_kv ? kvJson(r.prev_kv) : undefined);
}

function delJson(r: IDeleteRangeResponse): GoObject {
  return new GoObject()
    .opt('header', headerJson(r.header))
    .opt('deleted', num(r.deleted))
    .opt('prev_kvs', (r.prev_kvs ?? []).map(kvJson));
}

function memberJson(m: IMember): GoObject {
  return new GoObject()
    .opt('ID', num(m.ID))
    .opt('name', m.name)
    .opt('peerURLs', m.peerURLs ?? [])
    .opt('clientURLs', m.clientURLs ?? [])
    .opt('isLearner', Boolean(m.isLearner));
}

const decimal = (hex: string) => BigInt(`0x${hex}`).toString(10);

function statusJson(s: EndpointStatus): GoObject {
  const status = new GoObject()
    .set('header', headerJson(s.header))
    .opt('version', s.version)
    .opt('dbSize', num(s.dbSize))
    .opt('leader', num(decimal(s.leader)))
    .opt('raftIndex', num(s.raftIndex))
    .opt('raftTerm', num(s.raftTerm))
    .opt('raftAppliedIndex', num(s.raftAppliedIndex))
    .opt('errors', s.errors)
    .opt('dbSizeInUse', num(s.dbSizeInUse))
    .opt('isLearner', s.isLearner)
    .opt('storageVersion', s.storageVersion)
    .opt('dbSizeQuota', num(s.dbSizeQuota));
  if (s.downgrade) {
    status.set('downgradeInfo', new GoObject().opt('enabled', s.downgrade.enabled).opt('targetVersion', s.downgrade.targetVersion));
  }
  return new GoObject().set('Endpoint', s.endpoint).set('Status', status);
}

const line = (v: GoObject | GoObject[]) => goJson(v) + '\n';
const pretty = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

export class JsonPrinter extends FormatPrinter {
  get(r: IRangeResponse): string {
    return line(rangeJson(r));
  }

  put(r: IPutResponse): string {
    return line(putJson(r));
  }

  del(r: IDeleteRangeResponse): string {
    return line(delJson(r));
  }

  txn(r: ITxnResponse): string {
    // 3.4 marshals the oneof as an interface field "Response" holding a wrapper struct without json tags
    // ("ResponsePut"); 3.6+ prints its own struct with tags ("response_put").
    const go = this.style.txnJsonNames === 'go';
    const ops = (r.responses ?? []).map((op) => {
      const inner = op.response_range
        ? new GoObject().set(go ? 'ResponseRange' : 'response_range', rangeJson(op.response_range))
        : op.response_put
          ? new GoObject().set(go ? 'ResponsePut' : 'response_put', putJson(op.response_put))
          : new GoObject().set(go ? 'ResponseDeleteRange' : 'response_delete_range', delJson(op.response_delete_range));
      return new GoObject().set('Response', inner);
    });
    return line(new GoObject().opt('header', headerJson(r.header)).opt('succeeded', Boolean(r.succeeded)).opt('responses', ops));
  }

  grant(r: ILeaseGrantResponse): string {
    return line(
      flatHeader(r.header)
        .set('ID', num(r.ID))
        .set('TTL', num(r.TTL))
        .set('Error', r.error ?? ''),
    );
  }

  revoke(_id: string, r: ILeaseRevokeResponse): string {
    return line(new GoObject().opt('header', headerJson(r.header)));
  }

  keepAlive(r: ILeaseKeepAliveResponse): string {
    return line(flatHeader(r.header).set('ID', num(r.ID)).set('TTL', num(r.TTL)));
  }

  timeToLive(r: ILeaseTimeToLiveResponse): string {
    const keys = r.keys ?? [];
    return line(
      flatHeader(r.header)
        .set('id', num(r.ID))
        .set('ttl', num(r.TTL))
        .set('granted-ttl', num(r.grantedTTL))
        .set('keys', keys.length ? keys : null),
    );
  }

  leases(r: ILeaseLeasesResponse): string {
    return line(
      flatHeader(r.header).set(
        'leases',
        r.leases.map((l) => new GoObject().set('id', num(String(l.ID)))),
      ),
    );
  }

  memberAdd(r: IMemberAddResponse): string {
    return line(
      new GoObject()
        .opt('header', headerJson(r.header))
        .opt('member', memberJson(r.member))
        .opt('members', (r.members ?? []).map(memberJson)),
    );
  }

  memberRemove(_id: string, r: MemberChange): string {
    return line(new GoObject().opt('header', headerJson(r.header)).opt('members', (r.members ?? []).map(memberJson)));
  }

  memberPromote(id: string, r: MemberChange): string {
    return this.memberRemove(id, r);
  }

  memberList(r: IMemberListResponse): string {
    return line(new GoObject().opt('header', headerJson(r.header)).opt('members', r.members.map(memberJson)));
  }

  endpointHealth(rows: EndpointHealth[]): Printed {
    const json = rows.map((h) =>
      new GoObject().set('endpoint', h.endpoint).set('health', h.health).set('took', goDurationMs(h.tookMs)).opt('error', h.error),
    );
    return { stdout: line(json), stderr: '' };
  }

  endpointStatus(rows: EndpointStatus[]): string {
    return line(rows.map(statusJson));
  }

  endpointHashKv(rows: HashKvResult[]): string {
    return line(
      rows.map((h) =>
        new GoObject().set('Endpoint', h.endpoint).set(
          'HashKV',
          new GoObject()
            .opt('header', headerJson(h.header))
            .opt('hash', num(h.hash))
            .opt('compact_revision', num(h.compactRevision))
            .opt('hash_revision', h.hashRevision === undefined ? undefined : num(h.hashRevision)),
        ),
      ),
    );
  }

  alarm(r: AlarmList): string {
    return line(
      new GoObject().opt('header', r.header ? headerJson(r.header) : undefined).opt(
        'alarms',
        r.alarms.map((a) => new GoObject().opt('memberID', num(a.memberID)).opt('alarm', num(ALARM_CODES[String(a.alarm)] ?? 0))),
      ),
    );
  }

  children(rows: ChildRow[]): string {
    return pretty(rows.map(({ child }) => ({ ...child, key: keyToText(child.key) })));
  }

  leaseDetails(leases: LeaseInfo[]): string {
    return pretty(leases.map((l) => ({ id: l.id, grantedTtl: l.grantedTtl, remainingTtl: l.remainingTtl, keys: l.keyTexts })));
  }

  /** Go's encoding/json of etcdutl's status struct, in its field order; `version` from etcdutl 3.6. */
  snapshotStatus(s: SnapshotStatus): string {
    const version = s.version ? { version: s.version } : {};
    return JSON.stringify({ hash: s.hash, revision: s.revision, totalKey: s.totalKey, totalSize: s.totalSize, ...version }) + '\n';
  }

  /** An array of findings (id, severity, member, message, measured, threshold, unit, advice, fixes). */
  doctorReport(r: DoctorReport): string {
    return pretty(r.findings);
  }

  /** One object with the totals and `prefixes`: one object per child prefix with prefix, keys, bytes. */
  spaceReport(r: SpaceReport): string {
    return pretty(spaceReportJson(r));
  }

  /** One JSON object per line as hits stream in (jq -c friendly). */
  searchHit(hit: GrepHit): string {
    return JSON.stringify(hitJson(hit)) + '\n';
  }
}
