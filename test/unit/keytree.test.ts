import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EtcdStudioError } from '../../src/core/errors';
import { levelGaps, splitAtByte, splitAtKeys, splitDeeper, stemBytes } from '../../src/core/keytree/intervals';
import { knownChildren } from '../../src/core/keytree/listChildren';
import { describeLevel, keyFromText, keyToText, kindOfResource, parseK8sKey } from '../../src/core/keytree';
import { compareEnds, keySuccessor, prefixRangeEnd, skipPastChild, UNBOUNDED } from '../../src/core/keytree/rangeEnd';

const b = (s: string) => Buffer.from(s, 'latin1');
const hex = (buf: Buffer) => buf.toString('hex');

describe('prefix range end (etcd GetPrefixRangeEnd)', () => {
  test('increments the last byte', () => {
    assert.deepEqual(prefixRangeEnd(b('/registry/')), b('/registry0'));
    assert.deepEqual(prefixRangeEnd(b('abc')), b('abd'));
  });
  test('drops trailing 0xff bytes before incrementing', () => {
    assert.deepEqual(prefixRangeEnd(b('a\xff')), b('b'));
    assert.deepEqual(prefixRangeEnd(b('a\xfe\xff\xff')), b('a\xff'));
  });
  test('an empty or all-0xff prefix has no end: "\\0" (every key from the start)', () => {
    assert.deepEqual(prefixRangeEnd(b('')), UNBOUNDED);
    assert.deepEqual(prefixRangeEnd(b('\xff\xff')), UNBOUNDED);
  });
  test('skipping past a child resumes right after every key under it', () => {
    assert.deepEqual(skipPastChild(b('/registry/'), b('pods/')), b('/registry/pods0'));
    assert.deepEqual(keySuccessor(b('/a')), b('/a\x00'));
    // "/registry/pods0" sorts after every "/registry/pods/..." key and before "/registry/podsX".
    assert.ok(Buffer.compare(b('/registry/pods/\xff\xff'), skipPastChild(b('/registry/'), b('pods/'))) < 0);
    assert.ok(Buffer.compare(skipPastChild(b('/registry/'), b('pods/')), b('/registry/podtemplates/')) < 0);
  });
  test('"\\0" as an end sorts after every key', () => {
    assert.ok(compareEnds(UNBOUNDED, b('\xff\xff\xff')) > 0);
    assert.equal(compareEnds(UNBOUNDED, Buffer.from([0])), 0);
  });
  test('skip-scan pieces cover exactly the rest of the interval, in order, without overlap', () => {
    const cases: [Buffer, Buffer, number][] = [
      [b('/registry/configmaps0'), b('/registry0'), 10],
      [b('/registry/ns-100'), b('/registry/ns-2'), 10],
      [b('/x/\xff\xff0'), UNBOUNDED, 3],
      [b('k\x00'), UNBOUNDED, 0],
    ];
    for (const [from, end, depth] of cases) {
      for (const pieces of [
        levelGaps(from, end, depth),
        splitAtByte({ start: from, end }, from.subarray(0, from.length - 1), from[from.length - 1]),
        splitDeeper(splitAtByte({ start: from, end }, from.subarray(0, from.length - 1), from[from.length - 1]), from.length - 1, 0x37),
        splitDeeper(splitAtByte({ start: from, end }, from.subarray(0, from.length - 1), from[from.length - 1]), from.length - 1, 0x78),
      ]) {
        assert.deepEqual(pieces[0].start, from);
        assert.deepEqual(pieces[pieces.length - 1].end, end);
        for (let i = 1; i < pieces.length; i++) {
          assert.deepEqual(pieces[i].start, pieces[i - 1].end, `contiguous at ${i} for ${hex(from)}`);
          assert.ok(Buffer.compare(pieces[i - 1].start, pieces[i - 1].end) < 0, `non-empty piece ${i - 1}`);
        }
      }
    }
  });
});

