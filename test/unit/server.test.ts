import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { after, before, describe, test } from 'node:test';
import type {
  CodeLens,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  MarkupContent,
  TextEdit,
} from 'vscode-languageserver-protocol/node';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { decodeValue, encodeValue, toYaml } from '../../src/core/k8s/codec';
import { buildEnvelope, parseEnvelope } from '../../src/core/k8s/envelope';
import { KEY_CHILDREN_REQUEST, KeyChildrenParams, STORED_VALUE_REQUEST, StoredValueParams } from '../../src/protocol/scriptProtocol';
import { answerKeyChildren } from '../../src/vscode/scripts/keyChildrenAnswer';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';
import { LspTestClient } from '../harness/lspClient';

const labels = (items: CompletionItem[] | CompletionList) => (Array.isArray(items) ? items : items.items).map((i) => i.label);
const itemsOf = (items: CompletionItem[] | CompletionList) => (Array.isArray(items) ? items : items.items);
/** LSP 3.18 allows markup in diagnostic messages; this server sends plain text. */
const messageOf = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server (dist/server.js over stdio; the test plays the client against a real etcd)', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  let lsp: LspTestClient;
  const keyRequests: KeyChildrenParams[] = [];
  let doc = 0;
  const script = async (text: string) => {
    const uri = `file:///tmp/s${++doc}.etcdctl`;
    await lsp.open(uri, 'etcdctl', text);
    return uri;
  };
  const complete = (uri: string, line: number, character: number) =>
    lsp.request<CompletionItem[] | CompletionList>('textDocument/completion', uri, { position: { line, character } });

  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'lsp-test', endpoints: etcd.endpoints });
    raw = rawClient(etcd);
    await writeEntries(conn, sampleKeyspace());
    lsp = await LspTestClient.start();
    // The client's side of the protocol, with the extension's own answer code.
    lsp.conn.onRequest(KEY_CHILDREN_REQUEST, (p: KeyChildrenParams) => {
      keyRequests.push(p);
      return answerKeyChildren(conn, p);
    });
    lsp.conn.onRequest(STORED_VALUE_REQUEST, async (p: StoredValueParams) => {
      const key = Buffer.from(new URLSearchParams(decodeURIComponent(p.uri.split('?')[1])).get('key')!, 'hex');
      const v = await raw.get(key).buffer();
      return v ? { valueBase64: v.toString('base64'), key: key.toString('utf8') } : { error: 'no such key' };
    });
  });
  after(async () => {
    await lsp?.stop();
    raw?.close();
    conn?.close();
    await etcd?.stop();
  });

  test('diagnostics: parse errors, unknown commands and flags, missing arguments, with ranges', async () => {
    const uri = await script('get /registry/ --prefix\ngett /x\nget /a --prefx\nput /k\nlease revoke\nmake-mirror http://127.0.0.1:1\n');
    const diags = await lsp.diagnosticsFor(uri);
    assert.deepEqual(
      diags.map((d: Diagnostic) => [d.range.start.line, d.range.start.character, d.severity, messageOf(d).split('.')[0]]),
      [
        [1, 0, 1, 'unknown command "gett"'],
        [2, 7, 1, 'unknown flag: --prefx'],
        [3, 4, 1, 'put needs <value> after the key: scripts have no standard input (or use --ignore-value to keep the current value)'],
        [4, 0, 1, 'lease revoke needs <leaseID> (usage: etcdctl lease revoke <leaseID>)'],
        [
          5,
          0,
          2,
          'Not run in scripts: `make-mirror` is not supported in scripts (it manages security or runs until interrupted): run `etcdctl make-mirror` in a terminal',
        ],
      ],
    );
    await lsp.change(uri, 'get /registry/ --prefix\n');
    assert.deepEqual(await lsp.diagnosticsFor(uri), []);
  });

  test('completion: commands, subcommands, flags with their meaning, flag values', async () => {
    const uri = await script('ge\nlease \nget /a --pre\nget /a -w \netcdctl --endpoints=x get /a --keys-only --w');
    const cmds = await complete(uri, 0, 2);
    assert.ok(labels(cmds).includes('get') && labels(cmds).includes('lease') && labels(cmds).includes('etcdctl'));
    assert.equal(itemsOf(cmds).find((i) => i.label === 'get')!.detail, 'Gets the key or a range of keys');
    assert.deepEqual(labels(await complete(uri, 1, 6)), ['grant', 'revoke', 'timetolive', 'list', 'keep-alive']);
    const flags = itemsOf(await complete(uri, 2, 12));
    const prefix = flags.find((f) => f.label === '--prefix')!;
    assert.match((prefix.documentation as MarkupContent).value, /Get keys with matching prefix/);
    assert.ok(flags.some((f) => f.label === '--write-out') && flags.some((f) => f.label === '--rev'));
    assert.deepEqual(labels(await complete(uri, 3, 10)), ['simple', 'json', 'table', 'fields', 'protobuf']);
    assert.ok(labels(await complete(uri, 4, 44)).includes('--write-out'));
  });

  test('key completion pages through the real keyspace: the segment after the last "/"', async () => {
    const uri = await script('get /registry/\nget /registry/pods/default/web\nget "/registry/config\n');
    const top = await complete(uri, 0, 14);
    assert.ok(labels(top).includes('pods/') && labels(top).includes('configmaps/'), String(labels(top)));
    const pods = itemsOf(top).find((i) => i.label === 'pods/')!;
    assert.match(pods.detail!, /^\d+ keys · lsp-test$/);
    assert.deepEqual((pods.textEdit as TextEdit).range, { start: { line: 0, character: 14 }, end: { line: 0, character: 14 } });
    assert.deepEqual(keyRequests.at(-1), { uri, prefixHex: Buffer.from('/registry/').toString('hex'), limit: 200 });

    const web = await complete(uri, 1, 30);
    const expected = (await raw.getAll().prefix('/registry/pods/default/web').keys()).map((k) => k.slice('/registry/pods/default/'.length));
    assert.ok(expected.length > 0);
    assert.deepEqual(labels(web).sort(), expected.sort());
    assert.deepEqual((itemsOf(web)[0].textEdit as TextEdit).range, { start: { line: 1, character: 27 }, end: { line: 1, character: 30 } });
    assert.equal(
      keyRequests.at(-1)!.afterHex,
      Buffer.from('/registry/pods/default/web').toString('hex'),
      'the page starts at what is typed',
    );

    const quoted = await complete(uri, 2, 21);
    assert.deepEqual(labels(quoted), ['configmaps/']);
    assert.deepEqual((itemsOf(quoted)[0].textEdit as TextEdit).range, {
      start: { line: 2, character: 15 },
      end: { line: 2, character: 21 },
    });
    const named = await script('# connection: other\nget /registry/');
    await complete(named, 1, 14);
    assert.equal(keyRequests.at(-1)!.connection, 'other', 'the "# connection:" line is passed on');
  });

  test('hover explains commands, subcommands, flags and their values', async () => {
    const uri = await script('etcdctl get /registry/pods --prefix -w json\nlease grant 60\nwatch /a --max-events 5\n');
    const at = async (line: number, character: number) =>
      ((await lsp.request<Hover>('textDocument/hover', uri, { position: { line, character } })).contents as MarkupContent).value;
    assert.match(await at(0, 9), /\*\*etcdctl get\*\* — Gets the key or a range of keys[\s\S]*etcdctl get \[options\] <key> \[range_end\]/);
    assert.match(await at(0, 30), /\*\*--prefix\*\* \(bool, default false\) — Get keys with matching prefix/);
    assert.match(await at(0, 41), /-w, --write-out[\s\S]*Values: simple, json, table, fields, protobuf/);
    assert.match(await at(0, 14), /`<key>` of `get`/);
    assert.match(await at(1, 8), /\*\*etcdctl lease grant\*\* — Creates leases/);
    assert.match(await at(1, 2), /\*\*etcdctl lease\*\* — Lease related commands/);
    // watch says how a script run is bounded.
    assert.match(await at(2, 2), /stops after `--max-events` events \(default 100\) or `--max-time` \(default 10s\)/);
    assert.match(
      await at(2, 12),
      /\*\*--max-events\*\* \(int, default 100\) — etcd Studio scripts only \(not etcdctl\): stop after this many events/,
    );
  });

  test('document symbols (one per command) and Run / Run all code lenses', async () => {
    const uri = await script('# notes\nget /a\n\ntxn\nmod("/a") > "0"\n\nput /a b\n\n\nmake-mirror /a\n');
    const symbols = await lsp.request<DocumentSymbol[]>('textDocument/documentSymbol', uri);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.range.start.line, s.range.end.line]),
      [
        ['get /a', 1, 1],
        ['txn', 3, 8],
        ['make-mirror /a', 9, 9],
      ],
    );
    const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', uri);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command!.title, l.command!.command, l.command!.arguments]),
      [
        [1, '$(run-all) Run all (3)', 'etcdStudio.runScript', [uri]],
        [1, '$(play) Run', 'etcdStudio.runScriptLine', [uri, 1]],
        [3, '$(play) Run', 'etcdStudio.runScriptLine', [uri, 3]],
        [9, '$(circle-slash) not run in scripts', '', undefined],
      ],
    );
  });

  test("etcd: YAML documents: the codec's save checks while typing, against the stored original", async () => {
    const key = '/registry/configmaps/default/web-config';
    const stored = (await raw.get(key).buffer())!;
    const text = toYaml((decodeValue(stored) as { object: Record<string, unknown> }).object);
    const uri = `etcd://lsp-test${key}.yaml?key=${Buffer.from(key).toString('hex')}&view=yaml`;
    await lsp.open(uri, 'yaml', text);
    assert.deepEqual(await lsp.diagnosticsFor(uri), []);
    const unknown = text.replace('kind: ConfigMap', 'kind: ConfigMap\nspecc: {}');
    await lsp.change(uri, unknown);
    const [u] = await lsp.diagnosticsFor(uri);
    assert.equal(u.range.start.line, unknown.split('\n').indexOf('specc: {}'));
    assert.match(messageOf(u), /^specc: unknown field "specc" \(not in the ConfigMap schema\).*\(saving would be refused\)$/);
    const moved = text.replace('namespace: default', 'namespace: other');
    await lsp.change(uri, moved);
    const [n] = await lsp.diagnosticsFor(uri);
    assert.equal(
      n.range.start.line,
      moved.split('\n').findIndex((l) => l.includes('namespace: other')),
    );
    assert.match(messageOf(n), /^metadata\.namespace: must be "default" to match the etcd key/);
    await lsp.change(uri, text.replace('LOG_LEVEL: info', 'LOG_LEVEL: 5'));
    assert.match(messageOf((await lsp.diagnosticsFor(uri))[0] ?? ({ message: 'no diagnostic' } as Diagnostic)), /data\.LOG_LEVEL/);
  });

  test('unknown fields kept from the stored value are not errors; an edit next to them validates clean', async () => {
    const key = '/registry/configmaps/default/from-the-future';
    const orig = (await raw.get('/registry/configmaps/default/web-config').buffer())!;
    const env = parseEnvelope(orig);
    // Field 1000 (varint 42) at the top level: something a newer Kubernetes wrote.
    const body = Buffer.concat([Buffer.from(env.raw), Buffer.from([0xc0, 0x3e, 0x2a])]);
    const withName = Buffer.from(buildEnvelope(env.apiVersion, env.kind, body));
    const decoded = decodeValue(withName) as unknown as { object: { metadata: Record<string, unknown> }; unknownFieldPaths?: string[] };
    assert.deepEqual(decoded.unknownFieldPaths, ['(root)']);
    decoded.object.metadata.name = 'from-the-future';
    // Re-encode the renamed object with the unknown field kept, as the apiserver would have stored it.
    await raw.put(key).value(Buffer.from(encodeValue(decodeValue(withName), toYaml(decoded.object))));
    const text = toYaml((decodeValue((await raw.get(key).buffer())!) as { object: unknown }).object);
    const uri = `etcd://lsp-test${key}.yaml?key=${Buffer.from(key).toString('hex')}&view=yaml`;
    await lsp.open(uri, 'yaml', text);
    assert.deepEqual(await lsp.diagnosticsFor(uri), []);
    await lsp.change(uri, text.replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'));
    assert.deepEqual(await lsp.diagnosticsFor(uri), []);
  });
});
