/**
 * Our writes, read back by Kubernetes' own code. For a spread of kinds the oracle (kube-apiserver's storage
 * codec and etcd3 store) creates an object; we edit it the way a user does — through the editor's save
 * path (render, edit the YAML, compare-and-swap) and through `etcd-studio put` — and the oracle then reads
 * it without error, sees exactly the edited object, and can update it afterwards: its optimistic
 * concurrency works with the mod_revision we wrote (a stale resourceVersion conflicts, the current one
 * succeeds).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getKey, putIfUnchanged } from '../../src/core/etcd/kv';
import { decodeValue, toYaml } from '../../src/core/k8s/codec';
import { parseJsonExact } from '../../src/core/k8s/goJson';
import { findSchemaDir } from '../../src/core/k8s/schema';
import { parseText } from '../../src/core/k8s/yaml';
import { encodeEdit, renderValue } from '../../src/core/values/render';
import { Oracle, type Target } from '../harness/oracle';
import { runCli } from '../harness/cli';
import { useEtcdConnection } from '../harness/useEtcd';
import { editsOf, getPath, setPath, WRITE_CASES, type Path, type WriteCase } from './k8s-oracle-cases';

/** The case under its own key and name (`<name>-<suffix>`), so each path edits a fresh object. */
function variant(c: WriteCase, suffix: string): { target: Target; object: Record<string, unknown>; key: string } {
  const object = structuredClone(c.object);
  const m = object.metadata as { name: string };
  m.name = `${m.name}-${suffix}`;
  const key = `${c.target.key}-${suffix}`;
  return { target: { ...c.target, key }, object, key };
}

function edited(yaml: string, edits: [Path, unknown][]): string {
  const obj = parseText(yaml).value as Record<string, unknown>;
  for (const [p, v] of edits) setPath(obj, p, v);
  return toYaml(obj);
}

describe("our writes, read back and updated by Kubernetes' own storage code", () => {
  const t = useEtcdConnection('oracle-writes');
  let oracle: Oracle;
  let endpoint: string;
  let olderSchema: string;

  before(async () => {
    oracle = Oracle.start();
    await oracle.connect(t.etcd.endpoints);
    endpoint = t.etcd.endpoints[0];
    // a schema that lacks one field per case: what etcd Studio sees when the cluster is newer than it
    olderSchema = mkdtempSync(path.join(tmpdir(), 'etcd-studio-older-schema-'));
    cpSync(findSchemaDir(), olderSchema, { recursive: true });
    for (const c of WRITE_CASES) {
      if (!c.unknown) continue;
      const [pkg, msg, json] = c.unknown;
      const file = path.join(olderSchema, `${pkg}.json`);
      const defs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { f: unknown[][] }>;
      defs[msg].f = defs[msg].f.filter((f) => f[1] !== json);
      writeFileSync(file, JSON.stringify(defs));
    }
  });
  after(async () => {
    await oracle?.stop();
    if (olderSchema) rmSync(olderSchema, { recursive: true, force: true });
  });

  /**
   * The oracle reads `target` and must see `before` with `edits` applied at `revision`; then a stale
   * resourceVersion conflicts, the current one updates, and we read the oracle's update.
   */
  async function oracleReadsAndUpdates(target: Target, before: string, edits: [Path, unknown][], revision: number): Promise<void> {
    const got = await oracle.get(target);
    assert.equal(got.resourceVersion, String(revision), 'the API server sees our mod_revision as the resourceVersion');
    const want = parseJsonExact(before) as Record<string, unknown>;
    for (const [p, v] of edits) setPath(want, p, v);
    setPath(want, ['metadata', 'resourceVersion'], String(revision));
    assert.deepStrictEqual(parseJsonExact(got.json), want);

    await assert.rejects(
      oracle.update(target, { labels: { 'updated-by': 'kube-apiserver' }, resourceVersion: String(revision - 1) }),
      /conflict: the object has been modified/,
    );
    const up = await oracle.update(target, { labels: { 'updated-by': 'kube-apiserver' }, resourceVersion: String(revision) });
    assert.equal(up.previousResourceVersion, String(revision));
    assert.ok(Number(up.resourceVersion) > revision);
    const after = await getKey(t.conn, Buffer.from(target.key));
    const d = decodeValue(after!.value);
    assert.ok('object' in d && d.object && !d.error, `we read the oracle's update: ${d.error}`);
    const served = parseJsonExact(up.json) as { metadata: Record<string, unknown> };
    delete served.metadata.resourceVersion;
    assert.deepStrictEqual(d.object, served);
  }

  for (const c of WRITE_CASES) {
    describe(c.name, () => {
      test('saved through the editor path: render, edit the YAML, compare-and-swap', async () => {
        const v = variant(c, 'editor');
        await oracle.create(v.target, v.object);
        const before = await oracle.get(v.target);
        const stored = (await getKey(t.conn, Buffer.from(v.key)))!;
        const rendered = renderValue(stored.value, v.key);
        assert.equal(rendered.readOnlyReason, undefined);
        assert.equal(rendered.view, 'yaml');
        const edits = editsOf(c, 'the-editor');
        const bytes = encodeEdit(rendered, edited(rendered.text, edits), v.key);
        const r = await putIfUnchanged(t.conn, Buffer.from(v.key), bytes, stored.modRevision);
        assert.ok(r.ok);
        await oracleReadsAndUpdates(v.target, before.json, edits, r.revision);
      });

      test('saved through etcd-studio get -o yaml | edit | put -f -', async () => {
        const v = variant(c, 'cli');
        await oracle.create(v.target, v.object);
        const before = await oracle.get(v.target);
        const got = await runCli(['get', v.key, '-o', 'yaml', '--endpoints', endpoint], '');
        assert.equal(got.code, 0, got.stderr);
        const edits = editsOf(c, 'etcd-studio-put');
        const put = await runCli(['put', v.key, '-f', '-', '--endpoints', endpoint], edited(got.stdout, edits));
        assert.equal(put.code, 0, put.stderr);
        const revision = Number(/mod_revision=(\d+)/.exec(put.stdout)?.[1]);
        await oracleReadsAndUpdates(v.target, before.json, edits, revision);
      });

      if (c.unknown) {
        const [, msg, json, at] = c.unknown;
        test(`a field our schema does not know (${msg}.${json}, as from a newer cluster) survives etcd-studio put`, async () => {
          const v = variant(c, 'newer');
          await oracle.create(v.target, v.object);
          const before = await oracle.get(v.target);
          const env = { ETCD_STUDIO_K8S_SCHEMA: olderSchema };
          const got = await runCli(['get', v.key, '-o', 'yaml', '--endpoints', endpoint], '', env);
          assert.equal(got.code, 0, got.stderr);
          assert.equal(getPath(parseText(got.stdout).value, at), undefined, `${json} is not shown by the older schema`);
          const edits = editsOf(c, 'older-etcd-studio');
          const put = await runCli(['put', v.key, '-f', '-', '--endpoints', endpoint], edited(got.stdout, edits), env);
          assert.equal(put.code, 0, put.stderr);
          const revision = Number(/mod_revision=(\d+)/.exec(put.stdout)?.[1]);
          assert.notEqual(getPath(parseJsonExact((await oracle.get(v.target)).json), at), undefined);
          await oracleReadsAndUpdates(v.target, before.json, edits, revision);
        });
      }
    });
  }
});
