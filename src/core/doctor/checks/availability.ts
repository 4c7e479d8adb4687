/** Can every member be reached, does each know a leader, and can its `/metrics` be read? */
import { Finding } from '../finding';
import { Check, memberFields, plural, sentence } from './context';

export const memberUnreachable: Check = ({ now }) => {
  const title = 'Member unreachable';
  const total = now.members.length;
  const down = now.members.filter((m) => !m.status);
  const quorum = Math.floor(total / 2) + 1;
  const up = total - down.length;
  const findings: Finding[] = down.map((m) => ({
    id: 'member-unreachable',
    severity: 'error',
    ...memberFields(m),
    title,
    message: `${m.name} (${m.clientUrl ?? 'no client URL'}) does not answer: ${sentence(m.statusError ?? 'unknown error')} ${plural(up, 'member')} of ${total} answer; the cluster needs ${quorum} for quorum${up >= quorum ? ` and now tolerates ${up - quorum} more failure${up - quorum === 1 ? '' : 's'}` : ' and has LOST it: writes and linearizable reads fail'}.`,
    measured: up,
    threshold: quorum,
    unit: 'members',
    advice: m.clientUrl
      ? `Check that etcd runs on ${m.name} (systemctl status etcd, or the etcd static pod: crictl ps | grep etcd) and read its log. If it is up, check that ${m.clientUrl} is reachable from here (firewall, advertised URL). A member that will not come back should be removed (Remove Member…) and replaced.`
      : 'The member was added but never started: start etcd on it with --initial-cluster-state=existing, or remove it (Remove Member…).',
    fixes: [],
  }));
  return {
    id: 'member-unreachable',
    title,
    findings,
    passed: total === 1 ? 'the only member answers' : `all ${plural(total, 'member')} answer`,
  };
};

export const memberUnhealthy: Check = ({ now }) => {
  const title = 'Member unhealthy';
  const findings: Finding[] = now.members
    .filter((m) => m.status && m.health && !m.health.health)
    .map((m) => ({
      id: 'member-unhealthy',
      severity: 'error',
      ...memberFields(m),
      title,
      message: `${m.name} answers status requests but fails the health check (a linearizable read, as etcdctl endpoint health does): ${sentence(m.health?.error ?? 'unknown error')}`,
      advice:
        'The member is up but cannot get reads through raft: usually no leader or no quorum. Check the other members and the network between them (peer port 2380).',
      fixes: [],
    }));
  return { id: 'member-unhealthy', title, findings, passed: 'every member that answers passes the health check' };
};

export const noLeader: Check = ({ now }) => {
  const title = 'No leader';
  const findings: Finding[] = now.members
    .filter((m) => (m.status && m.status.leader === '0') || m.metrics?.hasLeader === false)
    .map((m) => ({
      id: 'no-leader',
      severity: 'error',
      ...memberFields(m),
      title,
      message: `${m.name} has no leader: it cannot serve writes or linearizable reads.`,
      advice:
        'An election is in progress or the member is cut off from a quorum. If it lasts, check the network between members (peer port 2380) and that a majority of members is running.',
      fixes: [],
    }));
  return { id: 'no-leader', title, findings, passed: 'every member that answers knows the leader' };
};

export const metricsUnavailable: Check = ({ now }) => {
  const title = 'Metrics unavailable';
  const findings: Finding[] = now.members
    .filter((m) => m.status && !m.metrics)
    .map((m) => ({
      id: 'metrics-unavailable',
      severity: 'warning',
      ...memberFields(m),
      title,
      message: `${m.name} answers gRPC but its ${m.clientUrl}/metrics cannot be read (${m.metricsError?.replace(/\.$/, '')}); disk latency, leader changes and proposals are not checked for it.`,
      advice:
        'etcd serves /metrics on its client URL; a proxy or a port-forward may only pass gRPC. Connect to the member directly, or serve metrics with --listen-metrics-urls and read them there.',
      fixes: [],
    }));
  return { id: 'metrics-unavailable', title, findings, passed: 'every member that answers serves /metrics' };
};
