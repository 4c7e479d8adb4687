/**
 * What etcdctl's commands, subcommands and flags mean, for hover, completion and checks. The facts
 * (names, defaults, wording) come from `etcdctl <command> --help` of etcdctl 3.4 and 3.5.
 */
import type { CommandSpec, FlagSpec, GroupSpec } from './catalogueTypes';

export type { ArgKind, ArgSpec, CommandSpec, FlagSpec, FlagType, GroupSpec } from './catalogueTypes';

const CONNECTION_FLAG = 'the script runs on its active connection (status bar, or a `# connection: NAME` line)';

/** Flags every etcdctl command takes. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'write-out',
    short: 'w',
    type: 'string',
    default: 'simple',
    values: ['simple', 'json', 'table', 'fields', 'protobuf'],
    doc: 'set the output format (fields, json, protobuf, simple, table)',
  },
  { name: 'hex', type: 'bool', default: 'false', doc: 'print byte strings as hex encoded strings' },
  { name: 'endpoints', type: 'string', default: '[127.0.0.1:2379]', doc: 'gRPC endpoints', ignored: CONNECTION_FLAG },
  {
    name: 'cacert',
    type: 'string',
    doc: 'verify certificates of TLS-enabled secure servers using this CA bundle',
    ignored: CONNECTION_FLAG,
  },
  { name: 'cert', type: 'string', doc: 'identify secure client using this TLS certificate file', ignored: CONNECTION_FLAG },
  { name: 'key', type: 'string', doc: 'identify secure client using this TLS key file', ignored: CONNECTION_FLAG },
  {
    name: 'user',
    type: 'string',
    doc: 'username[:password] for authentication (prompt if password is not supplied)',
    ignored: CONNECTION_FLAG,
  },
  {
    name: 'password',
    type: 'string',
    doc: "password for authentication (if this option is used, --user option shouldn't include password)",
    ignored: CONNECTION_FLAG,
  },
  {
    name: 'dial-timeout',
    type: 'duration',
    default: '2s',
    doc: 'dial timeout for client connections',
    ignored: "the connection's dialTimeoutMs setting applies",
  },
  {
    name: 'command-timeout',
    type: 'duration',
    default: '5s',
    doc: 'timeout for short running command (excluding dial timeout)',
    ignored: "the connection's requestTimeoutMs setting applies",
  },
  {
    name: 'insecure-skip-tls-verify',
    type: 'bool',
    default: 'false',
    doc: 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)',
    ignored: CONNECTION_FLAG,
  },
  {
    name: 'insecure-transport',
    type: 'bool',
    default: 'true',
    doc: 'disable transport security for client connections',
    ignored: CONNECTION_FLAG,
  },
  { name: 'keepalive-time', type: 'duration', default: '2s', doc: 'keepalive time for client connections', ignored: CONNECTION_FLAG },
  { name: 'keepalive-timeout', type: 'duration', default: '6s', doc: 'keepalive timeout for client connections', ignored: CONNECTION_FLAG },
  { name: 'debug', type: 'bool', default: 'false', doc: 'enable client-side debug logging', ignored: 'see the etcd Studio log instead' },
  {
    name: 'discovery-srv',
    short: 'd',
    type: 'string',
    doc: 'domain name to query for SRV records describing cluster endpoints',
    ignored: CONNECTION_FLAG,
  },
  { name: 'discovery-srv-name', type: 'string', doc: 'service name to query when using DNS discovery', ignored: CONNECTION_FLAG },
  {
    name: 'insecure-discovery',
    type: 'bool',
    default: 'true',
    doc: 'accept insecure SRV records describing cluster endpoints',
    ignored: CONNECTION_FLAG,
  },
  {
    name: 'help',
    short: 'h',
    type: 'bool',
    default: 'false',
    doc: 'help for the command (scripts show help on hover instead)',
    ignored: 'hover the command for its help',
  },
];

const KEY = { name: 'key', kind: 'key' } as const;
const RANGE_END = { name: 'range_end', kind: 'range_end', optional: true } as const;

export const KV_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'get',
    usage: 'get [options] <key> [range_end]',
    summary: 'Gets the key or a range of keys',
    doc: 'Reads one key, the range `[key, range_end)`, every key with the prefix (`--prefix`) or every key from `key` on (`--from-key`).',
    args: [KEY, RANGE_END],
    formats: ['fields'],
    flags: [
      { name: 'consistency', type: 'string', default: 'l', values: ['l', 's'], doc: 'Linearizable(l) or Serializable(s)' },
      { name: 'order', type: 'string', values: ['ASCEND', 'DESCEND'], doc: 'Order of results; ASCEND or DESCEND (ASCEND by default)' },
      {
        name: 'sort-by',
        type: 'string',
        values: ['CREATE', 'KEY', 'MODIFY', 'VALUE', 'VERSION'],
        doc: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION',
      },
      { name: 'limit', type: 'int', default: '0', doc: 'Maximum number of results' },
      { name: 'prefix', type: 'bool', default: 'false', doc: 'Get keys with matching prefix' },
      {
        name: 'from-key',
        type: 'bool',
        default: 'false',
        doc: 'Get keys that are greater than or equal to the given key using byte compare',
      },
      { name: 'rev', type: 'int', default: '0', doc: 'Specify the kv revision' },
      { name: 'keys-only', type: 'bool', default: 'false', doc: 'Get only the keys' },
      {
        name: 'count-only',
        type: 'bool',
        default: 'false',
        since: '3.5',
        doc: 'Get only the count. etcdctl allows it only with `-w fields`; scripts also print the count alone for simple output and the header and count for `-w json`.',
      },
      { name: 'print-value-only', type: 'bool', default: 'false', doc: 'Only write values when using the "simple" output format' },
      { name: 'min-create-rev', type: 'int', default: '0', since: '3.5', doc: 'Minimum create revision' },
      { name: 'max-create-rev', type: 'int', default: '0', since: '3.5', doc: 'Maximum create revision' },
      { name: 'min-mod-rev', type: 'int', default: '0', since: '3.5', doc: 'Minimum modification revision' },
      { name: 'max-mod-rev', type: 'int', default: '0', since: '3.5', doc: 'Maximum modification revision' },
    ],
  },
  {
    name: 'put',
    usage: 'put [options] <key> <value>',
    summary: 'Puts the given key into the store',
    writes: true,
    doc: 'When `<value>` begins with `-` it is read as a flag; write `put <key> -- <value>` instead. Scripts have no standard input, so the value must be on the line (or use `--ignore-value`).',
    args: [KEY, { name: 'value', kind: 'value', optional: true }],
    formats: ['fields'],
    flags: [
      { name: 'ignore-lease', type: 'bool', default: 'false', doc: 'updates the key using its current lease' },
      { name: 'ignore-value', type: 'bool', default: 'false', doc: 'updates the key using its current value' },
      { name: 'lease', type: 'hex', default: '0', doc: 'lease ID (in hexadecimal) to attach to the key' },
      { name: 'prev-kv', type: 'bool', default: 'false', doc: 'return the previous key-value pair before modification' },
    ],
  },
  {
    name: 'del',
    usage: 'del [options] <key> [range_end]',
    summary: 'Removes the specified key or range of keys [key, range_end)',
    writes: true,
    args: [KEY, RANGE_END],
    formats: ['fields'],
    flags: [
      {
        name: 'from-key',
        type: 'bool',
        default: 'false',
        doc: 'delete keys that are greater than or equal to the given key using byte compare',
      },
      { name: 'prefix', type: 'bool', default: 'false', doc: 'delete keys with matching prefix' },
      { name: 'prev-kv', type: 'bool', default: 'false', doc: 'return deleted key-value pairs' },
    ],
  },
  {
    name: 'txn',
    usage: 'txn [options]',
    summary: 'Txn processes all the requests in one transaction',
    writes: true,
    formats: ['fields'],
    doc: [
      'The lines after `txn` are what etcdctl reads from standard input: compares (`mod("key1") > "0"`, `value("k") = "v"`, `ver(…)`, `create(…)`, `lease(…)`), a blank line, the requests to run if all compares hold (`get`, `put`, `del`), a blank line, the requests to run otherwise, and a blank line.',
      'A shell here-document (`txn <<EOF` … `EOF`) works too. `#` lines inside the block are skipped.',
    ].join('\n\n'),
    args: [],
    flags: [
      {
        name: 'interactive',
        short: 'i',
        type: 'bool',
        default: 'false',
        doc: 'Input transaction in interactive mode (scripts read the block below either way)',
      },
    ],
  },
  {
    name: 'watch',
    usage: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
    summary: 'Watches events stream on keys or prefixes',
    doc: 'etcdctl streams until interrupted; a script run is bounded: it stops after `--max-events` events (default 100) or `--max-time` (default 10s), whichever comes first, and says which on stderr. `--rev N` replays the changes since revision N. For an open-ended watch use "Watch" in the etcd Studio tree or `etcd-studio watch`.',
    args: [{ name: 'key', kind: 'key', optional: true }, RANGE_END, { name: 'exec-command', kind: 'command', optional: true, rest: true }],
    flags: [
      { name: 'interactive', short: 'i', type: 'bool', default: 'false', doc: 'Interactive mode' },
      { name: 'prefix', type: 'bool', default: 'false', doc: 'Watch on a prefix if prefix is set' },
      { name: 'prev-kv', type: 'bool', default: 'false', doc: 'get the previous key-value pair before the event happens' },
      { name: 'rev', type: 'int', default: '0', doc: 'Revision to start watching' },
      { name: 'max-events', type: 'int', default: '100', doc: 'etcd Studio scripts only (not etcdctl): stop after this many events' },
      { name: 'max-time', type: 'duration', default: '10s', doc: 'etcd Studio scripts only (not etcdctl): stop after this long' },
      {
        name: 'progress-notify',
        type: 'bool',
        default: 'false',
        since: '3.5',
        doc: 'get periodic watch progress notification from server',
      },
    ],
  },
  {
    name: 'compaction',
    usage: 'compaction [options] <revision>',
    summary: 'Compacts the event history in etcd',
    writes: true,
    doc: 'Older versions of every key up to `<revision>` become unreadable (`get --rev` and history stop working below it).',
    args: [{ name: 'revision', kind: 'revision' }],
    flags: [
      { name: 'physical', type: 'bool', default: 'false', doc: "'true' to wait for compaction to physically remove all old revisions" },
    ],
  },
];

const MEMBER_ID = { name: 'memberID', kind: 'member' } as const;
const LEASE_ID = { name: 'leaseID', kind: 'lease' } as const;
const CLUSTER_FLAG: FlagSpec = { name: 'cluster', type: 'bool', default: 'false', doc: 'use all endpoints from the cluster member list' };

export const GROUPS: readonly GroupSpec[] = [
  {
    name: 'lease',
    summary: 'Lease related commands',
    subcommands: [
      {
        name: 'lease grant',
        usage: 'lease grant <ttl>',
        summary: 'Creates leases',
        writes: true,
        args: [{ name: 'ttl', kind: 'ttl' }],
        flags: [],
      },
      {
        name: 'lease revoke',
        usage: 'lease revoke <leaseID>',
        summary: 'Revokes leases',
        doc: 'Every key attached to the lease is deleted.',
        writes: true,
        args: [LEASE_ID],
        flags: [],
      },
      {
        name: 'lease timetolive',
        usage: 'lease timetolive <leaseID> [options]',
        summary: 'Get lease information',
        args: [LEASE_ID],
        flags: [{ name: 'keys', type: 'bool', default: 'false', doc: 'Get keys attached to this lease' }],
      },
      { name: 'lease list', usage: 'lease list', summary: 'List all active leases', args: [], flags: [] },
      {
        name: 'lease keep-alive',
        usage: 'lease keep-alive [options] <leaseID>',
        summary: 'Keeps leases alive (renew)',
        writes: true,
        args: [LEASE_ID],
        flags: [
          { name: 'once', type: 'bool', default: 'false', doc: 'Resets the keep-alive time to its original value and exits immediately' },
        ],
      },
    ],
  },
  {
    name: 'member',
    summary: 'Membership related commands',
    subcommands: [
      {
        name: 'member list',
        usage: 'member list',
        summary: 'Lists all members in the cluster',
        args: [],
        flags: [],
        formats: ['table'],
        doc: 'Simple output prints comma-separated lists: ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.',
      },
      {
        name: 'member add',
        usage: 'member add <memberName> [options]',
        summary: 'Adds a member into the cluster',
        writes: true,
        args: [{ name: 'memberName', kind: 'name' }],
        flags: [
          { name: 'peer-urls', type: 'string', doc: 'comma separated peer URLs for the new member.' },
          { name: 'learner', type: 'bool', default: 'false', doc: 'indicates if the new member is raft learner' },
        ],
      },
      {
        name: 'member remove',
        usage: 'member remove <memberID>',
        summary: 'Removes a member from the cluster',
        writes: true,
        args: [MEMBER_ID],
        flags: [],
      },
      {
        name: 'member update',
        usage: 'member update <memberID> [options]',
        summary: 'Updates a member in the cluster',
        writes: true,
        args: [MEMBER_ID],
        unsupported: "changing a member's peer URLs is not supported in scripts: run `etcdctl member update` in a terminal.",
        flags: [{ name: 'peer-urls', type: 'string', doc: 'comma separated peer URLs for the updated member.' }],
      },
      {
        name: 'member promote',
        usage: 'member promote <memberID>',
        summary: 'Promotes a non-voting member in the cluster',
        writes: true,
        args: [MEMBER_ID],
        flags: [],
        doc: 'Promotes a non-voting learner member to a voting one in the cluster.',
      },
    ],
  },
  {
    name: 'endpoint',
    summary: 'Endpoint related commands',
    flags: [CLUSTER_FLAG],
    subcommands: [
      {
        name: 'endpoint health',
        usage: 'endpoint health',
        summary: 'Checks the healthiness of endpoints specified in `--endpoints` flag',
        args: [],
        flags: [],
        formats: ['table'],
      },
      {
        name: 'endpoint status',
        usage: 'endpoint status',
        summary: 'Prints out the status of endpoints specified in `--endpoints` flag',
        args: [],
        flags: [],
        formats: ['table'],
        doc: 'Simple output prints comma-separated lists: endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.',
      },
      {
        name: 'endpoint hashkv',
        usage: 'endpoint hashkv',
        summary: 'Prints the KV history hash for each endpoint in --endpoints',
        args: [],
        formats: ['table'],
        flags: [{ name: 'rev', type: 'int', default: '0', doc: 'maximum revision to hash (default: all revisions)' }],
      },
    ],
  },
  {
    name: 'snapshot',
    summary: 'Manages etcd node snapshots',
    subcommands: [
      {
        name: 'snapshot save',
        usage: 'snapshot save <filename>',
        summary: 'Stores an etcd node backend snapshot to a given file',
        args: [{ name: 'filename', kind: 'file' }],
        flags: [],
        unsupported:
          'scripts do not write files: use `etcd-studio snapshot save <file>` in a terminal, which streams and verifies the snapshot.',
      },
      {
        name: 'snapshot status',
        usage: 'snapshot status <filename>',
        summary: 'Gets backend snapshot status of a given file',
        args: [{ name: 'filename', kind: 'file' }],
        flags: [],
        formats: ['table'],
        unsupported:
          'scripts run against a cluster, not files: use `etcd-studio snapshot status <file>` or open the snapshot in etcd Studio.',
      },
      {
        name: 'snapshot restore',
        usage: 'snapshot restore <filename> [options]',
        summary: 'Restores an etcd member snapshot to an etcd directory',
        args: [{ name: 'filename', kind: 'file' }],
        flags: [],
        unsupported: 'restoring writes a data directory on the etcd host: run `etcdutl snapshot restore` there.',
      },
    ],
  },
  {
    name: 'alarm',
    summary: 'Alarm related commands',
    subcommands: [
      { name: 'alarm list', usage: 'alarm list', summary: 'Lists all alarms', args: [], flags: [] },
      { name: 'alarm disarm', usage: 'alarm disarm', summary: 'Disarms all alarms', writes: true, args: [], flags: [] },
    ],
  },
];

export const OTHER_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'defrag',
    usage: 'defrag',
    summary: 'Defragments the storage of the etcd members with given endpoints',
    writes: true,
    args: [],
    doc: 'Blocks reads and writes on each member while it runs.',
    flags: [
      CLUSTER_FLAG,
      { name: 'data-dir', type: 'string', doc: 'Optional. If present, defragments a data directory not in use by etcd.' },
    ],
  },
  {
    name: 'move-leader',
    usage: 'move-leader <transferee-member-id>',
    summary: 'Transfers leadership to another etcd cluster member.',
    writes: true,
    args: [{ name: 'transferee-member-id', kind: 'member' }],
    flags: [],
  },
  {
    name: 'version',
    usage: 'version',
    summary: 'Prints the version of etcdctl',
    args: [],
    flags: [],
    unsupported: "scripts are not run by etcdctl: use `endpoint status` for the server's version.",
  },
];

/** Commands etcdctl has that scripts deliberately leave to a terminal (security or streaming). */
const TERMINAL_ONLY: Record<string, string> = {
  auth: 'Enable/disable authentication',
  user: 'User related commands',
  role: 'Role related commands',
  check: 'commands for checking properties of the etcd cluster',
  elect: 'Observes and participates in leader election',
  lock: 'Acquires a named lock',
  'make-mirror': 'Makes a mirror at the destination etcd cluster',
  downgrade: 'Downgrade related commands',
};

