import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { countPrefix, deleteIfUnchanged, getKey, putIfUnchanged, renameKey, StoredValue } from '../../core/etcd/kv';
import { EtcdStudioError, errorMessage, K8sEditError } from '../../core/errors';
import { Logger } from '../../core/log';
import { encodeEdit, RenderedValue } from '../../core/values/render';
import { prepareForProfile, renderForProfile } from '../../core/values/decryptor';
import { etcdFolderOf, EtcdLocation, fromEtcdUri, keyUriLocation } from './etcdUri';
import { DEFAULT_LIMIT, listChildren } from '../../core/keytree/listChildren';

/** Children a folder of `etcd:` shows at most (pages of 1,000). */
const FOLDER_LIMIT = 5000;

interface OpenValue {
  stored: StoredValue;
  rendered: RenderedValue;
}

function keyText(key: Buffer): string {
  return key.toString('utf8');
}

/** Maps core errors to FileSystemErrors (VS Code shows their message; the provider never shows UI). */
function fsError(e: unknown, uri: vscode.Uri): vscode.FileSystemError {
  if (e instanceof vscode.FileSystemError) return e;
  if (e instanceof EtcdStudioError) {
    if (e.code === 'NotFound') return vscode.FileSystemError.FileNotFound(uri);
    if (e.code === 'PermissionDenied') return vscode.FileSystemError.NoPermissions(e.message);
    if (e.code === 'Unavailable' || e.code === 'Timeout') return vscode.FileSystemError.Unavailable(e.message);
  }
  return new vscode.FileSystemError(errorMessage(e));
}

/**
 * The `etcd:` filesystem. stat().mtime is the key's mod_revision, so VS Code's own "file is newer"
 * save conflict flow works; writes are compare-and-swap on the revision VS Code last saw.
 */
