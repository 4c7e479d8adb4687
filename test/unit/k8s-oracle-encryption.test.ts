/**
 * Encryption at rest as kube-apiserver does it: the oracle writes through the real EncryptionConfiguration
 * transformers (aescbc, aesgcm, secretbox, identity, and KMS v2 through a local plugin built on k8s.io/kms),
 * with key rotation (two keys, old data under the old one). We decrypt every value for viewing with the
 * same config file and see exactly what the API server reads; a wrong key, a missing key, an unreachable
 * KMS plugin or no config at all give a clear message; decrypted values stay read-only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getKey } from '../../src/core/etcd/kv';
import { decodeValue } from '../../src/core/k8s/codec';
import { decryptorFor, decryptValueAsync, decryptValueDetailed, DecryptError, loadEncryptionConfig } from '../../src/core/k8s/encryption';
import { parseEncryptionPrefix } from '../../src/core/k8s/envelope';
import { parseJsonExact } from '../../src/core/k8s/goJson';
import { renderValue } from '../../src/core/values/render';
import { Oracle, type Target } from '../harness/oracle';
import { runCli } from '../harness/cli';
import { useEtcdConnection } from '../harness/useEtcd';

type Provider = 'aescbc' | 'aesgcm' | 'secretbox' | 'kms' | 'identity';

/** One resource per provider, as an EncryptionConfiguration would configure them. */
const RESOURCES: { provider: Provider; resource: string; kind: string; group?: string; prefix: string }[] = [
  { provider: 'aescbc', resource: 'secrets', kind: 'Secret', prefix: '/registry/secrets/default' },
  { provider: 'aesgcm', resource: 'configmaps', kind: 'ConfigMap', prefix: '/registry/configmaps/default' },
  {
    provider: 'secretbox',
    resource: 'leases.coordination.k8s.io',
    kind: 'Lease',
    group: 'coordination.k8s.io',
    prefix: '/registry/leases/default',
  },
  { provider: 'kms', resource: 'serviceaccounts', kind: 'ServiceAccount', prefix: '/registry/serviceaccounts/default' },
  { provider: 'identity', resource: 'events', kind: 'Event', prefix: '/registry/events/default' },
];

const secrets = {
  aescbc: [randomBytes(32), randomBytes(32)],
  aesgcm: [randomBytes(16), randomBytes(32)],
  secretbox: [randomBytes(32), randomBytes(32)],
};

/** The config before (`keys: [key1]`) or after rotation (`keys: [key2, key1]`: new writes use key2). */
function configText(opts: {
  rotated: boolean;
  socket: string;
  secretOf?: (p: keyof typeof secrets, i: number) => Buffer;
  only?: 'key2';
}): string {
  const keyList = (p: keyof typeof secrets): string => {
    const of = opts.secretOf ?? ((q, i) => secrets[q][i]);
    const k1 = `{name: key1, secret: ${of(p, 0).toString('base64')}}`;
    const k2 = `{name: key2, secret: ${of(p, 1).toString('base64')}}`;
    return opts.only === 'key2' ? `[${k2}]` : opts.rotated ? `[${k2}, ${k1}]` : `[${k1}]`;
  };
  const provider = (p: Provider): string =>
    p === 'identity'
      ? '{identity: {}}'
      : p === 'kms'
        ? `{kms: {apiVersion: v2, name: local-kms, endpoint: "unix://${opts.socket}", timeout: 3s}}`
        : `{${p}: {keys: ${keyList(p)}}}`;
  const lines = ['apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:'];
  for (const r of RESOURCES) {
    lines.push(`- resources: [${r.resource}]`);
    // identity first for events (written unencrypted), second everywhere else (reads of old plain values)
    lines.push(
      `  providers: [${r.provider === 'identity' ? `{identity: {}}, ${provider('aescbc')}` : `${provider(r.provider)}, {identity: {}}`}]`,
    );
  }
  return lines.join('\n') + '\n';
}

