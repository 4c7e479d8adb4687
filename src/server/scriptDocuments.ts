/** Parsed etcdctl scripts by URI, re-parsed only when the document's version changes. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseScript, splitLines } from '../core/script/parse';
import type { Script } from '../core/script/types';

export interface ScriptDocument {
  uri: string;
  version: number;
  text: string;
  lines: string[];
  script: Script;
}

export class ScriptDocuments {
  private readonly parsed = new Map<string, ScriptDocument>();

  get(doc: TextDocument): ScriptDocument {
    const cached = this.parsed.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const text = doc.getText();
    const entry = { uri: doc.uri, version: doc.version, text, lines: splitLines(text), script: parseScript(text) };
    this.parsed.set(doc.uri, entry);
    return entry;
  }

  forget(uri: string): void {
    this.parsed.delete(uri);
  }
}
