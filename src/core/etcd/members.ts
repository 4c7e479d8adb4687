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

export async function listMembers(conn: EtcdConnection): Promise<MemberInfo[]> {
  const res = await conn.call('member list', () => conn.client.cluster.memberList({}));
  return res.members.map((m) => ({
    id: hexId(m.ID),
    name: m.name,
    peerUrls: m.peerURLs ?? [],
    clientUrls: m.clientURLs ?? [],
    isLearner: Boolean(m.isLearner),
    status: m.name ? 'started' : 'unstarted',
  }));
}
