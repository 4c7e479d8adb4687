/**
 * Auth: the Auth node under each connection (authNodes.ts) and the commands on it — add/remove users, grant/revoke
 * roles, add/remove roles and key-range permissions, turn auth on (after the lock-out guard) and off. Passwords are
 * only asked in password input boxes and handed to etcd; they are never logged, returned or taken from a script.
 * The commands' code is in authCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands(
    [
      CommandIds.addUser,
      CommandIds.removeUser,
      CommandIds.grantRole,
      CommandIds.revokeRole,
      CommandIds.addRole,
      CommandIds.removeRole,
      CommandIds.addPermission,
      CommandIds.removePermission,
      CommandIds.enableAuth,
      CommandIds.disableAuth,
    ],
    async () => (await import('./authCommands')).registerCommands,
  );
}
