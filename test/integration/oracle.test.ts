/**
 * Saving through the `etcd:` filesystem in a real VS Code writes what Kubernetes' own storage code reads:
 * the oracle (kube-apiserver's storage codec and etcd3 store) creates an object, the document is edited and
 * saved, the oracle reads exactly the edited object and can update it on our mod_revision.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { parseJsonExact } from '../../src/core/k8s/goJson';
import { parseText, toYaml } from '../../src/core/k8s/yaml';
import { Oracle } from '../harness/oracle';
import { editsOf, setPath, WRITE_CASES } from '../unit/k8s-oracle-cases';

const CONN = 'it-oracle';

describe("etcd: saves read back by Kubernetes' own storage code", () => {
  let c: EtcdConnection;
  let oracle: Oracle;
  before(async () => {
    await vscode.extensions.getExtension('etcd-studio.etcd-studio')!.activate();
    const endpoints = process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',');
    await vscode.commands.executeCommand('etcdStudio.addConnection', { name: CONN, endpoints });
    c = await EtcdConnection.open({ name: 'check', endpoints });
    oracle = Oracle.start();
    await oracle.connect(endpoints);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    c.close();
    await oracle?.stop();
  });

  for (const name of ['Pod', 'Deployment', 'Secret', 'Node', 'custom resource (JSON)']) {
    const wc = WRITE_CASES.find((x) => x.name === name)!;
    it(`${name}: edited in the editor, saved, read and updated by the oracle`, async () => {
      const key = `${wc.target.key}-vscode`;
      const target = { ...wc.target, key };
      const object = structuredClone(wc.object);
      (object.metadata as { name: string }).name += '-vscode';
      await oracle.create(target, object);
      const before = await oracle.get(target);

      await vscode.commands.executeCommand('etcdStudio.openKey', { connection: CONN, key });
      const doc = vscode.window.activeTextEditor!.document;
      const edits = editsOf(wc, 'vscode');
      const obj = parseText(doc.getText()).value as Record<string, unknown>;
      for (const [p, v] of edits) setPath(obj, p, v);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), toYaml(obj));
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.equal(await doc.save(), true, 'saved');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

      const revision = Number((await c.range({ key: Buffer.from(key) })).kvs[0].mod_revision);
      const got = await oracle.get(target);
      assert.equal(got.resourceVersion, String(revision));
      const want = parseJsonExact(before.json) as Record<string, unknown>;
      for (const [p, v] of edits) setPath(want, p, v);
      setPath(want, ['metadata', 'resourceVersion'], String(revision));
      assert.deepStrictEqual(parseJsonExact(got.json), want);
      await assert.rejects(
        oracle.update(target, { labels: { 'updated-by': 'kube-apiserver' }, resourceVersion: String(revision - 1) }),
        /conflict/,
      );
      const up = await oracle.update(target, { labels: { 'updated-by': 'kube-apiserver' }, resourceVersion: String(revision) });
      assert.equal(up.previousResourceVersion, String(revision));
    });
  }
});
