import * as vscode from 'vscode';

/**
 * The `etcd:` file system as VS Code sees it from activation (`onFileSystem:etcd` needs a provider at
 * once): the first call loads the real provider (etcdFileSystemProvider.ts with the value codec, YAML and
 * the decryptors, a file of its own in dist/) and every call goes to it.
 */
export class LazyFileSystemProvider<P extends vscode.FileSystemProvider> implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private loaded: Promise<P> | undefined;

  constructor(private readonly load: () => Promise<P>) {}

  /** The real provider, loaded once (again after a failed load). */
  provider(): Promise<P> {
    return (this.loaded ??= this.load().then(
      (p) => {
        p.onDidChangeFile((changes) => this.emitter.fire(changes));
        return p;
      },
      (e: unknown) => {
        this.loaded = undefined;
        throw e;
      },
    ));
  }

  watch(): vscode.Disposable {
    // The real provider's watch() does nothing either: changes by others surface through stat().
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return (await this.provider()).stat(uri);
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return (await this.provider()).readDirectory(uri);
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    return (await this.provider()).createDirectory(uri);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.provider()).readFile(uri);
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    return (await this.provider()).writeFile(uri, content, options);
  }

  async delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return (await this.provider()).delete(uri, options);
  }

  async rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return (await this.provider()).rename(oldUri, newUri, options);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
