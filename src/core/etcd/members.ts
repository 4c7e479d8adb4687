import { EtcdStudioError } from '../errors';
import type { IMember, IMemberListResponse } from './etcd3Adapter';
import { EtcdConnection, hexId } from './connection';

/** One row of `etcdctl member list`. */
export interface MemberInfo {
  id: string;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
  /** "started", or "unstarted" for a member added but not yet running (etcdctl's wording). */
  status: 'started' | 'unstarted';
}

export function memberInfo(m: IMember): MemberInfo {
  return {
    id: hexId(m.ID),
    name: m.name,
    peerUrls: m.peerURLs ?? [],
    clientUrls: m.clientURLs ?? [],
    isLearner: Boolean(m.isLearner),
    status: m.name ? 'started' : 'unstarted',
  };
}

/**
 * Linearizable, like etcdctl 3.5+'s default (--consistency=l): the member that answers first confirms it is
 * up to date, so a member just added, promoted or removed shows as such whichever member answers (etcd 3.4
 * ignores the field and answers from its own state). A cluster without quorum cannot confirm anything, and
 * that is when the member list matters most: then the asked member's own view is returned, as
 * `etcdctl member list --consistency=s` would.
 */
export async function memberList(conn: EtcdConnection): Promise<IMemberListResponse> {
  try {
    return await conn.members(true);
  } catch (e) {
    if (!(e instanceof EtcdStudioError) || (e.code !== 'Timeout' && e.code !== 'Unavailable')) throw e;
    return conn.members(false);
  }
}

export async function listMembers(conn: EtcdConnection): Promise<MemberInfo[]> {
  return (await memberList(conn)).members.map(memberInfo);
}

/** Every member's client URL (the cluster's view), falling back to the connection's endpoints. */
export async function clusterEndpoints(conn: EtcdConnection): Promise<string[]> {
  const urls = (await listMembers(conn)).map((m) => m.clientUrls[0]).filter((u): u is string => Boolean(u));
  return urls.length ? urls : conn.profile.endpoints;
}
