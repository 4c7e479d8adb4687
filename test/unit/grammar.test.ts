import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, IGrammar, parseRawGrammar, Registry, StateStack } from 'vscode-textmate';
import { repoRoot } from '../harness/tools';

/** [text, most specific scope] for every token of each line, carrying state across lines. */
function scopes(grammar: IGrammar, text: string): [string, string][][] {
  let state: StateStack = INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens
      .map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]] as [string, string])
      .filter(([s]) => s.trim() !== '');
  });
}

/** The scope of the first token whose text is `word` on that line. */
function scopeOf(line: [string, string][], word: string): string | undefined {
  return line.find(([t]) => t.trim() === word)?.[1];
}

describe('etcdctl TextMate grammar (vscode-textmate + oniguruma)', () => {
  let grammar: IGrammar;
  before(async () => {
    // Resolved from the repository (not bundled): the wasm file ships inside vscode-oniguruma.
    const wasm = readFileSync(createRequire(path.join(repoRoot(), 'package.json')).resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const file = path.join(repoRoot(), 'syntaxes', 'etcdctl.tmLanguage.json');
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (p) => new oniguruma.OnigScanner(p),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scope) => (scope === 'source.etcdctl' ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null),
    });
    grammar = (await registry.loadGrammar('source.etcdctl'))!;
  });

  test('command lines: env, etcdctl, command, subcommand, flags, values, keys, strings, comments', () => {
    const [a, b, c, d] = scopes(
      grammar,
      [
        'ETCDCTL_API=3 etcdctl get /registry/pods --prefix -w json --limit=5 # pods',
        'lease grant 60',
        'put "/a b" \'v\\n\' --lease=694d7ab5c2f0e1a3',
        'etcdctl --endpoints=https://10.0.0.1:2379 member list -w table',
      ].join('\n'),
    );
    assert.equal(scopeOf(a, 'ETCDCTL_API'), 'variable.other.env.etcdctl');
    assert.equal(scopeOf(a, 'etcdctl'), 'support.function.etcdctl.etcdctl');
    assert.equal(scopeOf(a, 'get'), 'keyword.control.command.etcdctl');
    assert.equal(scopeOf(a, '/registry/pods'), 'string.unquoted.key.etcdctl');
    assert.equal(scopeOf(a, '--prefix'), 'variable.parameter.flag.etcdctl');
    assert.equal(scopeOf(a, '-w'), 'variable.parameter.flag.etcdctl');
    assert.equal(scopeOf(a, '5'), 'string.unquoted.flag-value.etcdctl');
    assert.equal(scopeOf(a, '#'), 'punctuation.definition.comment.etcdctl');
    assert.equal(scopeOf(a, 'pods'), 'comment.line.number-sign.etcdctl');
    assert.equal(scopeOf(b, 'lease'), 'keyword.control.command.etcdctl');
    assert.equal(scopeOf(b, 'grant'), 'keyword.control.subcommand.etcdctl');
    assert.equal(scopeOf(b, '60'), 'constant.numeric.etcdctl');
    assert.equal(scopeOf(c, '/a b'), 'string.quoted.double.etcdctl');
    assert.equal(scopeOf(c, 'v\\n'), 'string.quoted.single.etcdctl', 'no escapes in single quotes');
    assert.equal(scopeOf(c, '694d7ab5c2f0e1a3'), 'string.unquoted.flag-value.etcdctl');
    assert.equal(scopeOf(d, 'member'), 'keyword.control.command.etcdctl');
    assert.equal(scopeOf(d, 'list'), 'keyword.control.subcommand.etcdctl');
    assert.equal(scopeOf(d, '--endpoints'), 'variable.parameter.flag.etcdctl');
  });

  test('escapes in double quotes, continuation lines, the connection directive', () => {
    const [a, b, c, d] = scopes(grammar, ['# connection: prod-east', 'get "\\x00\\q" \\', '  --prefix', '# plain comment'].join('\n'));
    assert.equal(scopeOf(a, 'connection'), 'keyword.other.directive.connection.etcdctl');
    assert.equal(scopeOf(a, 'prod-east'), 'entity.name.connection.etcdctl');
    assert.equal(scopeOf(b, '\\x00'), 'constant.character.escape.etcdctl');
    assert.equal(scopeOf(b, '\\q'), 'invalid.illegal.escape.etcdctl');
    assert.equal(scopeOf(b, '\\'), 'constant.character.escape.line-continuation.etcdctl');
    assert.equal(scopeOf(c, '--prefix'), 'variable.parameter.flag.etcdctl');
    assert.equal(scopeOf(d, 'plain comment'), 'comment.line.number-sign.etcdctl');
  });

  test('txn blocks: compares, here-documents and the requests inside', () => {
    const [t, cmp, , op] = scopes(grammar, ["txn <<'EOF'", 'mod("/a") > "0"', '', 'put /a b', 'EOF'].join('\n'));
    assert.equal(scopeOf(t, 'txn'), 'keyword.control.command.etcdctl');
    assert.equal(scopeOf(t, '<<'), 'keyword.operator.heredoc.etcdctl');
    assert.equal(scopeOf(t, 'EOF'), 'entity.name.tag.heredoc.etcdctl');
    assert.equal(scopeOf(cmp, 'mod'), 'support.function.compare.etcdctl');
    assert.equal(scopeOf(cmp, '"/a"'), 'string.quoted.double.key.etcdctl');
    assert.equal(scopeOf(cmp, '>'), 'keyword.operator.comparison.etcdctl');
    assert.equal(scopeOf(op, 'put'), 'keyword.control.command.etcdctl');
    assert.equal(scopeOf(op, '/a'), 'string.unquoted.key.etcdctl');
  });
});
