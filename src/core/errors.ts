/**
 * Errors users see. Every message says what happened and what to do next; `code` lets the
 * VS Code shell map them (e.g. to FileSystemError) without parsing text.
 */
export type ErrorCode =
  | 'Unavailable'
  | 'Timeout'
  | 'TlsUnknownCa'
  /** The server certificate is expired, not yet valid, or not issued for the name connected to. */
  | 'TlsServerCert'
  | 'TlsClientCert'
  | 'AuthFailed'
  | 'PermissionDenied'
  | 'InvalidArgument'
  | 'NotFound'
  | 'Conflict'
  | 'Cancelled'
  /** A change was sent but its answer was lost: etcd may or may not have applied it. */
  | 'OutcomeUnknown'
  | 'Corrupt'
  /** The connected etcd release does not have the feature (see etcd/capabilities.ts). */
  | 'Unsupported'
  | 'Internal';

/** Marks the errors of every copy of this file (each lazily loaded dist/lazy-*.js bundles its own). */
const STUDIO_ERROR = Symbol.for('etcdStudio.EtcdStudioError');

export class EtcdStudioError extends Error {
  /** `e instanceof EtcdStudioError` holds for an error thrown by another bundled copy of this class too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses (K8sEditError) check their prototype chain as usual.
    if (this !== EtcdStudioError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [STUDIO_ERROR]?: boolean })[STUDIO_ERROR] === true;
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'EtcdStudioError';
  }
}
Object.defineProperty(EtcdStudioError.prototype, STUDIO_ERROR, { value: true });

/** Message of any thrown value, never "[object Object]". */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes value codec (src/core/k8s): edits refused because saving them would corrupt the object.
// ---------------------------------------------------------------------------------------------------

/** One reason an edited Kubernetes object cannot be saved. */
export interface K8sEditIssue {
  /** JSON path such as `spec.containers[0].ports[0].containerPort`, or '(root)'. */
  path: string;
  message: string;
  /** 1-based line in the edited text, when known. */
  line?: number;
}

/** An edit that would corrupt the stored value; `issues` lists every problem found, with path and line. */
export class K8sEditError extends EtcdStudioError {
  constructor(readonly issues: K8sEditIssue[]) {
    super('InvalidArgument', formatK8sIssues(issues));
    this.name = 'K8sEditError';
  }
}

export function formatK8sIssues(issues: readonly K8sEditIssue[]): string {
  const shown = issues.slice(0, 20).map((i) => `${i.line !== undefined ? `line ${i.line}: ` : ''}${i.path}: ${i.message}`);
  if (issues.length > 20) shown.push(`…and ${issues.length - 20} more`);
  return `Cannot save: ${issues.length === 1 ? 'the edit is invalid' : `${issues.length} problems`}:\n${shown.join('\n')}`;
}
