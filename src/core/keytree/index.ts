/** The key tree's core: byte-exact prefix math, key display text, Kubernetes key reading, child listing. */
export { compareKeys, isUnbounded, keySuccessor, prefixRangeEnd, prefixStart, skipPastChild, UNBOUNDED } from './rangeEnd';
export { keyFromText, keyToText } from './keyText';
export { describeLevel, kindOfResource, parseK8sKey, RESOURCE_KINDS, REGISTRY_PREFIX } from './k8sKey';
export type { K8sObjectKey, LevelInfo } from './k8sKey';
export { DEFAULT_LIMIT, listChildren } from './listChildren';
export type { Child, KeyChild, ListChildrenOptions, ListChildrenResult, PrefixChild } from './listChildren';
