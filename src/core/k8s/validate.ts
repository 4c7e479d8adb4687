/**
 * Checks that refuse an edit before it can corrupt what kube-apiserver reads back: unparsable text,
 * a changed apiVersion/kind (the stored encoding depends on them), and metadata.name/namespace that no
 * longer match the etcd key the value lives under. Type and unknown-field checks come from the encoder.
 */
import { K8sEditError, type K8sEditIssue } from '../errors';
import type { EncodeIssue } from './encode';
import { stringifyGo } from './goJson';
import type { PathSeg } from './jsonForms';
import { parseText, TextParseError, type ParsedText } from './yaml';

export function parseEdit(text: string): ParsedText {
  try {
    const parsed = parseText(text);
    const v = parsed.value;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new K8sEditError([
        { path: '(root)', message: 'expected a Kubernetes object (a mapping with apiVersion, kind, metadata)', line: 1 },
      ]);
    }
    return parsed;
  } catch (e) {
    if (e instanceof TextParseError) throw new K8sEditError([{ path: '(root)', message: e.message, line: e.line }]);
    throw e;
  }
}

export interface RegistryKey {
  /** Path segments after /registry/. */
  parts: string[];
  name: string;
  /** Second-to-last segment: the namespace for namespaced resources, else the resource (or group). */
  parent?: string;
}

/** Parses `/registry/<resource>/<ns>/<name>`-style keys; undefined for keys outside /registry/. */
export function parseRegistryKey(key: string): RegistryKey | undefined {
  const m = /^\/registry\/(.+)$/.exec(key);
  if (!m) return undefined;
  const parts = m[1].split('/');
  if (parts.length < 2 || parts.some((p) => p === '')) return undefined;
  return { parts, name: parts[parts.length - 1], parent: parts.length >= 3 ? parts[parts.length - 2] : undefined };
}

export interface Identity {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
}

/** An edited value in a message (bigints and objects included). */
const shown = (v: unknown): string => stringifyGo(v ?? null, { escapeHTML: false });

const get = (o: unknown, k: string): unknown => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);

/** apiVersion/kind must stay as stored; name/namespace must match the key. */
export function checkIdentity(original: Identity, edited: unknown, key: string | undefined, lineOf: ParsedText['lineOf']): K8sEditIssue[] {
  const issues: K8sEditIssue[] = [];
  const at = (segs: PathSeg[], message: string): void => {
    issues.push({ path: segs.join('.'), message, line: lineOf(segs) });
  };
  for (const f of ['apiVersion', 'kind'] as const) {
    const want = original[f];
    const got = get(edited, f);
    if (want && got !== want) {
      at(
        [f],
        `${f} cannot be changed (stored as ${JSON.stringify(want)}, edited to ${shown(got)}): the stored encoding depends on it; create a new object instead`,
      );
    }
  }
  const meta = get(edited, 'metadata');
  const name = get(meta, 'name');
  const ns = get(meta, 'namespace');
  const k = key ? parseRegistryKey(key) : undefined;
  if (k) {
    if (name !== k.name) {
      at(
        ['metadata', 'name'],
        `must be ${JSON.stringify(k.name)} to match the etcd key ${key} (got ${shown(name)}); renaming needs a new key`,
      );
    }
    const wantNs = original.namespace ?? (typeof ns === 'string' && ns !== '' ? k.parent : undefined);
    if (wantNs !== undefined && (ns ?? '') !== wantNs) {
      at(['metadata', 'namespace'], `must be ${JSON.stringify(wantNs)} to match the etcd key ${key} (got ${shown(ns)})`);
    }
  }
  return issues;
}

export function withLines(issues: readonly EncodeIssue[], lineOf: ParsedText['lineOf']): K8sEditIssue[] {
  return issues.map((i) => ({ path: i.path, message: i.message, line: lineOf(i.segs) }));
}

export function throwIfAny(issues: K8sEditIssue[]): void {
  if (issues.length) throw new K8sEditError(issues);
}
