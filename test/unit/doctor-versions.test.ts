/**
 * Version skew on a real mixed-release cluster, as in the middle of a rolling upgrade: two members of
 * the release under test and one of the neighbouring release (3.6 with a 3.7 member, 3.7 with a 3.6 one).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { runDoctor } from '../../src/core/doctor';
import { EtcdMinor, etcdTarget, hostPaths } from '../harness/tools';
import { useEtcdConnection } from '../harness/useEtcd';

// etcd supports a cluster of two neighbouring minor releases only; 3.4's neighbour (3.5) is not installed here.
const NEIGHBOUR: Record<EtcdMinor, EtcdMinor | undefined> = { '3.4': undefined, '3.6': '3.7', '3.7': '3.6' };
const target = etcdTarget();
const other = NEIGHBOUR[target.minor];
const SKIP = !other
  ? `etcd ${target.minor} has no neighbouring release to form a mixed cluster with (3.5 is not built here)`
  : !existsSync(hostPaths().etcd[other].etcd)
    ? `etcd ${other} is not installed: node scripts/hosts.mjs install etcd-${other} (npm test without --etcd installs it)`
    : false;

describe('doctor: version skew on a mixed-release cluster', { skip: SKIP }, () => {
  const t = useEtcdConnection('doctor-versions', {
    members: 3,
    binaries: other ? [target.etcd, target.etcd, hostPaths().etcd[other].etcd] : undefined,
  });

  test('members on two minor releases are a warning naming each version and its members, and the cluster version', async () => {
    const r = await runDoctor(t.conn, { windowMs: 0 });
    const skew = r.findings.filter((f) => f.id === 'version-skew');
    assert.equal(skew.length, 1, JSON.stringify(r.findings.map((f) => f.id)));
    const [older, newer] = [target.version, hostPaths().etcd[other!].version].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const names = (v: string) => (v === target.version ? 'm1, m2' : 'm3');
    assert.equal(skew[0].severity, 'warning');
    assert.equal(skew[0].member, null);
    assert.equal(
      skew[0].message,
      `Members run different etcd releases: ${older} (${names(older)}) and ${newer} (${names(newer)}); the cluster version is ${older.split('.').slice(0, 2).join('.')}, so features of the newer release stay off until every member runs it.`,
    );
    assert.match(skew[0].advice, /rolling upgrade/);
  });
});
