/** Space analysis: where the keys and bytes under a prefix go, live (a cluster) or offline (a snapshot file). */
export { analyzeLiveSpace, firstBranchingPrefix, memberStorage } from './liveSpace';
export type { LiveSpaceOptions } from './liveSpace';
export { readSnapshotSpace, SnapshotSpace } from './snapshotSpace';
export type { SnapshotSpaceOptions } from './snapshotSpace';
export { findNode, fragmentation } from './report';
export type { SpaceReport, StorageStat } from './report';
export type { AggregateOptions, HistoryStat, KeyStat, SpaceNode } from './spaceTree';
export { flattenNodes, prefixLabel, spaceReportJson, spaceReportTable, spaceReportText } from './format';
export { crumbsOf, toSpaceView } from './spaceView';
