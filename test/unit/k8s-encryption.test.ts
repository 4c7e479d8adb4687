/**
 * Decrypting values kube-apiserver encrypted at rest, with keys from its EncryptionConfiguration.
 * No kube-apiserver here, so the values are built exactly as kubernetes/apiserver writes them
 * (pkg/storage/value/encrypt/aes/aes.go, secretbox/secretbox.go, server/options/encryptionconfig/config.go):
 *   k8s:enc:aescbc:v1:<name>:    IV(16) + AES-CBC(PKCS#7-padded plaintext)
 *   k8s:enc:aesgcm:v1:<name>:    nonce(12) + AES-GCM(plaintext, AAD = etcd key) + tag(16)
 *   k8s:enc:secretbox:v1:<name>: nonce(24) + NaCl secretbox (tag(16) + XSalsa20 ciphertext)
 */
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import nacl from 'tweetnacl';
import { parseArgs } from '../../src/cli/args';
import { runDecode } from '../../src/cli/codecCommands';
import type { CliIo } from '../../src/cli/io';
import { runGet } from '../../src/cli/kvCommands';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { putIfUnchanged } from '../../src/core/etcd/kv';
import { decodeForViewing, encryptionConfigOf } from '../../src/core/values/decryptor';
import { decodeValue, toYaml } from '../../src/core/k8s/codec';
import {
  DecryptError,
  EncryptionConfigError,
  decodeStdBase64,
  decryptValue,
  decryptValueDetailed,
  decryptorFor,
  loadEncryptionConfig,
  parseEncryptionConfig,
  type EncryptionConfig,
  type LocalProvider,
} from '../../src/core/k8s/encryption';
import { encodeEdit, renderValue } from '../../src/core/values/render';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { loadFixtures } from './k8s-vectors';

const secretFixture = loadFixtures().find((f) => f.name === 'core.v1.Secret')!;
const PLAIN = secretFixture.pb;
const OBJECT = JSON.parse(secretFixture.json);
const KEY = '/registry/secrets/namespaceValue/nameValue';

/** Deterministic key material of `size` bytes (never a real key). */
function keyOf(size: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed * 17 + 7) & 0xff));
}

/** What kube-apiserver's transformers write for `plain` stored under `etcdKey`. */
function encrypt(provider: LocalProvider, name: string, secret: Uint8Array, plain: Uint8Array, etcdKey = KEY): Buffer {
  const prefix = Buffer.from(`k8s:enc:${provider}:v1:${name}:`);
  if (provider === 'aescbc') {
    const iv = crypto.randomBytes(16);
    const c = crypto.createCipheriv(`aes-${secret.length * 8}-cbc`, secret, iv); // PKCS#7 padding, 1..16 bytes, as aes.go
    return Buffer.concat([prefix, iv, c.update(plain), c.final()]);
  }
  if (provider === 'aesgcm') {
    const nonce = crypto.randomBytes(12);
    const c = crypto.createCipheriv(`aes-${secret.length * 8}-gcm` as crypto.CipherGCMTypes, secret, nonce);
    c.setAAD(Buffer.from(etcdKey));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([prefix, nonce, body, c.getAuthTag()]);
  }
  const nonce = crypto.randomBytes(24);
  return Buffer.concat([prefix, nonce, nacl.secretbox(plain, nonce, secret)]);
}

function configYaml(
  providers: { provider: LocalProvider; keys: { name: string; secret: Uint8Array }[] }[],
  resources = ['secrets'],
): string {
  const lines = ['apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:', '  - resources:'];
  for (const r of resources) lines.push(`      - ${r}`);
  lines.push('    providers:');
  for (const p of providers) {
    lines.push(`      - ${p.provider}:`, '          keys:');
    for (const k of p.keys)
      lines.push(`            - name: ${k.name}`, `              secret: ${Buffer.from(k.secret).toString('base64')}`);
  }
  lines.push('      - identity: {}');
  return lines.join('\n') + '\n';
}

function configFor(provider: LocalProvider, name: string, secret: Uint8Array): EncryptionConfig {
  return parseEncryptionConfig(configYaml([{ provider, keys: [{ name, secret }] }]), '/etc/kubernetes/enc.yaml');
}

