/** Every benchmark by name (`npm run bench -- <name>`). */
import type { BenchArgs } from './run';
import * as codecBench from './codec';
import * as duBench from './du';
import * as grepBench from './grep';
import * as loadBench from './load';
import * as snapshotBench from './snapshot';
import * as startupBench from './startup';
import * as treeBench from './tree';
import * as watchBench from './watch';

/** Named figures: numbers, and strings where a figure names something (a tool, a version). */
export type Figures = Record<string, number | string>;
export type Bench = (args: BenchArgs) => Promise<Figures>;

export function load(): Record<string, Bench> {
  return {
    codec: codecBench.run,
    du: duBench.run,
    grep: grepBench.run,
    load: loadBench.run,
    snapshot: snapshotBench.run,
    startup: startupBench.run,
    tree: treeBench.run,
    watch: watchBench.run,
  };
}