export class EtcdFileSystemProvider implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Last value read per URI: the decoded original keeps unknown fields for the save. */
  private readonly open = new Map<string, OpenValue>();
  private readonly conflictEmitter = new vscode.EventEmitter<{ uri: vscode.Uri; current: StoredValue | undefined }>();
  /** Fired when a save lost a compare-and-swap; the command layer offers Compare / Overwrite. */
  readonly onDidConflict = this.conflictEmitter.event;

  constructor(
    /** The connection of a profile as it is now (a changed profile gets a new connection). */
    private readonly connect: (name: string) => Promise<EtcdConnection>,
    private readonly log: Logger,
  ) {}

  private async conn(loc: EtcdLocation): Promise<EtcdConnection> {
    return this.connect(loc.connection);
  }

  private async read(uri: vscode.Uri): Promise<{ loc: EtcdLocation; conn: EtcdConnection; value: OpenValue }> {
    const loc = fromEtcdUri(uri);
    const conn = await this.conn(loc);
    const stored = await getKey(conn, loc.key, loc.revision);
    if (!stored) throw vscode.FileSystemError.FileNotFound(uri);
    const cached = this.open.get(uri.toString());
    const fresh = !(cached && cached.stored.modRevision === stored.modRevision && cached.stored.value.equals(stored.value));
    if (fresh) await prepareForProfile(conn.profile, stored.value, loc.key);
    const rendered = fresh
      ? renderForProfile(conn.profile, stored.value, loc.key, loc.view === 'hex' ? 'hex' : undefined)
      : cached.rendered;
    return { loc, conn, value: { stored, rendered } };
  }

  private readOnlyReason(loc: EtcdLocation, conn: EtcdConnection, rendered: RenderedValue): string | undefined {
    if (conn.profile.readOnly) return `Connection "${conn.profile.name}" is read-only.`;
    if (loc.revision) return `This is revision ${loc.revision}, a read-only view of the past.`;
    return rendered.readOnlyReason;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    try {
      if (!(await this.isKey(uri))) return await this.statFolder(uri);
      const { loc, conn, value } = await this.read(uri);
      const reason = this.readOnlyReason(loc, conn, value.rendered);
      return {
        type: vscode.FileType.File,
        ctime: value.stored.createRevision,
        mtime: value.stored.modRevision,
        size: Buffer.byteLength(value.rendered.text),
        ...(reason ? { permissions: vscode.FilePermission.Readonly } : {}),
      };
    } catch (e) {
      throw fsError(e, uri);
    }
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    try {
      const { value } = await this.read(uri);
      // The editor's content is now based on this revision: saves compare against it.
      this.open.set(uri.toString(), value);
      return Buffer.from(value.rendered.text, 'utf8');
    } catch (e) {
      throw fsError(e, uri);
    }
  }

  /** The decoded value last read through this URI (for the commands: summary, read-only reason). */
  describe(uri: vscode.Uri): OpenValue | undefined {
    return this.open.get(uri.toString());
  }

  /**
   * The user chose to overwrite after a conflict: base the next save on the current revision
   * (the original decoded value is kept, so unknown fields still survive).
   */
  async acceptCurrentRevision(uri: vscode.Uri): Promise<void> {
    const loc = fromEtcdUri(uri);
    const opened = this.open.get(uri.toString());
    const current = await getKey(await this.conn(loc), loc.key);
    if (opened && current) this.open.set(uri.toString(), { stored: current, rendered: opened.rendered });
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const loc = fromEtcdUri(uri);
    try {
      const conn = await this.conn(loc);
      if (conn.profile.readOnly)
        throw vscode.FileSystemError.NoPermissions(`Connection "${conn.profile.name}" is read-only: nothing was written.`);
      if (loc.revision)
        throw vscode.FileSystemError.NoPermissions(`Revision ${loc.revision} is a read-only view; use "Restore this revision" instead.`);
      const opened = this.open.get(uri.toString());
      if (!opened) {
        if (!options.create) throw vscode.FileSystemError.FileNotFound(uri);
        const r = await putIfUnchanged(conn, loc.key, content, 0);
        if (!r.ok) throw vscode.FileSystemError.FileExists(uri);
        this.emitter.fire([{ type: vscode.FileChangeType.Created, uri }]);
        return;
      }
      if (opened.rendered.readOnlyReason)
        throw vscode.FileSystemError.NoPermissions(`${opened.rendered.readOnlyReason} Nothing was written.`);
      const text = Buffer.from(content).toString('utf8');
      const bytes = opened.rendered.view === 'text' ? content : encodeEdit(opened.rendered, text, keyText(loc.key));
      const expected = opened.stored.modRevision;
      if (Buffer.from(bytes).equals(opened.stored.value)) {
        this.log.info(`${loc.connection}: ${keyText(loc.key)} unchanged; nothing written`);
        return;
      }
      const r = await putIfUnchanged(conn, loc.key, bytes, expected, { keepLease: opened.stored.lease });
      if (!r.ok) {
        this.conflictEmitter.fire({ uri, current: r.current });
        throw new vscode.FileSystemError(
          r.current
            ? `Not saved: ${keyText(loc.key)} was changed by someone else (now at revision ${r.current.modRevision}). Nothing was written; use "Compare" to see their version.`
            : `Not saved: ${keyText(loc.key)} was deleted by someone else. Nothing was written.`,
        );
      }
      this.log.info(`${loc.connection}: saved ${keyText(loc.key)} at revision ${r.revision} (${bytes.length} bytes)`);
      const stored = await getKey(conn, loc.key);
      if (stored)
        this.open.set(uri.toString(), {
          stored,
          rendered: renderForProfile(conn.profile, stored.value, loc.key, loc.view === 'hex' ? 'hex' : undefined),
        });
      this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    } catch (e) {
      if (e instanceof K8sEditError) throw new vscode.FileSystemError(`${e.message}\nNothing was written.`);
      throw fsError(e, uri);
    }
  }

  async delete(uri: vscode.Uri): Promise<void> {
    const loc = fromEtcdUri(uri);
    try {
      const conn = await this.conn(loc);
      const current = await getKey(conn, loc.key);
      if (!current) throw vscode.FileSystemError.FileNotFound(uri);
      const r = await deleteIfUnchanged(conn, loc.key, this.open.get(uri.toString())?.stored.modRevision ?? current.modRevision);
      if (!r.ok) throw new vscode.FileSystemError(`Not deleted: ${keyText(loc.key)} changed since it was read.`);
      this.open.delete(uri.toString());
      this.emitter.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
    } catch (e) {
      throw fsError(e, uri);
    }
  }

  async rename(oldUri: vscode.Uri, newUri: vscode.Uri): Promise<void> {
    const from = fromEtcdUri(oldUri);
    const to = fromEtcdUri(newUri);
    try {
      if (from.connection !== to.connection) throw new vscode.FileSystemError('Keys can only be renamed within one connection.');
      const conn = await this.conn(from);
      const current = await getKey(conn, from.key);
      if (!current) throw vscode.FileSystemError.FileNotFound(oldUri);
      const r = await renameKey(conn, from.key, to.key, this.open.get(oldUri.toString())?.stored.modRevision ?? current.modRevision);
      if (!r.ok) throw new vscode.FileSystemError(r.reason);
      this.emitter.fire([
        { type: vscode.FileChangeType.Deleted, uri: oldUri },
        { type: vscode.FileChangeType.Created, uri: newUri },
      ]);
    } catch (e) {
      throw fsError(e, oldUri);
    }
  }

  watch(): vscode.Disposable {
    // Changes by others surface through stat() (mod_revision) when VS Code checks or saves.
    return new vscode.Disposable(() => undefined);
  }

  /** Whether the URI names a key that exists (else it may be a folder: a prefix with keys under it). */
  private async isKey(uri: vscode.Uri): Promise<boolean> {
    if (keyUriLocation(uri)) return true;
    const loc = fromEtcdUri(uri);
    return (await getKey(await this.conn(loc), loc.key, loc.revision)) !== undefined;
  }

  /** A folder is a prefix with at least one key under it (the root always is). */
  private async statFolder(uri: vscode.Uri): Promise<vscode.FileStat> {
    const dir = etcdFolderOf(uri);
    const conn = await this.connect(dir.connection);
    const { count, revision } = await countPrefix(conn, dir.prefix);
    if (!count && dir.prefix.length > 1) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.Directory, ctime: 0, mtime: revision, size: count, permissions: vscode.FilePermission.Readonly };
  }

  /**
   * The keyspace as folders, for breadcrumbs and the file picker: the children of the URI's prefix, read a page
   * (1,000 children) at a time at one revision, at most FOLDER_LIMIT of them (the sidebar pages further).
   */
  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    try {
      const dir = etcdFolderOf(uri);
      const conn = await this.connect(dir.connection);
      const entries: [string, vscode.FileType][] = [];
      let after: Buffer | undefined;
      let revision: number | undefined;
      do {
        const page = await listChildren(conn, dir.prefix, { after, revision, counts: false, limit: DEFAULT_LIMIT });
        revision = page.revision;
        for (const c of page.children) {
          const name = c.segment.replace(/\/$/, '');
          if (name) entries.push([name, c.kind === 'prefix' ? vscode.FileType.Directory : vscode.FileType.File]);
        }
        after = page.next;
      } while (after && entries.length < FOLDER_LIMIT);
      if (after)
        this.log.info(
          `${dir.connection}: ${keyText(dir.prefix)} has more than ${entries.length} children; the folder view shows the first ${entries.length}`,
        );
      return entries;
    } catch (e) {
      throw fsError(e, uri);
    }
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('etcd has no directories: create a key under the prefix instead.');
  }
}
