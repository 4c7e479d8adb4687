import { EtcdStudioError } from '../errors';
import { Logger, silentLogger } from '../log';
import { EtcdConnection } from './connection';
import { ConnectionProfile } from './profile';

/**
 * Keeps at most one live EtcdConnection per profile name, opened on first use. Concurrent
 * callers share one connection attempt.
 */
export class Sessions {
  private readonly open = new Map<string, Promise<EtcdConnection>>();

  constructor(
    private readonly lookup: (name: string) => ConnectionProfile | undefined,
    private readonly password: (name: string) => PromiseLike<string | undefined>,
    private readonly log: Logger = silentLogger,
  ) {}

  isConnected(name: string): boolean {
    return this.open.has(name);
  }

  get(name: string): Promise<EtcdConnection> {
    let pending = this.open.get(name);
    if (!pending) {
      const profile = this.lookup(name);
      if (!profile) return Promise.reject(new EtcdStudioError('NotFound', `There is no connection named "${name}".`));
      pending = (async () => {
        const password = profile.username ? await this.password(name) : undefined;
        this.log.info(`connecting to "${name}" (${profile.endpoints.join(', ')})`);
        return EtcdConnection.open(profile, { password, logger: this.log });
      })();
      this.open.set(name, pending);
      // A failed attempt is forgotten so the next use tries again.
      pending.catch(() => this.open.delete(name));
    }
    return pending;
  }

  disconnect(name: string): void {
    const pending = this.open.get(name);
    this.open.delete(name);
    pending?.then(
      (c) => c.close(),
      () => undefined,
    );
  }

  disposeAll(): void {
    for (const name of [...this.open.keys()]) this.disconnect(name);
  }
}
