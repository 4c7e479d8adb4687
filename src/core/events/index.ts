/** The Kubernetes events about an object, as a timeline. */
export { eventTimeline, objectUid, toTimelineEvent } from './timeline';
export type { ObjectRef, TimelineEvent, TimelineOptions } from './timeline';
