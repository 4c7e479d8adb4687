/** Every benchmark by name (`npm run bench -- <name>`). */
import type { BenchArgs } from './run';
import * as codecBench from './codec';
import * as loadBench from './load';
import * as snapshotBench from './snapshot';
import * as treeBench from './tree';
import * as watchBench from './watch';

export type Bench = (args: BenchArgs) => Promise<Record<string, number>>;

export function load(): Record<string, Bench> {
  return {
    codec: codecBench.run,
    load: loadBench.run,
    snapshot: snapshotBench.run,
    tree: treeBench.run,
    watch: watchBench.run,
  };
}