function expectDecryptError(fn: () => unknown, reason: DecryptError['reason'], re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DecryptError, `expected DecryptError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    assert.match(e.message, re);
    return true;
  });
}

function expectConfigError(text: string, re: RegExp, check?: (e: EncryptionConfigError) => void): void {
  assert.throws(
    () => parseEncryptionConfig(text, 'enc.yaml'),
    (e: unknown) => {
      assert.ok(e instanceof EncryptionConfigError, `expected EncryptionConfigError, got ${String(e)}`);
      assert.match(e.message, re);
      check?.(e);
      return true;
    },
  );
}

const SIZES: Record<LocalProvider, number[]> = { aescbc: [16, 24, 32], aesgcm: [16, 24, 32], secretbox: [32] };

describe('decrypt values as kube-apiserver writes them (core.v1.Secret fixture)', () => {
  for (const provider of ['aescbc', 'aesgcm', 'secretbox'] as const) {
    for (const size of SIZES[provider]) {
      test(`${provider} with a ${size}-byte key: decrypt -> decodeValue equals the fixture JSON`, () => {
        const secret = keyOf(size, 1);
        const stored = encrypt(provider, 'k1', secret, PLAIN);
        const outer = decodeValue(stored, { key: KEY });
        assert.equal(outer.format, 'encrypted');
        const r = decryptValueDetailed(stored, KEY, configFor(provider, 'k1', secret));
        assert.deepEqual(Buffer.from(r.plaintext), Buffer.from(PLAIN));
        assert.equal(r.key.name, 'k1');
        assert.equal(r.key.provider, provider);
        assert.equal(r.key.size, size);
        const d = decodeValue(r.plaintext, { key: KEY });
        assert.equal(d.error, undefined);
        assert.deepEqual('object' in d ? d.object : undefined, OBJECT);
      });
    }
  }

  test('JSON and CBOR plaintexts (custom resources) decrypt too', () => {
    const secret = keyOf(32, 2);
    const json = Buffer.from('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}\n');
    for (const provider of ['aescbc', 'aesgcm', 'secretbox'] as const) {
      const plain = decryptValue(
        encrypt(provider, 'k', secret, json, '/registry/example.com/widgets/w'),
        '/registry/example.com/widgets/w',
        configFor(provider, 'k', secret),
      );
      assert.deepEqual(Buffer.from(plain), json);
    }
  });

  test('the key is chosen by the name in the prefix, among several keys and providers (rotation)', () => {
    const [a, b, c] = [keyOf(32, 3), keyOf(16, 4), keyOf(32, 5)];
    const config = parseEncryptionConfig(
      configYaml([
        {
          provider: 'aesgcm',
          keys: [
            { name: 'new', secret: a },
            { name: 'old', secret: b },
          ],
        },
        { provider: 'aescbc', keys: [{ name: 'new', secret: c }] },
        { provider: 'secretbox', keys: [{ name: 'sb', secret: c }] },
      ]),
      'enc.yaml',
    );
    assert.deepEqual(Buffer.from(decryptValue(encrypt('aesgcm', 'old', b, PLAIN), KEY, config)), Buffer.from(PLAIN));
    assert.deepEqual(Buffer.from(decryptValue(encrypt('aesgcm', 'new', a, PLAIN), KEY, config)), Buffer.from(PLAIN));
    assert.deepEqual(Buffer.from(decryptValue(encrypt('aescbc', 'new', c, PLAIN), KEY, config)), Buffer.from(PLAIN));
    assert.deepEqual(Buffer.from(decryptValue(encrypt('secretbox', 'sb', c, PLAIN), KEY, config)), Buffer.from(PLAIN));
  });

  test('one name with different secrets in two resources entries: each is tried, as kube-apiserver does', () => {
    const [a, b] = [keyOf(32, 6), keyOf(32, 7)];
    const text =
      `${configYaml([{ provider: 'aesgcm', keys: [{ name: 'k', secret: a }] }], ['configmaps'])}` +
      configYaml([{ provider: 'aesgcm', keys: [{ name: 'k', secret: b }] }])
        .split('\n')
        .slice(3)
        .join('\n');
    const config = parseEncryptionConfig(text, 'enc.yaml');
    assert.equal(config.keys.length, 2);
    assert.deepEqual(
      config.keys.map((k) => k.resources),
      [['configmaps'], ['secrets']],
    );
    assert.deepEqual(Buffer.from(decryptValue(encrypt('aesgcm', 'k', b, PLAIN), KEY, config)), Buffer.from(PLAIN));
    expectDecryptError(
      () => decryptValue(encrypt('aesgcm', 'k', keyOf(32, 8), PLAIN), KEY, config),
      'auth',
      /tried all 2 aesgcm keys named "k"/,
    );
  });

  test('the etcd key may be given as bytes', () => {
    const secret = keyOf(24, 9);
    assert.deepEqual(
      Buffer.from(decryptValue(encrypt('aesgcm', 'k1', secret, PLAIN), Buffer.from(KEY), configFor('aesgcm', 'k1', secret))),
      Buffer.from(PLAIN),
    );
  });
});

describe('decryption failures say why', () => {
  for (const provider of ['aescbc', 'aesgcm', 'secretbox'] as const) {
    test(`${provider}: unknown key name`, () => {
      const stored = encrypt(provider, 'gone', keyOf(32, 1), PLAIN);
      expectDecryptError(
        () => decryptValue(stored, KEY, configFor(provider, 'k1', keyOf(32, 1))),
        'unknown-key',
        new RegExp(`^key "gone" is not in /etc/kubernetes/enc\\.yaml as a ${provider} key \\(its ${provider} keys are "k1"\\)`),
      );
    });

    test(`${provider}: wrong secret under the right name`, () => {
      const stored = encrypt(provider, 'k1', keyOf(32, 1), PLAIN);
      expectDecryptError(
        () => decryptValue(stored, KEY, configFor(provider, 'k1', keyOf(32, 2))),
        'auth',
        new RegExp(`cannot decrypt ${KEY} with key "k1" \\(${provider}\\) from /etc/kubernetes/enc\\.yaml: wrong key or corrupted value`),
      );
    });

    test(`${provider}: tampered ciphertext`, () => {
      const secret = keyOf(32, 1);
      const stored = encrypt(provider, 'k1', secret, PLAIN);
      const prefixLength = decodeValue(stored).format === 'encrypted' ? `k8s:enc:${provider}:v1:k1:`.length : 0;
      // aescbc has no MAC: flipping an IV byte flips the same plaintext byte (the "k8s\0" magic), which is caught;
      // the AEADs catch any flipped byte, here one in the middle of the ciphertext
      const at = provider === 'aescbc' ? prefixLength : prefixLength + Math.floor((stored.length - prefixLength) / 2);
      const tampered = Buffer.from(stored);
      tampered[at] ^= 0x01;
      expectDecryptError(() => decryptValue(tampered, KEY, configFor(provider, 'k1', secret)), 'auth', /wrong key or corrupted value/);
    });

    test(`${provider}: truncated value`, () => {
      const stored = encrypt(provider, 'k1', keyOf(32, 1), PLAIN);
      const prefix = `k8s:enc:${provider}:v1:k1:`.length;
      expectDecryptError(
        () => decryptValue(stored.subarray(0, prefix + 10), KEY, configFor(provider, 'k1', keyOf(32, 1))),
        'truncated',
        new RegExp(`${KEY} is truncated: 10 bytes follow the ${provider} prefix, but it needs at least \\d+`),
      );
      // cut inside the ciphertext: CBC sees a partial block, the AEADs a wrong tag
      const cut = stored.subarray(0, stored.length - 5);
      expectDecryptError(
        () => decryptValue(cut, KEY, configFor(provider, 'k1', keyOf(32, 1))),
        provider === 'aescbc' ? 'truncated' : 'auth',
        provider === 'aescbc' ? /not a whole number of 16-byte blocks/ : /wrong key or corrupted value/,
      );
    });
  }

  test('aesgcm authenticates the etcd key: the same value under another key does not decrypt', () => {
    const secret = keyOf(32, 1);
    const stored = encrypt('aesgcm', 'k1', secret, PLAIN);
    const config = configFor('aesgcm', 'k1', secret);
    assert.deepEqual(Buffer.from(decryptValue(stored, KEY, config)), Buffer.from(PLAIN));
    expectDecryptError(
      () => decryptValue(stored, '/registry/secrets/namespaceValue/other', config),
      'auth',
      /wrong key or corrupted value; aesgcm also authenticates the etcd key, so a value copied from another key fails too/,
    );
    expectDecryptError(() => decryptValue(stored, '', config), 'auth', /or decrypted without --key/);
  });

  test('aescbc and secretbox do not bind the etcd key (as in kube-apiserver)', () => {
    for (const provider of ['aescbc', 'secretbox'] as const) {
      const secret = keyOf(32, 1);
      assert.deepEqual(
        Buffer.from(decryptValue(encrypt(provider, 'k1', secret, PLAIN), '/registry/secrets/x/y', configFor(provider, 'k1', secret))),
        Buffer.from(PLAIN),
      );
    }
  });

  test('the name under another provider is pointed out', () => {
    const stored = encrypt('aescbc', 'k1', keyOf(32, 1), PLAIN);
    expectDecryptError(
      () => decryptValue(stored, KEY, configFor('aesgcm', 'k1', keyOf(32, 1))),
      'unknown-key',
      /key "k1" is not in \/etc\/kubernetes\/enc\.yaml as a aescbc key \(it has a key "k1" for aesgcm, but the value was written by aescbc\)/,
    );
  });

  test('kms v1, KMS v2 providers the config lacks, unknown providers and plain values are refused clearly', () => {
    const config = configFor('aesgcm', 'k1', keyOf(32, 1));
    const kms1 = Buffer.concat([Buffer.from('k8s:enc:kms:v1:my-kms:'), crypto.randomBytes(64)]);
    expectDecryptError(
      () => decryptValue(kms1, KEY, config),
      'unsupported',
      /KMS v1 provider "my-kms": KMS v1 is deprecated .* cannot decrypt it/,
    );
    const kms2 = Buffer.concat([Buffer.from('k8s:enc:kms:v2:my-kms:'), crypto.randomBytes(64)]);
    expectDecryptError(
      () => decryptValue(kms2, KEY, config),
      'unknown-key',
      /encrypted by the KMS v2 provider "my-kms", which is not in .* \(it has no KMS v2 provider\)/,
    );
    const other = Buffer.concat([Buffer.from('k8s:enc:aesxyz:v1:k1:'), crypto.randomBytes(64)]);
    expectDecryptError(() => decryptValue(other, KEY, config), 'unsupported', /unsupported provider "aesxyz"/);
    expectDecryptError(() => decryptValue(PLAIN, KEY, config), 'not-encrypted', /not encrypted at rest/);
  });
});

describe('XSalsa20-Poly1305 (tweetnacl) against the published NaCl secretbox vector', () => {
  // "Cryptography in NaCl" (D. J. Bernstein), tests/secretbox.c: firstkey, nonce, the 131-byte message
  // and its box (without the 16 leading zero bytes of the C API), the byte layout Go's secretbox.Seal writes
  const key = Buffer.from('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389', 'hex');
  const nonce = Buffer.from('69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37', 'hex');
  const message = Buffer.from(
    'be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e' +
      '3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705',
    'hex',
  );
  const box = Buffer.from(
    'f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972' +
      '71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3' +
      '7973f622a43d14a6599b1f654cb45a74e355a5',
    'hex',
  );

  test('seal gives the published box, open gives the message back', () => {
    assert.equal(message.length, 131);
    assert.equal(Buffer.from(nacl.secretbox(message, nonce, key)).toString('hex'), box.toString('hex'));
    assert.deepEqual(Buffer.from(nacl.secretbox.open(box, nonce, key)!), message);
  });

  test('a stored k8s:enc:secretbox value made of the vector decrypts to the message', () => {
    const stored = Buffer.concat([Buffer.from('k8s:enc:secretbox:v1:nacl:'), nonce, box]);
    assert.deepEqual(Buffer.from(decryptValue(stored, KEY, configFor('secretbox', 'nacl', key))), message);
  });
});

describe('EncryptionConfiguration parsing', () => {
  test('the legacy EncryptionConfig/v1 form with every provider (kubernetes/apiserver testdata shape)', () => {
    const config = parseEncryptionConfig(
      [
        'kind: EncryptionConfig',
        'apiVersion: v1',
        'resources:',
        '  - resources:',
        '      - secrets',
        '      - namespaces',
        '    providers:',
        '      - identity: {}',
        '      - aesgcm:',
        '          keys:',
        '            - name: key1',
        '              secret: c2VjcmV0IGlzIHNlY3VyZQ==',
        '            - name: key2',
        '              secret: dGhpcyBpcyBwYXNzd29yZA==',
        '      - kms:',
        '          name: testprovider',
        '          endpoint: unix:///tmp/testprovider.sock',
        '          cachesize: 10',
        '      - aescbc:',
        '          keys:',
        '            - name: key1',
        '              secret: c2VjcmV0IGlzIHNlY3VyZQ==',
        '      - secretbox:',
        '          keys:',
        '            - name: key1',
        '              secret: YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=',
      ].join('\n'),
      'legacy.yaml',
    );
    assert.deepEqual(
      config.keys.map((k) => `${k.provider}/${k.name}/${k.size}@${k.line}`),
      ['aesgcm/key1/16@11', 'aesgcm/key2/16@13', 'aescbc/key1/16@21', 'secretbox/key1/32@25'],
    );
    assert.equal(config.keys[0].path, 'resources[0].providers[1].aesgcm.keys[0]');
    assert.deepEqual(config.keys[0].resources, ['secrets', 'namespaces']);
    assert.deepEqual(config.kms, [
      {
        name: 'testprovider',
        apiVersion: 'v1',
        endpoint: 'unix:///tmp/testprovider.sock',
        timeoutMs: 3000,
        path: 'resources[0].providers[2].kms',
      },
    ]);
    assert.equal(config.notes.length, 2);
    assert.match(config.notes[0], /providers\[0\]\.identity: identity/);
    assert.match(config.notes[1], /providers\[2\]\.kms: KMS v1 provider "testprovider" ignored: KMS v1 is deprecated/);
  });

  test('JSON is accepted too; unknown fields are noted, not fatal', () => {
    const config = parseEncryptionConfig(
      JSON.stringify({
        kind: 'EncryptionConfiguration',
        apiVersion: 'apiserver.config.k8s.io/v1',
        resources: [
          {
            resources: ['*.*'],
            providers: [{ aescbc: { keys: [{ name: 'k', secret: keyOf(32, 1).toString('base64'), pandas: 'yes' }] } }],
          },
        ],
      }),
      'enc.json',
    );
    assert.equal(config.keys.length, 1);
    assert.match(config.notes.join('\n'), /resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.pandas: unknown field ignored/);
  });

  test('secrets never show in JSON, inspect or messages', () => {
    const secret = keyOf(32, 11);
    const b64 = secret.toString('base64');
    const config = configFor('aesgcm', 'k1', secret);
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10, showHidden: true }), inspect(config.keys)]) {
      assert.ok(!text.includes(b64), text);
      assert.ok(!text.includes(secret.toString('hex')), text);
    }
    try {
      decryptValue(encrypt('aesgcm', 'k1', keyOf(32, 12), PLAIN), KEY, config);
      assert.fail('should not decrypt');
    } catch (e) {
      assert.ok(!String((e as Error).message).includes(b64));
    }
    expectConfigError(`${b64}\n`, /expected an EncryptionConfiguration mapping, found a string$/, (e) =>
      assert.ok(!e.message.includes(b64)),
    );
    const wrongLength = keyOf(20, 1).toString('base64');
    expectConfigError(configYaml([{ provider: 'aesgcm', keys: [{ name: 'k', secret: keyOf(20, 1) }] }]), /./, (e) =>
      assert.ok(!e.message.includes(wrongLength)),
    );
  });

  test('invalid YAML names the line', () => {
    expectConfigError(
      'kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nresources:\n  - resources: [secrets\n',
      /^Invalid encryption config enc\.yaml: line \d+: invalid YAML at line \d+/,
    );
    expectConfigError('kind: a\nkind: b\n', /invalid YAML .*(unique|Map keys)/i);
  });

  test('empty file, not a mapping, another kind', () => {
    expectConfigError('', /^Invalid encryption config enc\.yaml: the file is empty$/);
    expectConfigError('- a\n- b\n', /expected an EncryptionConfiguration mapping, found a list/);
    expectConfigError(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\n',
      /line 2: kind: this is a Pod \(v1\), not an EncryptionConfiguration/,
    );
    expectConfigError('resources: []\n', /this is an object without kind, not an EncryptionConfiguration/);
    expectConfigError(
      'kind: EncryptionConfiguration\napiVersion: v1\nresources: [{resources: [secrets], providers: [{identity: {}}]}]\n',
      /line 2: apiVersion: expected apiVersion apiserver\.config\.k8s\.io\/v1 for kind EncryptionConfiguration, found v1$/,
    );
  });

  test('missing resources, providers and keys (like upstream invalid-aes-gcm.yaml)', () => {
    const head = 'kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\n';
    expectConfigError(head, /resources: missing: at least one resources entry is required/);
    expectConfigError(
      `${head}resources:\n  - resources:\n      - secrets\n`,
      /line 4: resources\[0\]\.providers: missing: at least one provider is required/,
    );
    expectConfigError(
      `${head}resources:\n  - resources:\n      - secrets\n    providers:\n      - aesgcm:\n          keys:\n`,
      /^Invalid encryption config enc\.yaml: line 8: resources\[0\]\.providers\[0\]\.aesgcm\.keys: missing: the aesgcm provider needs at least one key$/,
    );
    expectConfigError(
      `${head}resources:\n  - resources:\n      - secrets\n    providers:\n      - secretbox:\n          keys:\n            - secret: ${keyOf(32, 1).toString('base64')}\n`,
      /line 9: resources\[0\]\.providers\[0\]\.secretbox\.keys\[0\]\.name: missing: every key needs a name/,
    );
    expectConfigError(
      `${head}resources:\n  - resources:\n      - secrets\n    providers:\n      - aescbc:\n          keys:\n            - name: k\n`,
      /resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: missing: every key needs a base64 secret/,
    );
    expectConfigError(
      `${head}resources:\n  - resources:\n      - secrets\n    providers:\n      - aescbc: {keys: [{name: a, secret: x}]}\n        identity: {}\n`,
      /resources\[0\]\.providers\[0\]: more than one provider \(aescbc, identity\)/,
    );
    expectConfigError(
      `${head}resources:\n  - resources:\n      - secrets\n    providers:\n      - secretbx: {}\n`,
      /resources\[0\]\.providers\[0\]: no provider: expected one of aesgcm, aescbc, secretbox, identity, kms, found secretbx/,
    );
  });

  test('bad base64 and wrong key lengths name the path and line', () => {
    const one = (provider: string, secret: string): string =>
      `kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nresources:\n  - resources: [secrets]\n    providers:\n      - ${provider}:\n          keys:\n            - name: k1\n              secret: ${secret}\n`;
    expectConfigError(
      one('aescbc', 'not base64!'),
      /^Invalid encryption config enc\.yaml: line 9: resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: not valid base64/,
    );
    expectConfigError(one('aescbc', keyOf(32, 1).toString('base64').replace(/=+$/, '')), /not valid base64/, (e) =>
      assert.equal(e.issues[0].line, 9),
    );
    expectConfigError(one('aescbc', keyOf(32, 1).toString('base64url')), /not valid base64/);
    expectConfigError(
      one('aescbc', keyOf(20, 1).toString('base64')),
      /line 9: .*aescbc\.keys\[0\]\.secret: the secret is 20 bytes; aescbc keys must be 16, 24 or 32 bytes$/,
    );
    expectConfigError(one('aesgcm', keyOf(64, 1).toString('base64')), /the secret is 64 bytes; aesgcm keys must be 16, 24 or 32 bytes/);
    expectConfigError(one('secretbox', keyOf(16, 1).toString('base64')), /the secret is 16 bytes; secretbox keys must be 32 bytes/);
    for (const size of [16, 24, 32])
      assert.equal(parseEncryptionConfig(one('aesgcm', keyOf(size, 1).toString('base64'))).keys[0].size, size);
  });

  test('every problem is listed at once', () => {
    const text =
      'kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nresources:\n' +
      '  - resources: [secrets]\n    providers:\n      - aescbc: {keys: [{name: a, secret: "@@@@"}]}\n      - secretbox: {keys: [{name: b, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}\n';
    expectConfigError(
      text,
      /2 problems:\n {2}line 6: resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: not valid base64.*\n {2}line 7: resources\[0\]\.providers\[1\]\.secretbox\.keys\[0\]\.secret: the secret is 16 bytes/,
      (e) => {
        assert.equal(e.issues.length, 2);
        assert.equal(e.issues[1].line, 7);
      },
    );
  });

  test('Go base64.StdEncoding rules', () => {
    assert.deepEqual(decodeStdBase64('c2VjcmV0IGlzIHNlY3VyZQ=='), new Uint8Array(Buffer.from('secret is secure')));
    assert.deepEqual(
      decodeStdBase64('c2VjcmV0IGlz\nIHNlY3VyZQ=='),
      new Uint8Array(Buffer.from('secret is secure')),
      'newlines are ignored',
    );
    assert.equal(decodeStdBase64('c2VjcmV0IGlzIHNlY3VyZQ'), undefined, 'padding is required');
    assert.equal(decodeStdBase64('c2VjcmV0_GlzIHNlY3VyZQ=='), undefined, 'URL alphabet is not StdEncoding');
    assert.equal(decodeStdBase64('QR=='), undefined, 'non-zero trailing bits');
  });

  test('loadEncryptionConfig reads a file and says when it cannot', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-config-'));
    try {
      const file = path.join(dir, 'enc.yaml');
      fs.writeFileSync(file, configYaml([{ provider: 'secretbox', keys: [{ name: 'k', secret: keyOf(32, 1) }] }]));
      const config = loadEncryptionConfig(file);
      assert.equal(config.source, file);
      assert.equal(config.keys[0].name, 'k');
      assert.throws(() => loadEncryptionConfig(path.join(dir, 'missing.yaml')), {
        message: /^Cannot read encryption config .*missing\.yaml: no such file\.$/,
      });
      fs.writeFileSync(file, '');
      assert.throws(
        () => loadEncryptionConfig(file),
        new RegExp(`Invalid encryption config ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file is empty`),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the viewing decryptor (core/values/decryptor: editor and CLI)', () => {
  test("a connection's EncryptionConfiguration is loaded once and again when the file changes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-reload-'));
    try {
      const file = path.join(dir, 'enc.yaml');
      const k1 = keyOf(32, 31);
      fs.writeFileSync(file, configYaml([{ provider: 'aesgcm', keys: [{ name: 'k1', secret: k1 }] }]));
      const first = encryptionConfigOf(file);
      assert.equal(encryptionConfigOf(file), first, 'unchanged file: the same config');
      const stored = encrypt('aesgcm', 'k1', k1, PLAIN);
      const seen = await decodeForViewing(stored, KEY, first);
      assert.deepEqual(seen.decryptedWith, { keyName: 'k1', provider: 'aesgcm', source: file });
      assert.equal(seen.decoded.format, 'k8s-protobuf');
      // kube-apiserver rotated its key: the file changes, the next read uses the new key.
      const k2 = keyOf(32, 32);
      fs.writeFileSync(file, configYaml([{ provider: 'aesgcm', keys: [{ name: 'k2', secret: k2 }] }]));
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const second = encryptionConfigOf(file);
      assert.notEqual(second, first);
      assert.deepEqual((await decodeForViewing(encrypt('aesgcm', 'k2', k2, PLAIN), KEY, second)).decryptedWith?.keyName, 'k2');
      assert.equal((await decodeForViewing(stored, KEY)).decoded.format, 'encrypted', 'without a config the stored value is shown as is');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renderValue with a decryptor', () => {
  const secret = keyOf(32, 21);
  const config = configFor('aesgcm', 'k1', secret);
  const stored = encrypt('aesgcm', 'k1', secret, PLAIN);

  test('shows the decrypted object as YAML, read-only', () => {
    const r = renderValue(stored, KEY, undefined, { decrypt: decryptorFor(config) });
    assert.equal(r.view, 'yaml');
    assert.equal(r.text, toYaml(OBJECT));
    assert.equal(r.readOnlyReason, 'Decrypted for viewing with key k1 (aesgcm); encrypted values are read-only.');
    assert.equal(r.summary, 'encrypted (aesgcm, key k1) · v1 Secret');
    assert.equal(r.decoded.format, 'encrypted');
    assert.equal(r.decrypted?.format, 'k8s-protobuf');
    assert.throws(() => encodeEdit(r, r.text, KEY), /cannot be edited/);
  });

  test('undecryptable values stay a hex dump with the reason', () => {
    const r = renderValue(stored, '/registry/secrets/namespaceValue/copied', undefined, { decrypt: decryptorFor(config) });
    assert.equal(r.view, 'hex');
    assert.match(
      r.readOnlyReason!,
      /^The value is encrypted at rest by kube-apiserver \(provider aesgcm, key "k1"\) and could not be decrypted: cannot decrypt .*wrong key or corrupted value/,
    );
    assert.equal(r.summary, 'encrypted (aesgcm, key k1)');
    const unknown = renderValue(encrypt('aesgcm', 'k9', secret, PLAIN), KEY, undefined, { decrypt: decryptorFor(config) });
    assert.match(unknown.readOnlyReason!, /could not be decrypted: key "k9" is not in/);
  });

  test('a plaintext that is not an object is a hex dump (secretbox does not check the format)', () => {
    const sb = configFor('secretbox', 's', secret);
    const r = renderValue(encrypt('secretbox', 's', secret, Buffer.from([0xff, 0x00, 0x01])), KEY, undefined, {
      decrypt: decryptorFor(sb),
    });
    assert.equal(r.view, 'hex');
    assert.match(r.readOnlyReason!, /decrypted with key s, but the plaintext is not a readable object: the value is binary/);
  });

  test('without a decryptor, and with prefer hex, nothing changes', () => {
    const plain = renderValue(stored, KEY);
    assert.equal(plain.view, 'hex');
    assert.match(plain.readOnlyReason!, /it cannot be edited here/);
    assert.equal(renderValue(stored, KEY, 'hex', { decrypt: decryptorFor(config) }).readOnlyReason, 'The hex view is read-only.');
    assert.equal(renderValue(PLAIN, KEY, undefined, { decrypt: () => assert.fail('not called for plain values') }).view, 'yaml');
  });
});

/** CliIo that captures output. */
function captureIo(stdin: Uint8Array = new Uint8Array(0)): CliIo & { out: () => string; err: () => string } {
  const out: Buffer[] = [];
  let err = '';
  return {
    stdin: (async function* () {
      yield Buffer.from(stdin);
    })() as unknown as NodeJS.ReadableStream,
    stdout: { write: (c: string | Uint8Array) => out.push(Buffer.from(c)) },
    stderr: {
      write: (c: string) => {
        err += c;
      },
    },
    env: {},
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => err,
  };
}

describe('etcd-studio decode --encryption-config', () => {
  let dir: string;
  let cfg: string;
  const secret = keyOf(32, 31);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-decode-'));
    cfg = path.join(dir, 'enc.yaml');
    fs.writeFileSync(
      cfg,
      configYaml([
        { provider: 'aesgcm', keys: [{ name: 'k1', secret }] },
        { provider: 'aescbc', keys: [{ name: 'c1', secret }] },
      ]),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('decrypts a file, then decodes it', async () => {
    const file = path.join(dir, 'v.bin');
    fs.writeFileSync(file, encrypt('aesgcm', 'k1', secret, PLAIN));
    const io = captureIo();
    assert.equal(await runDecode(['--encryption-config', cfg, '--key', KEY, file], io), 0, io.err());
    assert.equal(io.out(), toYaml(OBJECT));
    assert.match(io.err(), /^note: decrypted for viewing with key k1 \(aesgcm\) from .*enc\.yaml\n$/);
    const json = captureIo();
    assert.equal(await runDecode([`--encryption-config=${cfg}`, '--key', KEY, '-o', 'json', '--from', 'pb', file], json), 0, json.err());
    assert.deepEqual(JSON.parse(json.out()), OBJECT);
  });

  test('stdin, aescbc without --key', async () => {
    const io = captureIo(encrypt('aescbc', 'c1', secret, PLAIN));
    assert.equal(await runDecode(['--encryption-config', cfg, '-'], io), 0, io.err());
    assert.equal(io.out(), toYaml(OBJECT));
  });

  test('aesgcm needs --key; wrong key, no config, bad config each say so', async () => {
    const stored = encrypt('aesgcm', 'k1', secret, PLAIN);
    const noKey = captureIo(stored);
    assert.equal(await runDecode(['--encryption-config', cfg, '-'], noKey), 2);
    assert.match(noKey.err(), /aesgcm values are authenticated with the etcd key .*: pass --key/);
    const wrong = captureIo(stored);
    assert.equal(await runDecode(['--encryption-config', cfg, '--key', '/registry/secrets/a/b', '-'], wrong), 1);
    assert.match(wrong.err(), /^error: cannot decrypt \/registry\/secrets\/a\/b with key "k1" \(aesgcm\) .*wrong key or corrupted value/);
    assert.equal(wrong.out(), '');
    const none = captureIo(stored);
    assert.equal(await runDecode(['-'], none), 1);
    assert.match(none.err(), /encrypted at rest by the aesgcm provider .*\nhint: pass --encryption-config FILE/);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      bad,
      'kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nresources: [{resources: [secrets], providers: [{aescbc: {keys: [{name: k, secret: "c2VjcmV0"}]}}]}]\n',
    );
    const badIo = captureIo(stored);
    assert.equal(await runDecode(['--encryption-config', bad, '-'], badIo), 1);
    assert.match(
      badIo.err(),
      /^error: Invalid encryption config .*bad\.yaml: line 3: resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: the secret is 6 bytes/,
    );
  });

  test('a plain value decodes as before with --encryption-config', async () => {
    const io = captureIo(PLAIN);
    assert.equal(await runDecode(['--encryption-config', cfg, '-'], io), 0, io.err());
    assert.equal(io.out(), toYaml(OBJECT));
    assert.equal(io.err(), '');
  });
});

describe('etcd-studio get --encryption-config (real etcd)', () => {
  let etcd: EtcdTestCluster;
  let dir: string;
  let cfg: string;
  const secret = keyOf(32, 41);
  before(async () => {
    etcd = await startEtcd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-get-'));
    cfg = path.join(dir, 'enc.yaml');
    fs.writeFileSync(cfg, configYaml([{ provider: 'aesgcm', keys: [{ name: 'k1', secret }] }]));
    const conn = await EtcdConnection.open({ name: 'seed', endpoints: etcd.endpoints });
    try {
      await putIfUnchanged(conn, Buffer.from(KEY), encrypt('aesgcm', 'k1', secret, PLAIN), 0);
    } finally {
      conn.close();
    }
  });
  after(async () => {
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('decrypts with the key it read from, then prints YAML', async () => {
    const io = captureIo();
    // main() hands runGet the arguments after the command name
    assert.equal(await runGet(parseArgs([KEY, '--endpoints', etcd.endpoints[0], '--encryption-config', cfg]), io), 0, io.err());
    assert.equal(io.out(), toYaml(OBJECT));
    assert.match(
      io.err(),
      /^# \/registry\/secrets\/namespaceValue\/nameValue mod_revision=\d+ version=1 \(k8s-protobuf, decrypted for viewing with key k1 \(aesgcm\)\)\n$/,
    );
  });

  test('without the config it points to --encryption-config; -o raw is the stored bytes', async () => {
    const io = captureIo();
    assert.equal(await runGet(parseArgs([KEY, '--endpoints', etcd.endpoints[0]]), io), 1);
    assert.match(io.err(), /use -o raw for its bytes, or --encryption-config FILE/);
    const raw = captureIo();
    assert.equal(await runGet(parseArgs([KEY, '--endpoints', etcd.endpoints[0], '--encryption-config', cfg, '-o', 'raw']), raw), 0);
    assert.match(raw.out(), /^k8s:enc:aesgcm:v1:k1:/);
  });

  test('a bad config fails before connecting', async () => {
    const io = captureIo();
    await assert.rejects(
      runGet(parseArgs([KEY, '--endpoints', '127.0.0.1:1', '--encryption-config', path.join(dir, 'nope.yaml')]), io),
      /Cannot read encryption config .*nope\.yaml: no such file/,
    );
  });
});
