/** Searching decoded values: text/regex over the YAML as the editor shows it, and field matches. */
export { grepPrefix } from './grep';
export type { GrepHit, GrepOptions, GrepStats } from './grep';
export { compileQuery, describeQuery } from './query';
export type { SearchInput, SearchQuery } from './query';
export { matchPrepared, matchValue, MAX_LINES_PER_KEY, prepareValue } from './matchValue';
export type { FieldMatchHit, LineMatch, Searchable, SkipReason, ValueMatch } from './matchValue';
export { formatPath, parseFieldMatch } from './fieldPath';
export { parseSearchLine } from './searchLine';
