/** Completion items for etcdctl scripts: commands, subcommands, flags, flag values, txn compares, keys. */
import { CompletionItem, CompletionItemKind, CompletionList, InsertTextFormat, MarkupKind, Position } from 'vscode-languageserver';
import { findCommand, findGroup, topLevelNames } from '../core/script/catalogue';
import type { FlagSpec } from '../core/script/catalogueTypes';
import { completionContext } from './completionContext';
import { flagMarkdown, commandMarkdown } from './hover';
import { KeyLister, keyCompletions } from './keyCompletion';
import type { ScriptDocument } from './scriptDocuments';

const COMPARES: [string, string, string][] = [
  [
    'mod',
    'mod("${1:key}") ${2|>,<,=,!=|} "${3:0}"',
    'Compares the key\'s mod_revision (the revision of its last change; "0" for a missing key).',
  ],
  [
    'create',
    'create("${1:key}") ${2|=,>,<,!=|} "${3:0}"',
    'Compares the key\'s create_revision; `create("k") = "0"` means the key does not exist.',
  ],
  [
    'ver',
    'ver("${1:key}") ${2|=,>,<,!=|} "${3:0}"',
    "Compares the key's version (number of changes since it was created; 0 for a missing key).",
  ],
  ['value', 'value("${1:key}") ${2|=,!=,>,<|} "${3:value}"', "Compares the key's value as bytes."],
  ['lease', 'lease("${1:key}") ${2|=,!=|} "${3:0}"', 'Compares the lease attached to the key (hexadecimal id; "0" for none).'],
];

function flagItem(f: FlagSpec): CompletionItem {
  return {
    label: `--${f.name}`,
    kind: CompletionItemKind.Property,
    detail: f.short ? `-${f.short}, --${f.name}` : f.type === 'bool' ? 'flag' : f.type,
    documentation: { kind: MarkupKind.Markdown, value: flagMarkdown(f) },
    insertText: f.type === 'bool' ? `--${f.name}` : `--${f.name}=`,
    // A value-taking flag opens its value list right away.
    ...(f.type !== 'bool' && f.values ? { command: { title: 'values', command: 'editor.action.triggerSuggest' } } : {}),
    sortText: (f.ignored ? '2' : '1') + f.name,
  };
}

export async function complete(doc: ScriptDocument, pos: Position, keys: KeyLister): Promise<CompletionList | CompletionItem[]> {
  const ctx = completionContext(doc.text, pos, doc.script);
  switch (ctx.kind) {
    case 'command': {
      const names = ctx.allowed ?? topLevelNames();
      const items: CompletionItem[] = names.map((n) => {
        const spec = findCommand(n);
        const group = findGroup(n);
        return {
          label: n,
          kind: group ? CompletionItemKind.Module : CompletionItemKind.Function,
          detail: spec?.summary ?? group?.summary,
          documentation: spec ? { kind: MarkupKind.Markdown, value: commandMarkdown(spec) } : undefined,
          ...(group ? { insertText: `${n} `, command: { title: 'subcommands', command: 'editor.action.triggerSuggest' } } : {}),
          sortText: (spec?.unsupported ? '2' : '1') + n,
        };
      });
      if (ctx.offerEtcdctl)
        items.push({
          label: 'etcdctl',
          kind: CompletionItemKind.Keyword,
          detail: 'optional: lines may start with etcdctl, as in a terminal',
          sortText: '0',
        });
      return items;
    }
    case 'subcommand':
      return findGroup(ctx.group)!.subcommands.map((c) => ({
        label: c.name.split(' ')[1],
        kind: CompletionItemKind.Function,
        detail: c.summary,
        documentation: { kind: MarkupKind.Markdown, value: commandMarkdown(c) },
        sortText: (c.unsupported ? '2' : '1') + c.name,
      }));
    case 'flag':
      return ctx.flags.map(flagItem);
    case 'flagValue':
      return (ctx.flag.values ?? (ctx.flag.type === 'bool' ? ['true', 'false'] : [])).map((v) => ({
        label: v,
        kind: CompletionItemKind.EnumMember,
        detail: `--${ctx.flag.name}`,
        textEdit: { range: ctx.replace, newText: v },
      }));
    case 'compare':
      return COMPARES.map(([label, snippet, doc]) => ({
        label,
        kind: CompletionItemKind.Snippet,
        detail: 'txn compare',
        documentation: doc,
        insertText: snippet,
        insertTextFormat: InsertTextFormat.Snippet,
      }));
    case 'key':
      return keyCompletions(doc, pos, ctx.partial, keys);
    default:
      return [];
  }
}
