/** The shape of the etcdctl command catalogue (facts from etcdctl 3.4/3.5 `--help`). */

export type FlagType = 'bool' | 'string' | 'int' | 'duration' | 'hex';

export interface FlagSpec {
  /** Long name without dashes, e.g. `keys-only`. */
  name: string;
  /** One-letter short form without the dash, e.g. `w`. */
  short?: string;
  type: FlagType;
  /** Default as etcdctl's help shows it. */
  default?: string;
  /** The values etcdctl accepts, for completion and checks. */
  values?: readonly string[];
  doc: string;
  /** First etcdctl minor version that has the flag. */
  since?: '3.5';
  /** Accepted for copied commands but without effect here (connection flags: the script's connection is used). */
  ignored?: string;
}

export type ArgKind = 'key' | 'range_end' | 'value' | 'lease' | 'member' | 'revision' | 'ttl' | 'file' | 'name' | 'command';

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  optional?: boolean;
  /** Takes every remaining word (watch's exec command). */
  rest?: boolean;
}

export interface CommandSpec {
  /** `get`, or `lease grant` for a subcommand. */
  name: string;
  usage: string;
  summary: string;
  /** More detail for hover, markdown. */
  doc?: string;
  flags: readonly FlagSpec[];
  args: readonly ArgSpec[];
  /** Changes the cluster: refused on read-only connections. */
  writes?: boolean;
  /** Valid etcdctl, but scripts do not run it: says why and what to use instead. */
  unsupported?: string;
  /** Output formats (-w) with an etcdctl printer for this command besides simple and json. */
  formats?: readonly ('table' | 'fields')[];
}

/** A command group such as `lease`, whose words after it name a subcommand. */
export interface GroupSpec {
  name: string;
  summary: string;
  subcommands: readonly CommandSpec[];
  /** Flags every subcommand of the group takes (endpoint --cluster). */
  flags?: readonly FlagSpec[];
}
