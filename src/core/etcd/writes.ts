/**
 * Every kind of change etcd Studio can make, as the one argument of EtcdConnection.write (which
 * refuses all of them on a read-only profile). Ids are etcd's decimal form.
 */
import type {
  IAlarmResponse,
  IDeleteRangeRequest,
  IDeleteRangeResponse,
  ILeaseGrantResponse,
  ILeaseKeepAliveResponse,
  ILeaseRevokeResponse,
  IMemberAddResponse,
  IMemberPromoteResponse,
  IMemberRemoveResponse,
  IMoveLeaderResponse,
  IPutRequest,
  IPutResponse,
  IRequestOp,
  ITxnRequest,
  ITxnResponse,
} from './etcd3Adapter';

export type WriteOp =
  | { op: 'put'; request: IPutRequest }
  | { op: 'delete'; request: IDeleteRangeRequest }
  | { op: 'txn'; request: ITxnRequest }
  | { op: 'compact'; revision: number; physical: boolean }
  | { op: 'leaseGrant'; ttl: number }
  | { op: 'leaseRevoke'; id: string }
  | { op: 'leaseKeepAlive'; id: string; timeoutMs?: number }
  | { op: 'memberAdd'; peerUrls: string[]; learner: boolean }
  | { op: 'memberRemove'; id: string }
  | { op: 'memberPromote'; id: string }
  | { op: 'alarmDisarm'; memberId: string; alarm: 'NOSPACE' | 'CORRUPT' }
  | { op: 'defragment' }
  | { op: 'moveLeader'; targetId: string }
  | { op: 'authEnable' }
  | { op: 'authDisable' }
  | { op: 'userAdd'; name: string; password: string }
  | { op: 'userDelete'; name: string }
  | { op: 'userChangePassword'; name: string; password: string }
  | { op: 'userGrantRole'; name: string; role: string }
  | { op: 'userRevokeRole'; name: string; role: string }
  | { op: 'roleAdd'; name: string }
  | { op: 'roleDelete'; name: string }
  | { op: 'roleGrantPermission'; name: string; permType: 'Read' | 'Write' | 'Readwrite'; key: Buffer; rangeEnd: Buffer }
  | { op: 'roleRevokePermission'; name: string; key: Buffer; rangeEnd: Buffer };

/** Every write kind, for tests that prove each one is refused on a read-only connection. */
export const WRITE_OPS: readonly WriteOp['op'][] = [
  'put',
  'delete',
  'txn',
  'compact',
  'leaseGrant',
  'leaseRevoke',
  'leaseKeepAlive',
  'memberAdd',
  'memberRemove',
  'memberPromote',
  'alarmDisarm',
  'defragment',
  'moveLeader',
  'authEnable',
  'authDisable',
  'userAdd',
  'userDelete',
  'userChangePassword',
  'userGrantRole',
  'userRevokeRole',
  'roleAdd',
  'roleDelete',
  'roleGrantPermission',
  'roleRevokePermission',
];

interface Results {
  put: IPutResponse;
  delete: IDeleteRangeResponse;
  txn: ITxnResponse;
  compact: unknown;
  leaseGrant: ILeaseGrantResponse;
  leaseRevoke: ILeaseRevokeResponse;
  leaseKeepAlive: ILeaseKeepAliveResponse;
  memberAdd: IMemberAddResponse;
  memberRemove: IMemberRemoveResponse;
  memberPromote: IMemberPromoteResponse;
  alarmDisarm: IAlarmResponse;
  defragment: unknown;
  moveLeader: IMoveLeaderResponse;
  authEnable: unknown;
  authDisable: unknown;
  userAdd: unknown;
  userDelete: unknown;
  userChangePassword: unknown;
  userGrantRole: unknown;
  userRevokeRole: unknown;
  roleAdd: unknown;
  roleDelete: unknown;
  roleGrantPermission: unknown;
  roleRevokePermission: unknown;
}

export type WriteResult<O extends WriteOp> = Results[O['op']];

function writes(ops: IRequestOp[] | undefined): boolean {
  return (ops ?? []).some((o) => !o.request_range || o.request_put !== undefined || o.request_delete_range !== undefined);
}

/** Whether a transaction changes anything (any put or delete in either branch). */
export function writeRequestOps(req: ITxnRequest): boolean {
  return writes(req.success) || writes(req.failure);
}
