import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { profileFromApiserver, profileFromEnv, profileFromEtcdManifest } from '../../src/core/etcd/importProfile';

// The shape kubeadm writes to /etc/kubernetes/manifests/etcd.yaml (abridged).
const ETCD_MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.10:2379
  labels: {component: etcd, tier: control-plane}
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://10.0.0.10:2379
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --client-cert-auth=true
    - --data-dir=/var/lib/etcd
    - --key-file=/etc/kubernetes/pki/etcd/server.key
    - --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379
    - --name=cp-1
    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    image: registry.k8s.io/etcd:3.5.15-0
    name: etcd
`;

const APISERVER_MANIFEST = `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    command:
    - kube-apiserver
    - --advertise-address=10.0.0.10
    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    - --etcd-servers=https://127.0.0.1:2379
`;

describe('import a connection', () => {
  test("from kubeadm's etcd static-pod manifest: advertise + listen URLs, CA, healthcheck client pair", () => {
    assert.deepEqual(profileFromEtcdManifest(ETCD_MANIFEST), {
      name: 'kubeadm-etcd',
      endpoints: ['https://10.0.0.10:2379', 'https://127.0.0.1:2379'],
      cacert: '/etc/kubernetes/pki/etcd/ca.crt',
      cert: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
      key: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
    });
  });

  test('from the kube-apiserver manifest', () => {
    assert.deepEqual(profileFromApiserver(APISERVER_MANIFEST), {
      name: 'kube-apiserver-etcd',
      endpoints: ['https://127.0.0.1:2379'],
      cacert: '/etc/kubernetes/pki/etcd/ca.crt',
      cert: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
      key: '/etc/kubernetes/pki/apiserver-etcd-client.key',
    });
  });

  test('from a pasted kube-apiserver command line (ps output, with backslash-newlines and spaces)', () => {
    const p = profileFromApiserver(
      'kube-apiserver \\\n  --etcd-servers=https://10.0.0.1:2379,https://10.0.0.2:2379 --etcd-cafile /pki/ca.crt --etcd-prefix=/custom',
    );
    assert.deepEqual(p, {
      name: 'kube-apiserver-etcd',
      endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
      cacert: '/pki/ca.crt',
      prefix: '/custom/',
    });
  });

  test('from ETCDCTL_* variables, with user:password split like etcdctl', () => {
    const r = profileFromEnv({
      ETCDCTL_ENDPOINTS: 'https://a:2379,https://b:2379',
      ETCDCTL_CACERT: '/ca',
      ETCDCTL_USER: 'root:pw',
      ETCDCTL_DIAL_TIMEOUT: '3s',
    });
    assert.deepEqual(r, {
      profile: {
        name: 'etcdctl-env',
        endpoints: ['https://a:2379', 'https://b:2379'],
        cacert: '/ca',
        username: 'root',
        dialTimeoutMs: 3000,
      },
      password: 'pw',
    });
    assert.equal(profileFromEnv({}), undefined);
  });

  test('bad input says what is wrong', () => {
    assert.throws(() => profileFromEtcdManifest('kind: Pod\nspec: [\n'), /etcd manifest is not valid YAML/);
    assert.throws(() => profileFromEtcdManifest('kind: ConfigMap\n'), /has no spec\.containers/);
    assert.throws(() => profileFromApiserver('kube-apiserver --secure-port=6443'), /No --etcd-servers flag/);
    assert.throws(() => profileFromEnv({ ETCDCTL_ENDPOINTS: 'a:1', ETCDCTL_DIAL_TIMEOUT: 'soon' }), /"soon" is not a duration/);
  });
});