export const TERMINAL_ONLY_COMMANDS: readonly CommandSpec[] = Object.entries(TERMINAL_ONLY).map(([name, summary]) => ({
  name,
  usage: `${name} …`,
  summary,
  args: [{ name: 'args', kind: 'command', optional: true, rest: true }],
  flags: [],
  unsupported: `\`${name}\` is not supported in scripts (it manages security or runs until interrupted): run \`etcdctl ${name}\` in a terminal.`,
}));

/** Every top-level word a script line may start with (after an optional `etcdctl`). */
export function topLevelNames(): string[] {
  return [...KV_COMMANDS, ...OTHER_COMMANDS, ...TERMINAL_ONLY_COMMANDS]
    .map((c) => c.name)
    .concat(GROUPS.map((g) => g.name))
    .sort();
}

export function findGroup(name: string): GroupSpec | undefined {
  return GROUPS.find((g) => g.name === name);
}

/** The command a top-level word names (a group needs its subcommand word). */
export function findCommand(name: string, sub?: string): CommandSpec | undefined {
  const group = findGroup(name);
  if (group) return sub === undefined ? undefined : group.subcommands.find((c) => c.name === `${name} ${sub}`);
  return [...KV_COMMANDS, ...OTHER_COMMANDS, ...TERMINAL_ONLY_COMMANDS].find((c) => c.name === name);
}

/** Flags a command takes: its own, its group's, then the global ones. */
export function flagsOf(cmd: CommandSpec): FlagSpec[] {
  const group = findGroup(cmd.name.split(' ')[0]);
  return [...cmd.flags, ...(group?.flags ?? []), ...GLOBAL_FLAGS];
}

export function findFlag(cmd: CommandSpec, name: string, short = false): FlagSpec | undefined {
  return flagsOf(cmd).find((f) => (short ? f.short === name : f.name === name));
}
