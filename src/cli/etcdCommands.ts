/**
 * Every command that talks to a cluster, in one place: the CLI's build makes this file (with the etcd
 * client, gRPC and its protos) a chunk of its own, loaded only when one of these commands runs, so
 * `--help`, `decode`/`encode` and offline `snapshot status|ls|get` start without it (see main.ts).
 */
export { runHealth, runMembers, runStatus } from './clusterCommands';
export { runDoctorCommand } from './doctorCommand';
export { runGet, runPut } from './kvCommands';
export { runLs } from './lsCommand';
export { runSeedSample } from './seedCommand';
export { restoreSnapshotIntoCluster, saveSnapshotFile } from './snapshotOnline';
export { runExport, runImport } from './transferCommands';
export { runServerVersions } from './versionServers';
export { runChanges, runLeases, runWatch } from './watchCommands';
export { runDu } from './duCommand';
export { runGrep } from './grepCommand';
