/** etcdctl's `-w fields` (printer_fields.go): one `"Name" : value` line per field, for get, put, del and txn. */
import type { IDeleteRangeResponse, IKeyValue, IPutResponse, IRangeResponse, IResponseHeader, ITxnResponse } from '../etcd/etcd3Adapter';
import type { SnapshotStatus } from '../snapshot/status';
import { goQuote } from './goText';
import { FormatPrinter } from './formatPrinter';

export class FieldsPrinter extends FormatPrinter {
  private hdr(h: IResponseHeader | undefined): string {
    const revision = Number(h?.revision ?? 0);
    return (
      `"ClusterID" : ${h?.cluster_id ?? 0}\n"MemberID" : ${h?.member_id ?? 0}\n` +
      // Revision only makes sense for KV responses; 3.6+ hides it when 0.
      (revision > 0 || this.style.fieldsZeroRevision ? `"Revision" : ${revision}\n` : '') +
      `"RaftTerm" : ${h?.raft_term ?? 0}\n`
    );
  }

  private kv(pfx: string, kv: IKeyValue): string {
    return (
      `"${pfx}Key" : ${goQuote(kv.key)}\n"${pfx}CreateRevision" : ${kv.create_revision ?? 0}\n"${pfx}ModRevision" : ${kv.mod_revision ?? 0}\n` +
      `"${pfx}Version" : ${kv.version ?? 0}\n"${pfx}Value" : ${goQuote(kv.value)}\n"${pfx}Lease" : ${kv.lease ?? 0}\n`
    );
  }

  get(r: IRangeResponse): string {
    return (
      this.hdr(r.header) + (r.kvs ?? []).map((kv) => this.kv('', kv)).join('') + `"More" : ${Boolean(r.more)}\n"Count" : ${r.count ?? 0}\n`
    );
  }

  put(r: IPutResponse): string {
    return this.hdr(r.header) + (r.prev_kv ? this.kv('Prev', r.prev_kv) : '');
  }

  del(r: IDeleteRangeResponse): string {
    return this.hdr(r.header) + `"Deleted" : ${r.deleted ?? 0}\n` + (r.prev_kvs ?? []).map((kv) => this.kv('Prev', kv)).join('');
  }

  /** etcdutl's fields: the figures by their Go names, then the storage version (3.6+). */
  snapshotStatus(s: SnapshotStatus): string {
    const lines = [`"Hash" : ${s.hash}`, `"Revision" : ${s.revision}`, `"Keys" : ${s.totalKey}`, `"Size" : ${s.totalSize}`];
    if (s.version) lines.push(`"Version" : ${s.version}`);
    return lines.join('\n') + '\n';
  }

  txn(r: ITxnResponse): string {
    const each = (op: ITxnResponse['responses'][number]) =>
      op.response_range ? this.get(op.response_range) : op.response_put ? this.put(op.response_put) : this.del(op.response_delete_range);
    return this.hdr(r.header) + `"Succeeded" : ${Boolean(r.succeeded)}\n` + (r.responses ?? []).map(each).join('');
  }
}