describe('fan-out pieces for names that share a stem', () => {
  test('a numbered family gets one piece per sibling: app-1/, app-10 … app-19 inside the piece app-1', () => {
    const pieces = splitDeeper(splitAtByte({ start: b('/a/app-1'), end: b('/a/app.') }, b('/a/app-'), 0x31), 7, 0x30);
    const starts = pieces.map((p) => p.start.toString('latin1'));
    for (const s of ['/a/app-1', '/a/app-1/', '/a/app-10', '/a/app-19', '/a/app-1:', '/a/app-2/', '/a/app-29', '/a/app-:', '/a/app-a'])
      assert.ok(starts.includes(s), `a piece starts at ${s}`);
    // Only the digits are split deeper (the kind of the child's last byte): not the letters.
    assert.ok(!starts.some((s) => s.startsWith('/a/app-a') && s.length > 8));
    const at = (k: string) => pieces.filter((p) => Buffer.compare(p.start, b(k)) <= 0 && Buffer.compare(b(k), p.end) < 0);
    assert.deepEqual(
      at('/a/app-1/x').map((p) => p.end.toString('latin1')),
      ['/a/app-10'],
      'app-1/ alone in its piece',
    );
    assert.deepEqual(
      at('/a/app-17/x').map((p) => p.end.toString('latin1')),
      ['/a/app-18'],
      'app-17/ alone in its piece',
    );
  });
  test('stem bytes follow the kind of the last byte; other bytes have none and split nothing deeper', () => {
    assert.deepEqual(Buffer.from(stemBytes(0x35)!).toString('latin1'), '-./0123456789:');
    assert.deepEqual(Buffer.from(stemBytes(0x71)!).toString('latin1'), '-./0abcdefghijklmnopqrstuvwxyz{');
    assert.deepEqual(Buffer.from(stemBytes(0x51)!).toString('latin1'), '-./0ABCDEFGHIJKLMNOPQRSTUVWXYZ[');
    assert.equal(stemBytes(0xff), undefined);
    const pieces = splitAtByte({ start: b('/x/\x01'), end: b('/x0') }, b('/x/'), 1);
    assert.deepEqual(splitDeeper(pieces, 3, 0xfe), pieces);
  });
});

describe('first-round pieces at known children', () => {
  test('splitting at keys keeps the pieces contiguous and covering, ignoring keys outside, on bounds or repeated', () => {
    const pieces = splitAtByte({ start: b('/registry/'), end: b('/registry0') }, b('/registry/'));
    const keys = [
      b('/registry/pods/'),
      b('/registry/pods0'),
      b('/registry/pods/'),
      b('/registry/c'),
      b('/registry0'),
      b('/a'),
      b('/zzz'),
      b('/registry/podtemplates/'),
      b('/registry/podtemplates0'),
    ];
    const out = splitAtKeys(pieces, keys);
    assert.deepEqual(out[0].start, b('/registry/'));
    assert.deepEqual(out[out.length - 1].end, b('/registry0'));
    for (let i = 1; i < out.length; i++) {
      assert.deepEqual(out[i].start, out[i - 1].end, `contiguous at ${i}`);
      assert.ok(Buffer.compare(out[i - 1].start, out[i - 1].end) < 0, `non-empty piece ${i - 1}`);
    }
    // The known children's exact ranges are pieces of their own.
    for (const child of ['pods/', 'podtemplates/']) {
      assert.ok(
        out.some((p) => p.start.equals(b(`/registry/${child}`)) && p.end.equals(prefixRangeEnd(b(`/registry/${child}`)))),
        child,
      );
    }
    assert.equal(out.length, pieces.length + 4);
    // Unbounded ends and an empty key list.
    assert.deepEqual(
      splitAtKeys([{ start: b('a'), end: UNBOUNDED }], [b('b'), b('\xff')]).map((p) => hex(p.start)),
      [hex(b('a')), hex(b('b')), hex(b('\xff'))],
    );
    assert.deepEqual(splitAtKeys(pieces, []), pieces);
  });

  test('known children: the built-in resources under /registry/, their sub-paths, nothing elsewhere', () => {
    const names = (p: string) =>
      knownChildren(b(p))
        .map((c) => c.toString('latin1'))
        .sort();
    const top = names('/registry/');
    for (const r of ['pods/', 'services/', 'configmaps/', 'controllers/', 'controllerrevisions/', 'apiextensions.k8s.io/', 'minions/'])
      assert.ok(top.includes(r), r);
    assert.equal(new Set(top).size, top.length);
    assert.deepEqual(names('/registry/services/'), ['endpoints/', 'specs/']);
    assert.deepEqual(names('/registry/apiextensions.k8s.io/'), ['customresourcedefinitions/']);
    assert.deepEqual(names('/registry/pods/'), []);
    assert.deepEqual(names('/registry/pods/ns-7/'), []);
    assert.deepEqual(names('/other/'), []);
    assert.deepEqual(names('/'), ['registry/']);
    assert.deepEqual(names('/registry/po'), ['ddisruptionbudgets/', 'ds/', 'dsecuritypolicy/', 'dtemplates/']);
  });
});

