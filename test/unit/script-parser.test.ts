import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { flagBool, flagValue, parseScript, quoteWord, tokenizeCommand } from '../../src/core/script';
import { repoRoot } from '../harness/tools';

const errors = (text: string) =>
  parseScript(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);

describe('etcdctl script tokenizer', () => {
  test('quotes, Go escapes, joined pieces and ranges', () => {
    const { tokens, errors: errs } = tokenizeCommand([`put '/a b' "x\\ty\\x00\\"" --lease="1f" tail#not-comment # comment`], 0);
    assert.deepEqual(errs, []);
    assert.deepEqual(
      tokens.map((t) => t.value),
      ['put', '/a b', 'x\ty\u0000"', '--lease=1f', 'tail#not-comment'],
    );
    assert.deepEqual(tokens[1].range, { start: { line: 0, character: 4 }, end: { line: 0, character: 10 } });
    assert.equal(tokens[1].quoted, true);
    assert.deepEqual([...tokens[2].bytes], [0x78, 0x09, 0x79, 0x00, 0x22]);
  });

  test('a trailing backslash continues the command; an unclosed quote is reported', () => {
    const t = tokenizeCommand(['get /registry/ \\', '  --prefix --keys-only'], 0);
    assert.deepEqual(
      t.tokens.map((x) => x.value),
      ['get', '/registry/', '--prefix', '--keys-only'],
    );
    assert.equal(t.lastLine, 1);
    assert.deepEqual(t.tokens[2].range.start, { line: 1, character: 2 });
    assert.match(tokenizeCommand(['get "open'], 0).errors[0].message, /never closed/);
    assert.match(tokenizeCommand(['get "\\q"'], 0).errors[0].message, /not an escape/);
  });

  test('quoteWord reads back exactly, binary included', () => {
    for (const b of [
      Buffer.from('/plain/key'),
      Buffer.from('/with space'),
      Buffer.from([0x2f, 0xff, 0x00, 0x22, 0x5c]),
      Buffer.from('/ñ'),
    ]) {
      assert.deepEqual(tokenizeCommand([quoteWord(b)], 0).tokens[0].bytes, b, quoteWord(b));
    }
    assert.equal(quoteWord(Buffer.from('/registry/pods/')), '/registry/pods/');
  });
});

