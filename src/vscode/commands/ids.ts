/** Every command id the extension contributes (package.json `contributes.commands` must match). */
export const CommandIds = {
  addConnection: 'etcdStudio.addConnection',
  removeConnection: 'etcdStudio.removeConnection',
  refresh: 'etcdStudio.refresh',
  startDemoCluster: 'etcdStudio.startDemoCluster',
  showLog: 'etcdStudio.showLog',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