describe('key display text', () => {
  test('printable ASCII and valid UTF-8 are shown as is', () => {
    assert.equal(keyToText(Buffer.from('/registry/pods/default/web-0')), '/registry/pods/default/web-0');
    assert.equal(keyToText(Buffer.from('/registry/ñ/日本')), '/registry/ñ/日本');
  });
  test('raw bytes, invalid UTF-8, controls and backslashes are escaped', () => {
    assert.equal(keyToText(b('a\x00b')), 'a\\x00b');
    assert.equal(keyToText(b('\xff')), '\\xff');
    assert.equal(keyToText(b('a\\b')), 'a\\\\b');
    assert.equal(keyToText(b('\xc3\x28')), '\\xc3('); // lead byte without its continuation
    assert.equal(keyToText(b('\xc0\xaf')), '\\xc0\\xaf'); // overlong '/'
    assert.equal(keyToText(b('\xed\xa0\x80')), '\\xed\\xa0\\x80'); // UTF-16 surrogate
    assert.equal(keyToText(b('line\nbreak\t')), 'line\\x0abreak\\x09');
    assert.equal(keyToText(Buffer.from('zero\u200bwidth')), 'zero\\xe2\\x80\\x8bwidth'); // invisible format character
  });
  test('the text parses back to exactly the same bytes', () => {
    const keys = [b('a\x00b'), b('\xff\xfe'), b('a\\b\\\\'), b('\xc3\x28/\xe2\x82'), Buffer.from('/registry/ñ'), b('\\x41'), b('')];
    for (let i = 0; i < 2000; i++) keys.push(Buffer.from(Array.from({ length: i % 17 }, (_, j) => (i * 131 + j * 71 + (i >> 3)) & 0xff)));
    for (const k of keys) assert.equal(hex(keyFromText(keyToText(k))), hex(k), `round trip of ${hex(k)} via ${keyToText(k)}`);
  });
  test('a literal "\\x41" in a key stays distinguishable from the byte 0x41', () => {
    assert.equal(keyToText(b('\\x41')), '\\\\x41');
    assert.deepEqual(keyFromText('\\x41'), b('A'));
  });
  test('malformed escapes are refused with a hint', () => {
    for (const bad of ['a\\', 'a\\q', '\\x4', '\\xzz']) {
      assert.throws(
        () => keyFromText(bad),
        (e: unknown) => e instanceof EtcdStudioError && e.code === 'InvalidArgument' && /\\xNN/.test(e.message),
        bad,
      );
    }
  });
});

