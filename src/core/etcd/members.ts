import { EtcdStudioError } from '../errors';
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

/**
 * Linearizable, like etcdctl 3.5+'s default (--consistency=l): the member that answers first confirms it is
 * up to date, so a member just added, promoted or removed shows as such whichever member answers (etcd 3.4
 * ignores the field and answers from its own state). A cluster without quorum cannot confirm anything, and
 * that is when the member list matters most: then the asked member's own view is returned, as
 * `etcdctl member list --consistency=s` would.
 */
export async function listMembers(conn: EtcdConnection): Promise<MemberInfo[]> {
  let res;
  try {
    res = await conn.call('member list', () => conn.client.cluster.memberList({ linearizable: true }));
  } catch (e) {
    if (!(e instanceof EtcdStudioError) || (e.code !== 'Timeout' && e.code !== 'Unavailable')) throw e;
    res = await conn.call('member list (serializable)', () => conn.client.cluster.memberList({ linearizable: false }));
  }
  return res.members.map((m) => ({
    id: hexId(m.ID),
    name: m.name,
    peerUrls: m.peerURLs ?? [],
    clientUrls: m.clientURLs ?? [],
    isLearner: Boolean(m.isLearner),
    status: m.name ? 'started' : 'unstarted',
  }));
}
