/** etcd leases: list with TTLs and keys, grant, keep alive, attach, revoke. */
export { grantLease, keepAliveOnce, leaseIdToDecimal, leaseInfo, listLeases, putWithLease, revokeLease, revokePreview } from './leases';
export type { LeaseInfo } from './leases';
