import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { rawClient } from '../harness/rawClient';
import { encodeObject } from '../../src/core/k8s/codec';

const CONN = 'it-enc';
const KEY = '/registry/secrets/default/encrypted-db';

/** What kube-apiserver stores with the aesgcm provider: prefix, nonce, AES-GCM(plaintext) with the etcd key as AAD, tag. */
function aesgcm(plaintext: Uint8Array, secret: Buffer, etcdKey: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', secret, nonce);
  c.setAAD(Buffer.from(etcdKey));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([Buffer.from('k8s:enc:aesgcm:v1:key1:'), nonce, body, c.getAuthTag()]);
}

describe('values encrypted at rest (kube-apiserver EncryptionConfiguration)', () => {
  let dir: string;
  before(async () => {
    await vscode.extensions.getExtension('etcd-studio.etcd-studio')!.activate();
    dir = mkdtempSync(path.join(tmpdir(), 'it-enc-'));
    const secret = randomBytes(32);
    const config = path.join(dir, 'encryption.yaml');
    writeFileSync(
      config,
      [
        'apiVersion: apiserver.config.k8s.io/v1',
        'kind: EncryptionConfiguration',
        'resources:',
        '- resources: [secrets]',
        '  providers:',
        '  - aesgcm:',
        '      keys:',
        `      - name: key1`,
        `        secret: ${secret.toString('base64')}`,
        '  - identity: {}',
        '',
      ].join('\n'),
    );
    const obj = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'encrypted-db', namespace: 'default' },
      type: 'Opaque',
      data: { password: Buffer.from('hunter2').toString('base64') },
    };
    const endpoints = process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',');
    const c = rawClient({ endpoints });
    await c.put(KEY).value(aesgcm(encodeObject(obj), secret, KEY));
    c.close();
    await vscode.commands.executeCommand('etcdStudio.addConnection', { name: CONN, endpoints });
    await vscode.commands.executeCommand('etcdStudio.addConnection', { name: `${CONN}-keys`, endpoints, encryptionConfig: config });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    await vscode.commands.executeCommand('etcdStudio.removeConnection', `${CONN}-keys`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('without the config, an encrypted Secret opens as a read-only hex dump', async () => {
    await vscode.commands.executeCommand('etcdStudio.openKey', { connection: CONN, key: KEY });
    const doc = vscode.window.activeTextEditor!.document;
    assert.match(doc.getText(), /^00000000 {2}6b 38 73 3a 65 6e 63 3a {2}61 65 73 67 63 6d 3a 76 {2}\|k8s:enc:aesgcm:v\|/);
    assert.equal((await vscode.workspace.fs.stat(doc.uri)).permissions, vscode.FilePermission.Readonly);
  });

  it("with the connection's encryption config, it is decrypted for viewing: YAML, still read-only", async () => {
    await vscode.commands.executeCommand('etcdStudio.openKey', { connection: `${CONN}-keys`, key: KEY });
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.languageId, 'yaml');
    assert.match(doc.getText(), /^kind: Secret$/m);
    assert.match(doc.getText(), new RegExp(`password: ${Buffer.from('hunter2').toString('base64')}`));
    assert.equal((await vscode.workspace.fs.stat(doc.uri)).permissions, vscode.FilePermission.Readonly);
  });
});
