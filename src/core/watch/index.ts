/** Live and historical views of a key range: resilient watch, event descriptions, changes since a revision. */
export { currentRevision, watchBounds, watchRange } from './watcher';
export type { CompactedInfo, RangeWatch, WatchRangeOptions, WatchStats, WatchStatus } from './watcher';
export type { WatchBatch, WatchEvent } from './watchEvent';
export { actionOf, describeEvent, fetchPrevValue, objectTitle } from './describe';
export type { EventAction, EventDescription } from './describe';
export { diffObjects, formatFieldChange, shortValue, summarizeChange } from './objectDiff';
export type { ChangeSummary, FieldChange } from './objectDiff';
export { changesSince, groupChanges } from './changes';
export type { ChangeGroup, ChangeSet, KeyChange, ValueAt } from './changes';
export { changesToJson, changesToMarkdown } from './changesExport';
export { unifiedDiff } from './lineDiff';
export { formatWatchBatch } from './watchPrint';
