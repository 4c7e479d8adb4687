/**
 * Which etcdctl release's output to reproduce. etcdctl's text changed between releases (3.4, 3.6 and 3.7
 * are compared side by side with their own etcdctl in test/unit/script-exec.test.ts; 3.5 is read from
 * etcdctl v3.5.21's sources, it is not a test host), and a user compares our output with the etcdctl that
 * matches their cluster, so printers follow the version of the server they talked to.
 */
export interface EtcdctlStyle {
  /** The etcdctl release these choices reproduce. */
  release: '3.4' | '3.5' | '3.6' | '3.7';
  /** txn -w json names its oneof fields "ResponsePut" (3.4, Go field names) or "response_put" (3.5+, json tags). */
  txnJsonNames: 'go' | 'proto';
  /** endpoint status: 10 columns (3.4) or 16 with storage version, in use, quota and downgrade (3.6+). */
  statusColumns: 'v3.4' | 'v3.6';
  /** endpoint hashkv prints the hash revision (3.6+). */
  hashRevision: boolean;
  /** Tables drawn with ASCII (tablewriter 0.x) or box-drawing characters (tablewriter 1.x, etcdctl 3.7+). */
  tableBorders: 'ascii' | 'box';
  /** defrag says how long each member took (3.6+). */
  defragTook: boolean;
  /** member add says "added as learner" for a learner (3.6+). */
  learnerAdded: boolean;
  /** fields output prints the header's revision even when it is 0 (3.4, 3.5). */
  fieldsZeroRevision: boolean;
  /** endpoint health -w simple writes healthy endpoints to stderr too (3.4), not stdout (3.5+). */
  healthyToStderr: boolean;
}

const V34: EtcdctlStyle = {
  release: '3.4',
  txnJsonNames: 'go',
  statusColumns: 'v3.4',
  hashRevision: false,
  tableBorders: 'ascii',
  defragTook: false,
  learnerAdded: false,
  fieldsZeroRevision: true,
  healthyToStderr: true,
};
const V35: EtcdctlStyle = { ...V34, release: '3.5', txnJsonNames: 'proto', healthyToStderr: false };
const V36: EtcdctlStyle = {
  release: '3.6',
  txnJsonNames: 'proto',
  statusColumns: 'v3.6',
  hashRevision: true,
  tableBorders: 'ascii',
  defragTook: true,
  learnerAdded: true,
  fieldsZeroRevision: false,
  healthyToStderr: false,
};
const V37: EtcdctlStyle = { ...V36, release: '3.7', tableBorders: 'box' };

/** The style for an etcd server version ("3.6.16"); older releases print like 3.4, unknown or newer ones like 3.7. */
export function etcdctlStyleFor(serverVersion: string | undefined): EtcdctlStyle {
  const m = /^(\d+)\.(\d+)/.exec(serverVersion ?? '');
  if (!m) return V37;
  const minor = Number(m[1]) * 1000 + Number(m[2]);
  if (minor < 3005) return V34;
  if (minor < 3006) return V35;
  if (minor < 3007) return V36;
  return V37;
}
