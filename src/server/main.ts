/**
 * The etcd Studio language server (stdio or node IPC, chosen by the client's launch arguments):
 * etcdctl scripts get diagnostics, completion (keys from the client's connection), hover, symbols
 * and Run code lenses; `etcd:` YAML documents get the codec's save checks while typing.
 * It never imports vscode and never connects to etcd itself (see src/protocol/scriptProtocol.ts).
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { errorMessage } from '../core/errors';
import {
  ETCDCTL_LANGUAGE,
  KEY_CHILDREN_REQUEST,
  KeyChildrenParams,
  KeyChildrenResult,
  STORED_VALUE_CHANGED_NOTIFICATION,
  STORED_VALUE_REQUEST,
  StoredValueChangedParams,
  StoredValueParams,
  StoredValueResult,
} from '../protocol/scriptProtocol';
import { complete } from './completion';
import { EtcdYamlValidator, isEditableEtcdYaml } from './etcdYamlValidation';
import { hover } from './hover';
import { codeLenses, documentSymbols } from './outline';
import { scriptDiagnostics } from './scriptDiagnostics';
import { ScriptDocuments } from './scriptDocuments';

/** Validation of etcd: YAML waits for a pause in typing (re-encoding a big object is not free). */
const YAML_DEBOUNCE_MS = 250;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const scripts = new ScriptDocuments();
const validator = new EtcdYamlValidator((uri) =>
  connection.sendRequest<StoredValueResult>(STORED_VALUE_REQUEST, { uri } satisfies StoredValueParams),
);
const yamlTimers = new Map<string, NodeJS.Timeout>();

const isScript = (doc: TextDocument | undefined): doc is TextDocument => doc?.languageId === ETCDCTL_LANGUAGE;
const listKeys = (params: KeyChildrenParams) => connection.sendRequest<KeyChildrenResult>(KEY_CHILDREN_REQUEST, params);

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    completionProvider: { triggerCharacters: ['/', '-', '=', ' '] },
    hoverProvider: true,
    documentSymbolProvider: true,
    codeLensProvider: { resolveProvider: false },
  },
  serverInfo: { name: 'etcd Studio' },
}));

function validate(doc: TextDocument): void {
  if (doc.languageId === ETCDCTL_LANGUAGE) {
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: scriptDiagnostics(scripts.get(doc)) });
    return;
  }
  if (!isEditableEtcdYaml(doc)) return;
  clearTimeout(yamlTimers.get(doc.uri));
  yamlTimers.set(
    doc.uri,
    setTimeout(() => {
      yamlTimers.delete(doc.uri);
      validator.validate(doc).then(
        (diagnostics) => {
          // Only publish for the text that was checked; a newer change schedules its own run.
          if (documents.get(doc.uri)?.version === doc.version)
            void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
        },
        (e) => connection.console.error(`validating ${doc.uri}: ${errorMessage(e)}`),
      );
    }, YAML_DEBOUNCE_MS),
  );
}

documents.onDidChangeContent((e) => validate(e.document));
documents.onDidSave((e) => {
  if (!isEditableEtcdYaml(e.document)) return;
  validator.forget(e.document.uri);
  validate(e.document);
});
documents.onDidClose((e) => {
  scripts.forget(e.document.uri);
  validator.forget(e.document.uri);
  clearTimeout(yamlTimers.get(e.document.uri));
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});
connection.onNotification(STORED_VALUE_CHANGED_NOTIFICATION, (p: StoredValueChangedParams) => {
  validator.forget(p.uri);
  const doc = documents.get(p.uri);
  if (doc) validate(doc);
});

connection.onCompletion(async (p) => {
  const doc = documents.get(p.textDocument.uri);
  if (!isScript(doc)) return null;
  try {
    return await complete(scripts.get(doc), p.position, listKeys);
  } catch (e) {
    connection.console.error(`completion failed: ${errorMessage(e)}`);
    return null;
  }
});
connection.onHover((p) => {
  const doc = documents.get(p.textDocument.uri);
  return isScript(doc) ? hover(scripts.get(doc), p.position) : null;
});
connection.onDocumentSymbol((p) => {
  const doc = documents.get(p.textDocument.uri);
  return isScript(doc) ? documentSymbols(scripts.get(doc)) : null;
});
connection.onCodeLens((p) => {
  const doc = documents.get(p.textDocument.uri);
  return isScript(doc) ? codeLenses(scripts.get(doc)) : [];
});

documents.listen(connection);
connection.listen();
