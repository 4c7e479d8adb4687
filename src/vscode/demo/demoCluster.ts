import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { launchEtcd, LocalEtcd } from '../../core/etcd/localEtcd';
import { sampleKeyspace, writeEntries } from '../../core/demo/sampleKeyspace';
import { Logger } from '../../core/log';
import { ConnectionStore } from '../connections/connectionStore';

export const DEMO_CONNECTION = 'local-demo';

/**
 * "Start Local Demo Cluster": a throw-away etcd on a loopback port, seeded with a
 * Kubernetes-shaped keyspace, added as the "local-demo" connection. Stopped with the window.
 */
export class DemoCluster implements vscode.Disposable {
  private etcd: LocalEtcd | undefined;

  constructor(
    private readonly storage: vscode.Uri,
    private readonly store: ConnectionStore,
    private readonly log: Logger,
  ) {}

  async start(): Promise<string[]> {
    if (this.etcd) return this.etcd.endpoints;
    const binary = vscode.workspace.getConfiguration('etcdStudio').get<string>('etcdBinary', 'etcd');
    const dataRoot = path.join(this.storage.fsPath, 'demo-cluster');
    rmSync(dataRoot, { recursive: true, force: true });
    mkdirSync(dataRoot, { recursive: true });
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Starting the local demo etcd…' },
      async () => {
        const etcd = await launchEtcd({ binary, dataRoot });
        this.etcd = etcd;
        this.log.info(`demo etcd (pid ${etcd.members[0].process.pid}) on ${etcd.endpoints.join(', ')}`);
        const profile = { name: DEMO_CONNECTION, endpoints: etcd.endpoints };
        const conn = await EtcdConnection.open(profile);
        try {
          const n = await writeEntries(conn, sampleKeyspace());
          this.log.info(`demo etcd seeded with ${n} keys`);
        } finally {
          conn.close();
        }
        await this.store.save(profile);
        return etcd.endpoints;
      },
    );
  }

  dispose(): void {
    void this.etcd?.stop();
    this.etcd = undefined;
  }
}