describe('Kubernetes keys', () => {
  test('namespaced and cluster-scoped objects', () => {
    assert.deepEqual(parseK8sKey('/registry/pods/default/web-0'), {
      resource: 'pods',
      group: undefined,
      k8sKind: 'Pod',
      namespace: 'default',
      name: 'web-0',
      clusterScoped: false,
    });
    assert.deepEqual(parseK8sKey('/registry/namespaces/kube-system'), {
      resource: 'namespaces',
      group: undefined,
      k8sKind: 'Namespace',
      name: 'kube-system',
      clusterScoped: true,
    });
    assert.equal(parseK8sKey('/registry/minions/node-1')?.k8sKind, 'Node');
  });
  test('historical paths: services/specs, services/endpoints, controllers, ingress', () => {
    assert.deepEqual(parseK8sKey('/registry/services/specs/default/kubernetes'), {
      resource: 'services/specs',
      group: undefined,
      k8sKind: 'Service',
      namespace: 'default',
      name: 'kubernetes',
      clusterScoped: false,
    });
    assert.equal(parseK8sKey('/registry/services/endpoints/default/kubernetes')?.k8sKind, 'Endpoints');
    assert.equal(parseK8sKey('/registry/controllers/default/rc-1')?.k8sKind, 'ReplicationController');
    assert.equal(parseK8sKey('/registry/ingress/default/web')?.k8sKind, 'Ingress');
  });
  test('API groups: CRDs, APIServices and custom resources', () => {
    assert.deepEqual(parseK8sKey('/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com'), {
      resource: 'apiextensions.k8s.io/customresourcedefinitions',
      group: 'apiextensions.k8s.io',
      k8sKind: 'CustomResourceDefinition',
      name: 'widgets.example.com',
      clusterScoped: true,
    });
    assert.equal(parseK8sKey('/registry/apiregistration.k8s.io/apiservices/v1.apps')?.k8sKind, 'APIService');
    assert.deepEqual(parseK8sKey('/registry/example.com/widgets/team-a/w1'), {
      resource: 'example.com/widgets',
      group: 'example.com',
      k8sKind: undefined,
      namespace: 'team-a',
      name: 'w1',
      clusterScoped: false,
    });
    assert.equal(parseK8sKey('/registry/example.com/clusterwidgets/w1')?.clusterScoped, true);
  });
  test('keys that are not objects are not parsed as ones', () => {
    for (const k of [
      '/registry/',
      '/registry/pods/',
      '/registry/pods/a/b/c',
      '/other/pods/a/b',
      '/registry/namespaces/a/b',
      '/registry//x',
    ]) {
      assert.equal(parseK8sKey(k), undefined, k);
    }
    assert.equal(parseK8sKey(b('/registry/pods/\xff/x')), undefined);
  });
  test('tree levels are labelled', () => {
    assert.deepEqual(describeLevel('/registry/'), { kind: 'registry' });
    assert.deepEqual(describeLevel('/registry/pods/'), {
      kind: 'resource',
      resource: 'pods',
      group: undefined,
      k8sKind: 'Pod',
      namespaced: true,
    });
    assert.deepEqual(describeLevel('/registry/minions/'), {
      kind: 'resource',
      resource: 'minions',
      group: undefined,
      k8sKind: 'Node',
      namespaced: false,
    });
    assert.deepEqual(describeLevel('/registry/pods/ns-7/'), {
      kind: 'namespace',
      resource: 'pods',
      group: undefined,
      k8sKind: 'Pod',
      namespace: 'ns-7',
    });
    assert.deepEqual(describeLevel('/registry/services/'), { kind: 'group', group: 'services' });
    assert.deepEqual(describeLevel('/registry/services/specs/'), {
      kind: 'resource',
      resource: 'services/specs',
      group: undefined,
      k8sKind: 'Service',
      namespaced: true,
    });
    assert.deepEqual(describeLevel('/registry/example.com/'), { kind: 'group', group: 'example.com' });
    assert.deepEqual(describeLevel('/registry/example.com/widgets/'), {
      kind: 'resource',
      resource: 'example.com/widgets',
      group: 'example.com',
      k8sKind: undefined,
      namespaced: undefined,
    });
    assert.deepEqual(describeLevel('/registry/example.com/widgets/team-a/'), {
      kind: 'namespace',
      resource: 'example.com/widgets',
      group: 'example.com',
      k8sKind: undefined,
      namespace: 'team-a',
    });
    assert.deepEqual(describeLevel('/registry/apiextensions.k8s.io/customresourcedefinitions/'), {
      kind: 'resource',
      resource: 'apiextensions.k8s.io/customresourcedefinitions',
      group: 'apiextensions.k8s.io',
      k8sKind: 'CustomResourceDefinition',
      namespaced: false,
    });
    assert.deepEqual(describeLevel('/other/'), { kind: 'plain' });
    assert.deepEqual(describeLevel(b('/registry/\xff/')), { kind: 'plain' });
    assert.equal(kindOfResource('minions'), 'Node');
  });
});
