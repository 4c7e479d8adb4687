/**
 * The one way a command finds what it acts on. Tree nodes say what they point at (`node.target`);
 * scripts and other commands pass the same thing as a plain object, or just a connection name (a file
 * path for snapshot commands); with nothing, the user is asked, and a picker with nothing to offer says
 * why. A command's other inputs come in one trailing options object: `(target, options)`.
 */
import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { keyFromText } from '../../core/keytree/keyText';
import { CommandIds } from './ids';
import { pickOne } from '../platform/pick';

/** What a tree node (or a scripted call) points at. Keys are exact bytes. */
export type Target =
  | { kind: 'connection'; connection: string }
  | { kind: 'key'; connection: string; key: Buffer }
  | { kind: 'prefix'; connection: string; prefix: Buffer }
  | { kind: 'member'; connection: string; memberId: string; clientUrl?: string }
  | { kind: 'lease'; connection: string; leaseId: string }
  /** An auth user; `role` on the row of one of the user's roles. */
  | { kind: 'user'; connection: string; user: string; role?: string }
  /** An auth role; `permission` on the row of one of its key-range permissions. */
  | { kind: 'role'; connection: string; role: string; permission?: { key: Buffer; rangeEnd: Buffer } }
  | { kind: 'snapshot'; file: string }
  | { kind: 'snapshotKey'; file: string; key: Buffer }
  | { kind: 'snapshotPrefix'; file: string; prefix: Buffer };

/** Implemented by every tree node that a command can act on. */
export interface Targeted {
  readonly target: Target;
}

/**
 * What scripted callers pass: a node, a connection name, or an object naming a connection and
 * (optionally) a key or prefix (escaped text like the tree shows, or bytes), a lease id or member id
 * (hex), an auth user (and one of its roles) or role, or a snapshot file and key.
 */
export type TargetArg =
  | Targeted
  | string
  | {
      connection?: string;
      key?: string | Uint8Array;
      prefix?: string | Uint8Array;
      lease?: string;
      member?: string;
      user?: string;
      role?: string;
      file?: string;
    }
  | undefined;

function bytes(v: string | Uint8Array): Buffer {
  return typeof v === 'string' ? keyFromText(v) : Buffer.from(v);
}

function isTargeted(arg: unknown): arg is Targeted {
  return typeof arg === 'object' && arg !== null && 'target' in arg && typeof (arg as Targeted).target?.kind === 'string';
}

/** The target of a node or a scripted argument, without asking anything. */
export function targetOf(arg: TargetArg): Target | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (isTargeted(arg)) return arg.target;
  if (typeof arg === 'string') return { kind: 'connection', connection: arg };
  if (arg.file !== undefined) {
    if (arg.key !== undefined) return { kind: 'snapshotKey', file: arg.file, key: bytes(arg.key) };
    return { kind: 'snapshot', file: arg.file };
  }
  const connection = arg.connection;
  if (!connection) throw new EtcdStudioError('InvalidArgument', 'A command target needs a connection name: { connection: "NAME", … }.');
  if (arg.key !== undefined) return { kind: 'key', connection, key: bytes(arg.key) };
  if (arg.prefix !== undefined) return { kind: 'prefix', connection, prefix: bytes(arg.prefix) };
  if (arg.lease !== undefined) return { kind: 'lease', connection, leaseId: arg.lease };
  if (arg.member !== undefined) return { kind: 'member', connection, memberId: arg.member.toLowerCase() };
  if (arg.user !== undefined) return { kind: 'user', connection, user: arg.user, ...(arg.role !== undefined ? { role: arg.role } : {}) };
  if (arg.role !== undefined) return { kind: 'role', connection, role: arg.role };
  return { kind: 'connection', connection };
}

/** Whether a command was called by a script (an argument that is not a tree node): it then asks nothing it was told. */
export function isScripted(arg: unknown): boolean {
  return arg !== undefined && !isTargeted(arg);
}

/** The connection of any live target. */
export function connectionOf(t: Target | undefined): string | undefined {
  return t && 'connection' in t ? t.connection : undefined;
}

function needs(what: string, title: string): EtcdStudioError {
  return new EtcdStudioError(
    'InvalidArgument',
    `${title} needs ${what}: run it from the Clusters view, or pass it as the command's first argument.`,
  );
}

/** Resolves targets against the saved connections; asks the user when the argument does not say. */
export class Targets {
  constructor(private readonly connectionNames: () => string[]) {}

  /** The connection a command acts on: from its target, or picked (the only one is taken without asking). */
  async connection(arg: TargetArg, title: string): Promise<string | undefined> {
    const named = connectionOf(targetOf(arg));
    if (named) return named;
    if (arg !== undefined) throw needs('a connection', title);
    const picked = await pickOne(
      this.connectionNames().map((label) => ({ label })),
      {
        title,
        empty: 'There are no etcd connections yet: add one first.',
        emptyAction: { label: 'Add Connection…', command: CommandIds.addConnection },
      },
    );
    return picked?.label;
  }

  /** A key on a live cluster (key nodes, lease keys, or `{ connection, key }`). */
  key(arg: TargetArg, title: string): { connection: string; key: Buffer } {
    const t = targetOf(arg);
    if (t?.kind === 'key') return { connection: t.connection, key: t.key };
    if (t?.kind === 'snapshotKey') throw snapshotRefusal(title, t.file);
    throw needs('a key', title);
  }

  /** A prefix on a live cluster (prefix nodes, the Keys root, or `{ connection, prefix }`). */
  prefix(arg: TargetArg, title: string): { connection: string; prefix: Buffer } {
    const t = targetOf(arg);
    if (t?.kind === 'prefix') return { connection: t.connection, prefix: t.prefix };
    if (t?.kind === 'snapshotPrefix') throw snapshotRefusal(title, t.file);
    throw needs('a key prefix', title);
  }

  /** A key or a prefix, and which. */
  keyOrPrefix(arg: TargetArg, title: string): { connection: string; key: Buffer; isPrefix: boolean } | undefined {
    const t = targetOf(arg);
    if (t?.kind === 'key') return { connection: t.connection, key: t.key, isPrefix: false };
    if (t?.kind === 'prefix') return { connection: t.connection, key: t.prefix, isPrefix: true };
    if (t?.kind === 'snapshotKey' || t?.kind === 'snapshotPrefix') throw snapshotRefusal(title, t.file);
    return undefined;
  }

  /** A key in an opened snapshot file (snapshot key nodes, or `{ file, key }`). */
  snapshotKey(arg: TargetArg, title: string): { file: string; key: Buffer } {
    const t = targetOf(arg);
    if (t?.kind === 'snapshotKey') return { file: t.file, key: t.key };
    throw needs('a key of an opened snapshot', title);
  }
}

function snapshotRefusal(title: string, file: string): EtcdStudioError {
  return new EtcdStudioError('InvalidArgument', `${title} needs a live cluster; this key is in the snapshot file ${file} (read-only).`);
}

/** The snapshot file a command acts on: a snapshot node or key, a path, or one the user picks. */
export async function snapshotFileOf(arg: TargetArg | string, title: string): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  const t = targetOf(arg);
  if (t && 'file' in t) return t.file;
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: { 'etcd snapshot or db': ['db', 'snapshot', 'snap', '*'] },
  });
  return picked?.[0]?.fsPath;
}
