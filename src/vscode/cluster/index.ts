/**
 * Cluster operations: the etcdctl reports (member list, endpoint health / status / hashkv, alarms) as
 * read-only documents, and the maintenance commands. The Members node lives here too (membersNode.ts).
 * The report documents' provider is registered here; the commands' code is in clusterCommands.ts (and
 * maintenanceCommands.ts), loaded on first use.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { Services } from '../services';
import { REPORT_SCHEME, ReportProvider } from './reportProvider';

export function register(s: Services): void {
  const reports = new ReportProvider(s.connect);
  s.ctx.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports));
  s.deferCommands(
    [
      CommandIds.memberList,
      CommandIds.endpointHealth,
      CommandIds.endpointStatus,
      CommandIds.alarmList,
      CommandIds.hashKv,
      CommandIds.refreshReport,
      CommandIds.reportAsJson,
      CommandIds.alarmDisarm,
      CommandIds.defragment,
      CommandIds.compact,
      CommandIds.moveLeader,
      CommandIds.memberAdd,
      CommandIds.memberRemove,
      CommandIds.memberPromote,
    ],
    async () => {
      const { registerCommands } = await import('./clusterCommands');
      return (services) => registerCommands(services, reports);
    },
  );
}
