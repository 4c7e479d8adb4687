import type { EndpointStatus } from '../../core/etcd/connection';
import { AuthNode } from '../auth/authNodes';
import { MembersNode } from '../cluster/membersNode';
import { LeasesNode } from '../leases/leaseNodes';
import { V2RootNode } from '../v2/v2Nodes';
import type { ConnectionNode } from './connectionNode';
import { PrefixNode } from './keyNodes';
import { LiveKeySource } from './keySource';
import { NodeContext, TreeNode } from './node';

/** The rows under a connected connection: Members, Keys (at the profile's prefix), v2, Leases and Auth. */
export function connectionChildren(
  parent: ConnectionNode,
  status: EndpointStatus,
  deps: NodeContext,
): { keys: PrefixNode; children: TreeNode[] } {
  const name = parent.profile.name;
  const keys = new PrefixNode(
    { source: new LiveKeySource(name, deps), refresh: (n) => deps.refresh(n) },
    Buffer.from(parent.profile.prefix ?? ''),
    'Keys',
    undefined,
    parent,
    true,
  );
  return {
    keys,
    children: [
      new MembersNode(name, status.leader, parent, deps),
      keys,
      new V2RootNode(name, status.version, parent, deps),
      new LeasesNode(name, parent, deps),
      new AuthNode(name, parent, deps),
    ],
  };
}
