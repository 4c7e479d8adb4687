/**
 * Custom messages between the etcd Studio language client (extension host) and server.
 *
 * The CLIENT owns connections: it holds the open sessions and the passwords (SecretStorage), so the
 * server never connects to etcd and no password ever crosses the process boundary. When the server
 * needs data from etcd (key children for completion, a stored value for validation), it asks the
 * client with a request below; the client answers from its session.
 *
 * Only method names and plain JSON shapes live here (no runtime import), because client and server
 * bundle different copies of vscode-jsonrpc.
 */

/** Server -> client: the children of a key prefix in the script's connection (one page). */
export const KEY_CHILDREN_REQUEST = 'etcdStudio/keyChildren';

export interface KeyChildrenParams {
  /** The script asking; the client uses its active connection unless `connection` is set. */
  uri: string;
  /** From a `# connection: NAME` line in the script. */
  connection?: string;
  /** The prefix bytes (hex) whose children are listed; everything up to and including the last '/'. */
  prefixHex: string;
  /** Resume at this key (hex): the prefix plus the segment typed so far. */
  afterHex?: string;
  limit: number;
}

export interface KeyChildItem {
  kind: 'prefix' | 'key';
  /** The bytes after the prefix (hex); a prefix child ends with '/'. */
  segmentHex: string;
  /** Keys under a prefix child. */
  count?: number;
  /** Value size of a key child. */
  size?: number;
  modRevision?: number;
}

export type KeyChildrenResult =
  | { connection: string; children: KeyChildItem[]; more: boolean }
  /** No connection to ask (none active, or it failed): the message says what to do. */
  | { error: string };

/** Server -> client: the stored bytes behind an `etcd:` document, to validate edits against. */
export const STORED_VALUE_REQUEST = 'etcdStudio/storedValue';

export interface StoredValueParams {
  uri: string;
}

export type StoredValueResult = { valueBase64: string; key: string } | { error: string };

/** Client -> server: forget cached stored values (after a save, or when the document's baseline moved). */
export const STORED_VALUE_CHANGED_NOTIFICATION = 'etcdStudio/storedValueChanged';

export interface StoredValueChangedParams {
  uri: string;
}

/** Commands the server's code lenses invoke (registered by the client). */
export const ScriptCommandIds = {
  runScriptLine: 'etcdStudio.runScriptLine',
  runScript: 'etcdStudio.runScript',
  selectScriptConnection: 'etcdStudio.selectScriptConnection',
  openScriptExample: 'etcdStudio.openScriptExample',
} as const;

/** The language id of etcdctl scripts (package.json contributes it). */
export const ETCDCTL_LANGUAGE = 'etcdctl';
/** The scheme of documents backed by etcd keys (src/vscode/editor). */
export const ETCD_DOCUMENT_SCHEME = 'etcd';