function objectFor(r: (typeof RESOURCES)[number], name: string): Record<string, unknown> {
  const metadata = { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-11-01T10:00:00Z' };
  const apiVersion = r.group ? `${r.group}/v1` : 'v1';
  const body: Record<string, Record<string, unknown>> = {
    Secret: { type: 'Opaque', data: { password: Buffer.from(`pw-${name}`).toString('base64') } },
    ConfigMap: { data: { config: `value of ${name}` } },
    Lease: { spec: { holderIdentity: name, leaseDurationSeconds: 40 } },
    ServiceAccount: { automountServiceAccountToken: false },
    Event: { involvedObject: { kind: 'Pod', name }, reason: 'Tested', message: `event ${name}`, count: 1 },
  };
  return { kind: r.kind, apiVersion, metadata, ...body[r.kind] };
}

describe("encryption at rest written by kube-apiserver's own transformers, decrypted for viewing", () => {
  const t = useEtcdConnection('oracle-encryption');
  let oracle: Oracle;
  let dir: string;
  let socket: string;
  const file = (name: string): string => path.join(dir, name);
  /** Every value the oracle wrote: key, resource, whether before rotation, and the JSON the API server reads. */
  const written: { key: string; r: (typeof RESOURCES)[number]; old: boolean; json: string }[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-enc-'));
    socket = file('kms.sock');
    oracle = Oracle.start();
    await oracle.kms(socket, 'kek-1');
    writeFileSync(file('before.yaml'), configText({ rotated: false, socket }));
    writeFileSync(file('after.yaml'), configText({ rotated: true, socket }));
    for (const [config, old] of [
      ['before.yaml', true],
      ['after.yaml', false],
    ] as const) {
      if (!old) await oracle.kms(socket, 'kek-2'); // the KMS rotates its key encryption key too
      await oracle.connect(t.etcd.endpoints, file(config));
      for (const r of RESOURCES) {
        const name = `${r.kind.toLowerCase()}-${old ? 'old' : 'new'}`;
        const target: Target = {
          kind: { group: r.group ?? '', version: 'v1', kind: r.kind },
          key: `${r.prefix}/${name}`,
          resource: r.resource,
        };
        await oracle.create(target, objectFor(r, name));
        const json = parseJsonExact((await oracle.get(target)).json) as { metadata: Record<string, unknown> };
        delete json.metadata.resourceVersion;
        written.push({ key: target.key, r, old, json: JSON.stringify(json) });
      }
    }
  });
  after(async () => {
    await oracle?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (key: string): Promise<Buffer> => (await getKey(t.conn, Buffer.from(key)))!.value;

  test('values carry the provider and key that wrote them (old under key1, new under key2)', async () => {
    for (const w of written) {
      const enc = parseEncryptionPrefix(await stored(w.key));
      if (w.r.provider === 'identity') {
        assert.equal(enc, undefined, `${w.key} is stored unencrypted`);
        continue;
      }
      assert.ok(enc, `${w.key} is encrypted`);
      assert.equal(enc.provider, w.r.provider);
      assert.equal(enc.keyName, w.r.provider === 'kms' ? 'local-kms' : w.old ? 'key1' : 'key2', w.key);
    }
  });

  test('every value decrypts with the same EncryptionConfiguration and decodes to what the API server reads', async () => {
    const config = loadEncryptionConfig(file('after.yaml'));
    for (const w of written) {
      const bytes = await stored(w.key);
      let plain: Uint8Array = bytes;
      if (w.r.provider !== 'identity') {
        const dec = await decryptValueAsync(bytes, w.key, config);
        assert.equal(dec.encryption.provider, w.r.provider);
        plain = dec.plaintext;
      }
      const d = decodeValue(plain, { key: w.key });
      assert.equal(d.format, 'k8s-protobuf', w.key);
      assert.deepStrictEqual((d as { object?: unknown }).object, JSON.parse(w.json), w.key);
    }
  });

  test('the editor shows them decrypted and read-only (KMS v2 data keys asked from the plugin first)', async () => {
    const decrypt = decryptorFor(loadEncryptionConfig(file('after.yaml')));
    for (const w of written.filter((x) => x.r.provider !== 'identity')) {
      const bytes = await stored(w.key);
      await decrypt.prepare(bytes, w.key);
      const shown = renderValue(bytes, w.key, undefined, { decrypt });
      assert.equal(shown.view, 'yaml', `${w.key}: ${shown.readOnlyReason}`);
      assert.match(shown.text, new RegExp(`name: ${(JSON.parse(w.json) as { metadata: { name: string } }).metadata.name}$`, 'm'));
      assert.match(shown.readOnlyReason ?? '', /encrypted values are read-only/);
    }
  });

  test('etcd-studio get --encryption-config decrypts every provider, KMS v2 included', async () => {
    for (const w of written.filter((x) => x.r.provider !== 'identity')) {
      const r = await runCli(['get', w.key, '-o', 'json', '--endpoints', t.etcd.endpoints[0], '--encryption-config', file('after.yaml')]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepStrictEqual(JSON.parse(r.stdout), JSON.parse(w.json));
      assert.match(r.stderr, new RegExp(`decrypted for viewing with key .*\\(${w.r.provider}\\)`));
    }
  });

  test('the pre-rotation config still opens old values and names the key it lacks for new ones', async () => {
    const config = loadEncryptionConfig(file('before.yaml'));
    for (const w of written.filter((x) => ['aescbc', 'aesgcm', 'secretbox'].includes(x.r.provider))) {
      const bytes = await stored(w.key);
      if (w.old) {
        assert.ok((await decryptValueAsync(bytes, w.key, config)).plaintext.length > 0);
      } else {
        assert.throws(
          () => decryptValueDetailed(bytes, w.key, config),
          (e: unknown) =>
            e instanceof DecryptError &&
            e.reason === 'unknown-key' &&
            e.message.includes(
              `key "key2" is not in ${file('before.yaml')} as a ${w.r.provider} key (its ${w.r.provider} keys are "key1")`,
            ),
        );
      }
    }
  });

  test('a config whose keys have the right names but other secrets says: wrong key', async () => {
    writeFileSync(file('wrong.yaml'), configText({ rotated: true, socket, secretOf: (p) => randomBytes(secrets[p][0].length) }));
    const config = loadEncryptionConfig(file('wrong.yaml'));
    for (const w of written.filter((x) => ['aescbc', 'aesgcm', 'secretbox'].includes(x.r.provider))) {
      const bytes = await stored(w.key);
      assert.throws(
        () => decryptValueDetailed(bytes, w.key, config),
        (e: unknown) => e instanceof DecryptError && e.reason === 'auth' && /wrong key or corrupted value/.test(e.message),
        w.key,
      );
    }
  });

  test('a KMS plugin that cannot be reached, or a provider the config lacks, is named in the message', async () => {
    const kmsValue = written.find((w) => w.r.provider === 'kms')!;
    const bytes = await stored(kmsValue.key);
    writeFileSync(file('nokms.yaml'), configText({ rotated: true, socket: file('missing.sock') }));
    await assert.rejects(
      decryptValueAsync(bytes, kmsValue.key, loadEncryptionConfig(file('nokms.yaml'))),
      (e: unknown) =>
        e instanceof DecryptError &&
        e.reason === 'kms-plugin' &&
        e.message.includes(`cannot reach the plugin at unix://${file('missing.sock')}`),
    );
    writeFileSync(file('nokms2.yaml'), configText({ rotated: true, socket }).replace('name: local-kms', 'name: other-kms'));
    await assert.rejects(
      decryptValueAsync(bytes, kmsValue.key, loadEncryptionConfig(file('nokms2.yaml'))),
      (e: unknown) =>
        e instanceof DecryptError &&
        /KMS v2 provider "local-kms", which is not in .* \(its KMS v2 providers are "other-kms"\)/.test(e.message),
    );
  });

  test('without a config the value is shown as encrypted, read-only, with the provider and key named', async () => {
    const w = written.find((x) => x.r.provider === 'aesgcm' && !x.old)!;
    const bytes = await stored(w.key);
    const shown = renderValue(bytes, w.key);
    assert.equal(shown.view, 'hex');
    assert.match(shown.readOnlyReason!, /encrypted at rest by kube-apiserver \(provider aesgcm, key "key2"\); it cannot be edited here/);
    const r = await runCli(['get', w.key, '--endpoints', t.etcd.endpoints[0]]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--encryption-config FILE/);
  });
});