describe('etcdctl script parser', () => {
  test('commands, subcommands, flags in any position, etcdctl and env prefixes', () => {
    const s = parseScript(
      [
        '# connection: prod-east',
        'ETCDCTL_API=3 etcdctl get /registry/pods --prefix -w json --limit 5',
        'lease grant 60',
        'etcdctl --endpoints=https://10.0.0.1:2379 member list -wtable',
        'put -- /k -value',
      ].join('\n'),
    );
    assert.deepEqual(s.connection, { name: 'prod-east', range: { start: { line: 0, character: 14 }, end: { line: 0, character: 23 } } });
    assert.deepEqual(
      s.commands.map((c) => c.spec?.name),
      ['get', 'lease grant', 'member list', 'put'],
    );
    const [get, lease, member, put] = s.commands;
    assert.equal(flagBool(get, 'prefix'), true);
    assert.equal(flagValue(get, 'write-out'), 'json');
    assert.equal(flagValue(get, 'limit'), '5');
    assert.deepEqual(
      get.args.map((a) => a.value),
      ['/registry/pods'],
    );
    assert.deepEqual(
      lease.args.map((a) => a.value),
      ['60'],
    );
    assert.equal(flagValue(member, 'write-out'), 'table');
    assert.deepEqual(
      put.args.map((a) => a.value),
      ['/k', '-value'],
    );
    assert.deepEqual(
      s.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    assert.match(s.diagnostics.find((d) => d.severity === 'info')!.message, /--endpoints has no effect here/);
  });

  test('unknown commands, subcommands and flags, with suggestions and ranges', () => {
    const s = parseScript('gett /a\nlease grnt 5\nget /a --prefx\nmember');
    assert.deepEqual(
      s.diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.message]),
      [
        [0, 0, 4, 'unknown command "gett". Did you mean "get"?'],
        [1, 6, 10, 'unknown lease subcommand "grnt". Did you mean "grant"? Known: grant, revoke, timetolive, list, keep-alive.'],
        [2, 7, 14, 'unknown flag: --prefx. Did you mean "--prefix"?'],
        [3, 0, 6, 'member needs a subcommand: list, add, remove, update, promote.'],
      ],
    );
  });

  test("missing and extra arguments, bad values, and etcdctl's own argument rules", () => {
    assert.deepEqual(errors('get'), ['get needs <key> (usage: etcdctl get [options] <key> [range_end]).']);
    assert.deepEqual(errors('put /k'), [
      'put needs <value> after the key: scripts have no standard input (or use --ignore-value to keep the current value).',
    ]);
    assert.deepEqual(errors('put /k --ignore-value'), []);
    assert.deepEqual(errors('get /a /b /c'), ['too many arguments for get (usage: etcdctl get [options] <key> [range_end]).']);
    assert.deepEqual(errors('get /a --prefix --from-key'), ['`--prefix` and `--from-key` cannot be set at the same time, choose one.']);
    assert.deepEqual(errors('get /a --rev x'), ['--rev takes a whole number, not "x".']);
    assert.deepEqual(errors('get /a -w yaml'), ['--write-out must be one of simple, json, table, fields, protobuf, not "yaml".']);
    assert.deepEqual(errors('get /a -w table'), ['table not supported as output format for get (use simple or json).']);
    assert.deepEqual(errors('get /a --limit'), ['flag needs an argument: --limit.']);
    assert.deepEqual(errors('lease revoke xyz'), [
      '<leaseID> must be a hexadecimal id as etcdctl prints it (e.g. 694d7ab5c2f0e1a3), not "xyz".',
    ]);
    assert.deepEqual(errors('ETCDCTL_API=2 etcdctl get /a'), ["Scripts speak etcd's v3 API only (ETCDCTL_API=3)."]);
  });

  test('valid commands that scripts do not run are warnings with the alternative', () => {
    const s = parseScript('make-mirror http://127.0.0.1:1\nsnapshot save /tmp/x.db');
    assert.deepEqual(
      s.diagnostics.map((d) => d.severity),
      ['warning', 'warning'],
    );
    assert.match(
      s.diagnostics[0].message,
      /Not run in scripts: `make-mirror` is not supported in scripts .*run `etcdctl make-mirror` in a terminal/,
    );
    // watch runs, bounded (--max-events, --max-time): no warning.
    assert.deepEqual(parseScript('watch /registry --prefix --max-events 5 --max-time 2s').diagnostics, []);
  });

  test('txn blocks: stdin format, here-documents, comments, and errors inside', () => {
    const s = parseScript(
      [
        'txn',
        '# compares:',
        'mod("/a") > "0"',
        'value("/b") = "x y"',
        '',
        'put /a "new"',
        'get /b --prefix',
        '',
        'del /a',
        '',
        'get /after',
        'etcdctl txn <<EOF',
        'create("/c") = "0"',
        '',
        'put /c 1',
        '',
        'EOF',
        'txn',
        'mod(/a) > 0',
        '',
        'watch /x',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      s.commands.map((c) => [c.spec?.name, c.startLine, c.endLine]),
      [
        ['txn', 0, 9],
        ['get', 10, 10],
        ['txn', 11, 16],
        ['txn', 17, 21],
      ],
    );
    const t = s.commands[0].txn!;
    assert.deepEqual(
      t.compares.map((c) => [c.target, c.key.toString(), c.op, c.value]),
      [
        ['mod', '/a', '>', '0'],
        ['value', '/b', '=', 'x y'],
      ],
    );
    assert.deepEqual(
      t.success.map((o) => o.spec?.name),
      ['put', 'get'],
    );
    assert.deepEqual(
      t.failure.map((o) => o.spec?.name),
      ['del'],
    );
    assert.equal(s.commands[2].txn!.heredoc, 'EOF');
    assert.deepEqual(
      s.commands[2].txn!.success.map((o) => o.args.map((a) => a.value)),
      [['/c', '1']],
    );
    assert.deepEqual(
      s.commands[3].diagnostics.map((d) => [d.range.start.line, d.message.slice(0, 40)]),
      [
        [18, 'malformed comparison: the key and the va'],
        [20, 'unknown command "watch". A txn block tak'],
      ],
    );
  });

  test('the shipped example script parses without problems', () => {
    const s = parseScript(readFileSync(path.join(repoRoot(), 'examples', 'kubernetes.etcdctl'), 'utf8'));
    assert.deepEqual(s.diagnostics, []);
    assert.equal(s.connection?.name, 'local-demo');
    assert.deepEqual(
      s.commands.map((c) => c.spec?.name),
      ['get', 'get', 'get', 'get', 'get', 'txn', 'get', 'del', 'endpoint status', 'member list'],
    );
  });
});
