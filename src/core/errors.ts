/**
 * Errors users see. Every message says what happened and what to do next; `code` lets the
 * VS Code shell map them (e.g. to FileSystemError) without parsing text.
 */
export type ErrorCode =
  | 'Unavailable'
  | 'Timeout'
  | 'TlsUnknownCa'
  | 'TlsClientCert'
  | 'AuthFailed'
  | 'PermissionDenied'
  | 'InvalidArgument'
  | 'NotFound'
  | 'Conflict'
  | 'Cancelled'
  | 'Corrupt'
  | 'Internal';

export class EtcdStudioError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'EtcdStudioError';
  }
}

/** Message of any thrown value, never "[object Object]". */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
