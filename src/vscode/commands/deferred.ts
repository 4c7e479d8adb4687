import type { Logger } from '../../core/log';
import type { CommandId } from './ids';

/** Registers a command through the one wrapper (services.command). */
type Register = (id: CommandId, fn: (...args: never[]) => unknown) => void;
type Handler = (...args: unknown[]) => unknown;

/**
 * Commands whose code loads on first use. `ids` are registered now with small stubs; the first call of
 * any of them runs `load()` (an `import()` of the feature's commands file: a dist/lazy-*.js of its own),
 * whose register function then supplies the real handlers through the `command` it is given, exactly as
 * at activation. Returns what that register function returns (state other stubs of the feature need,
 * e.g. a provider), loading it if needed. A load that fails is tried again on the next call.
 */
export function deferCommands<S extends { command: Register }, R>(
  s: S,
  log: Logger,
  ids: readonly CommandId[],
  load: () => Promise<(s: S) => R>,
): () => Promise<R> {
  const handlers = new Map<CommandId, Handler>();
  const loadOnce = async (): Promise<R> => {
    const started = Date.now();
    const register = await load();
    const result = register({
      ...s,
      command: (id: CommandId, fn: (...args: never[]) => unknown) => {
        if (!ids.includes(id)) throw new Error(`${id} is registered by lazily loaded code but not named in its feature's index.ts`);
        handlers.set(id, fn as Handler);
      },
    });
    const missing = ids.filter((id) => !handlers.has(id));
    if (missing.length) throw new Error(`named in a feature's index.ts but not registered by its code: ${missing.join(', ')}`);
    log.trace(`loaded the code of ${ids.join(', ')} in ${Date.now() - started} ms`);
    return result;
  };
  let loaded: Promise<R> | undefined;
  const ensure = () =>
    (loaded ??= loadOnce().catch((e: unknown) => {
      loaded = undefined;
      throw e;
    }));
  for (const id of ids) {
    s.command(id, async (...args: unknown[]) => {
      await ensure();
      return handlers.get(id)!(...args);
    });
  }
  return ensure;
}
