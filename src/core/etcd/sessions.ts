import { EtcdStudioError } from '../errors';
import { Logger, silentLogger } from '../log';
import { EtcdConnection } from './connection';
import { ConnectionProfile, validateProfile } from './profile';

/** Why an open connection was closed. */
export type CloseReason = 'changed' | 'removed' | 'disconnected';

interface Session {
  /** The profile the connection was opened with, as a comparable string. */
  fingerprint: string;
  pending: Promise<EtcdConnection>;
}

/** A profile as a comparable string: field order does not matter, missing and undefined fields are equal. */
export function profileFingerprint(p: ConnectionProfile): string {
  let v: ConnectionProfile;
  try {
    v = validateProfile(p);
  } catch {
    v = p;
  }
  const entries = Object.entries(v)
    .filter(([, x]) => x !== undefined && x !== '' && x !== false)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(entries);
}

/**
 * At most one live EtcdConnection per profile name, opened on first use; concurrent callers share one
 * connection attempt. A connection always matches its profile as it is now: `get` notices a changed
 * profile (edited by any means: a command, settings.json, settings sync) and opens a new connection
 * for it, and `sync` closes connections whose profile changed or was removed, telling `onDidClose`
 * listeners (e.g. running watches) why.
 */
export class Sessions {
  private readonly open = new Map<string, Session>();
  private readonly closeListeners = new Set<(name: string, reason: CloseReason) => void>();

  constructor(
    private readonly lookup: (name: string) => ConnectionProfile | undefined,
    private readonly password: (name: string) => PromiseLike<string | undefined>,
    private readonly log: Logger = silentLogger,
  ) {}

  isConnected(name: string): boolean {
    return this.open.has(name);
  }

  /** The connection for the profile named `name` as it is now (a new one if the profile changed since). */
  get(name: string): Promise<EtcdConnection> {
    const profile = this.lookup(name);
    if (!profile) {
      this.close(name, 'removed');
      return Promise.reject(new EtcdStudioError('NotFound', `There is no connection named "${name}".`));
    }
    const fingerprint = profileFingerprint(profile);
    const session = this.open.get(name);
    if (session?.fingerprint === fingerprint) return session.pending;
    if (session) this.close(name, 'changed');
    const pending = (async () => {
      const password = profile.username ? await this.password(name) : undefined;
      this.log.info(`connecting to "${name}" (${profile.endpoints.join(', ')})${profile.readOnly ? ' read-only' : ''}`);
      return EtcdConnection.open(profile, { password, logger: this.log });
    })();
    const opened = { fingerprint, pending };
    this.open.set(name, opened);
    // A failed attempt is forgotten so the next use tries again.
    pending.catch(() => {
      if (this.open.get(name) === opened) this.open.delete(name);
    });
    return pending;
  }

  /**
   * Closes every open connection whose profile changed or was removed (call it whenever the profiles
   * may have changed); the next `get` opens one with the new settings.
   */
  sync(): void {
    for (const [name, session] of [...this.open]) {
      const profile = this.lookup(name);
      if (!profile) this.close(name, 'removed');
      else if (profileFingerprint(profile) !== session.fingerprint) this.close(name, 'changed');
    }
  }

  /** Called with the name and the reason whenever an open connection is closed. */
  onDidClose(listener: (name: string, reason: CloseReason) => void): { dispose(): void } {
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  disconnect(name: string): void {
    this.close(name, 'disconnected');
  }

  private close(name: string, reason: CloseReason): void {
    const session = this.open.get(name);
    if (!session) return;
    this.open.delete(name);
    if (reason !== 'disconnected') {
      this.log.info(`"${name}" was ${reason === 'changed' ? 'changed' : 'removed'} in the settings: its connection is closed`);
    }
    session.pending.then(
      (c) => c.close(),
      () => undefined,
    );
    for (const l of this.closeListeners) {
      try {
        l(name, reason);
      } catch (e) {
        this.log.warn(`a listener of "${name}" closing failed: ${String(e)}`);
      }
    }
  }

  disposeAll(): void {
    for (const name of [...this.open.keys()]) this.disconnect(name);
  }
}
