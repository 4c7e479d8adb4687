import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeObject } from '../../src/core/k8s/codec';
import { changesSince, changesToJson, changesToMarkdown, currentRevision, unifiedDiff } from '../../src/core/watch';
import { useEtcdConnection } from '../harness/useEtcd';

function cm(name: string, ns: string, data: Record<string, string>) {
  return Buffer.from(
    encodeObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name, namespace: ns, creationTimestamp: '2026-10-01T08:00:00Z' },
      data,
    }),
  );
}

describe('changesSince on a real etcd', () => {
  const t = useEtcdConnection('changes');

  test('created, modified and deleted keys with their values then and now, grouped resource -> namespace -> name', async () => {
    await t.raw.put('/registry/configmaps/shop/keep').value(cm('keep', 'shop', { a: '1' }));
    await t.raw.put('/registry/configmaps/shop/edit').value(cm('edit', 'shop', { a: '1' }));
    await t.raw.put('/registry/configmaps/pay/gone').value(cm('gone', 'pay', { a: '1' }));
    await t.raw.put('/plain/x').value('old');
    const since = await currentRevision(t.conn);
    const editedAt = since;
    await t.raw.put('/registry/configmaps/shop/edit').value(cm('edit', 'shop', { a: '2' }));
    await t.raw.put('/registry/configmaps/shop/edit').value(cm('edit', 'shop', { a: '3', b: 'x' }));
    await t.raw.delete().key('/registry/configmaps/pay/gone');
    await t.raw.put('/registry/configmaps/pay/new').value(cm('new', 'pay', { z: '1' }));
    await t.raw.put('/tmp/flash').value('x');
    await t.raw.delete().key('/tmp/flash');
    await t.raw.put('/plain/x').value('new');

    const set = await changesSince(t.conn, since);
    assert.equal(set.toRevision, await currentRevision(t.conn));
    assert.deepEqual(set.counts, { created: 1, modified: 2, deleted: 1, transient: 1 });
    assert.deepEqual(
      set.changes.map((c) => `${c.change} ${c.keyText}`),
      [
        'modified /plain/x',
        'deleted /registry/configmaps/pay/gone',
        'created /registry/configmaps/pay/new',
        'modified /registry/configmaps/shop/edit',
      ],
    );
    const edit = set.changes.find((c) => c.keyText.endsWith('/edit'))!;
    assert.equal(edit.writes, 2);
    assert.equal(edit.before?.modRevision, editedAt - 2);
    assert.ok(edit.before?.value.equals(cm('edit', 'shop', { a: '1' })));
    assert.ok(edit.after?.value.equals(cm('edit', 'shop', { a: '3', b: 'x' })));
    const gone = set.changes.find((c) => c.change === 'deleted')!;
    assert.equal(gone.after, undefined);
    assert.ok(gone.before?.value.equals(cm('gone', 'pay', { a: '1' })));
    assert.equal(set.changes.find((c) => c.change === 'created')!.before, undefined);
    assert.deepEqual(
      set.groups.map((g) => [
        g.resource,
        g.kind,
        g.namespaces.map((n) => `${n.namespace}:${n.changes.map((c) => c.object?.name ?? c.keyText).join(',')}`),
      ]),
      [
        ['configmaps', 'ConfigMap', ['pay:gone,new', 'shop:edit']],
        ['', undefined, [':/plain/x']],
      ],
    );

    const scoped = await changesSince(t.conn, since, { prefix: '/registry/configmaps/shop/' });
    assert.deepEqual(
      scoped.changes.map((c) => c.keyText),
      ['/registry/configmaps/shop/edit'],
    );
    assert.equal(scoped.prefix, '/registry/configmaps/shop/');
    const none = await changesSince(t.conn, await currentRevision(t.conn), { prefix: '/registry/' });
    assert.equal(none.changes.length, 0, 'nothing changed since now (answers through a progress notification)');

    const json = JSON.parse(changesToJson(set));
    assert.equal(json.sinceRevision, since);
    const ej = json.changes.find((c: { key: string }) => c.key.endsWith('/edit'));
    assert.deepEqual([ej.kind, ej.namespace, ej.name], ['ConfigMap', 'shop', 'edit']);
    assert.deepEqual(ej.before.object.data, { a: '1' });
    assert.deepEqual(ej.after.object.data, { a: '3', b: 'x' });
    assert.deepEqual(ej.summary, ['data.a "1" -> "3"', 'data.b added: x']);
    assert.deepEqual(json.changes.find((c: { key: string }) => c.key === '/plain/x').after.text, 'new');

    const md = changesToMarkdown(set, { diffs: true });
    assert.match(md, /^# Changes from revision \d+ to \d+/);
    assert.match(md, /1 created, 2 modified, 1 deleted \(and 1 created and deleted again in between\)\./);
    assert.match(md, /## ConfigMap \(configmaps\) in shop\n\n\| change \| name \| revisions \| what changed \|/);
    assert.match(md, /\| modified \| `edit` \| \d+ → \d+ \| data\.a "1" -> "3"; data\.b added: x \|/);
    assert.match(md, /## Other keys/);
    assert.match(
      md,
      /<details>\n<summary>\/registry\/configmaps\/shop\/edit<\/summary>\n\n```diff\n@@ [^\n]+\n[^]*-  a: "1"\n\+  a: "3"\n\+  b: x/,
    );
  });

  test('a compacted revision is refused, naming the compact revision', async () => {
    await t.raw.put('/c/k').value('1');
    const old = await currentRevision(t.conn);
    await t.raw.put('/c/k').value('2');
    const compactAt = await currentRevision(t.conn);
    await t.raw.kv.compact({ revision: compactAt, physical: true });
    await assert.rejects(changesSince(t.conn, old), (e: Error) => {
      assert.match(e.message, new RegExp(`Revision ${old} has been compacted: etcd keeps history from revision ${compactAt} on`));
      return true;
    });
    assert.equal((await changesSince(t.conn, compactAt)).changes.length, 0);
    await assert.rejects(changesSince(t.conn, compactAt + 1000), /between 1 and the current revision/);
  });

  test('unified diff hunks', () => {
    assert.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n'), '@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    assert.equal(unifiedDiff('', 'x\n'), '@@ -0,0 +1,1 @@\n+x\n');
    assert.equal(unifiedDiff('same', 'same'), '');
  });
});
