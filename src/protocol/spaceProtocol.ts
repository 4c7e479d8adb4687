/**
 * Messages between the Space webview and the extension host, and the report as the webview draws it
 * (plain JSON: keys as hex for exactness and as escaped text for display).
 */

export interface ViewKey {
  hex: string;
  /** Escaped key text (keyText.ts). */
  text: string;
  bytes: number;
  valueBytes: number;
  modRevision: number;
  version: number;
  revisions?: number;
  historyBytes?: number;
}

export interface ViewNode {
  hex: string;
  /** Escaped full prefix. */
  text: string;
  /** The part after the parent's prefix, e.g. `pods/`. */
  name: string;
  /** What Kubernetes keeps there ("Pod", "namespace · Pod"), or ''. */
  label: string;
  keys: number;
  bytes: number;
  ownKeys: number;
  ownBytes: number;
  folded: boolean;
  historyBytes?: number;
  revisions?: number;
  deletedKeys?: number;
  largest: ViewKey[];
  children: ViewNode[];
}

export interface ViewStorage {
  name: string;
  dbSize?: number;
  dbSizeInUse?: number;
  error?: string;
}

export interface SpaceView {
  source: 'live' | 'snapshot';
  /** Connection name or snapshot file. */
  target: string;
  revision: number;
  compactRevision?: number;
  root: ViewNode;
  /** Ancestors of the root prefix, from the top, for the breadcrumb (the root itself last). */
  crumbs: { hex: string; name: string }[];
  largest: ViewKey[];
  mostRevisions?: ViewKey[];
  history?: { revisions: number; historyBytes: number; deletedKeys: number };
  storage: ViewStorage[];
  ms: number;
}

/** Webview -> extension. */
export type SpaceRequest =
  { type: 'ready' } | { type: 'drill'; hex: string } | { type: 'openKey'; hex: string } | { type: 'refresh' } | { type: 'cancel' };

/** Extension -> webview. */
export type SpaceUpdate =
  { type: 'progress'; text: string; fraction?: number } | { type: 'report'; view: SpaceView } | { type: 'error'; message: string };
