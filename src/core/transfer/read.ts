/** Reading an export file (JSON lines or the YAML variant) as records, streamed line by line. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EtcdStudioError } from '../errors';
import { parseJsonLine, parseYamlDocument, TransferFormat, TransferRecord } from './records';

export interface RecordSource {
  /** Shown in messages: the file's path, or "stdin". */
  name: string;
  /** A fresh stream of the file's bytes each call (a plan and the import each read it once). */
  open(): NodeJS.ReadableStream;
}

export function fileSource(file: string): RecordSource {
  return {
    name: file,
    open: () => {
      const s = createReadStream(file);
      return s;
    },
  };
}

/** The format of a file: given, or from its first line (`{` JSON lines; `#` or `---` YAML). */
function formatOf(first: string, given: TransferFormat | undefined, name: string): TransferFormat {
  if (given) return given;
  if (first.startsWith('{')) return 'jsonl';
  if (first.startsWith('#') || first.startsWith('---')) return 'yaml';
  throw new EtcdStudioError(
    'InvalidArgument',
    `${name} is neither JSON lines ({"key","value","lease"} per line) nor an etcd Studio YAML export. Nothing was written.`,
  );
}

/** Every record of the source in file order. */
export async function* readRecords(source: RecordSource, format?: TransferFormat): AsyncGenerator<TransferRecord> {
  const stream = source.open();
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let kind: TransferFormat | undefined;
  let n = 0;
  let doc: string[] = [];
  let docLine = 0;
  const where = (line: number) => `${source.name} line ${line}`;
  try {
    for await (const raw of lines) {
      n++;
      const text = raw.replace(/^\uFEFF/, '');
      if (kind === undefined) {
        if (!text.trim()) continue;
        kind = formatOf(text, format, source.name);
      }
      if (kind === 'jsonl') {
        if (text.trim()) yield parseJsonLine(text, n, where(n));
        continue;
      }
      if (text === '---') {
        const r = doc.length ? parseYamlDocument(doc, docLine, where(docLine)) : undefined;
        if (r) yield r;
        doc = [];
        docLine = n + 1;
        continue;
      }
      if (!doc.length) docLine = n;
      doc.push(text);
    }
    if (kind === 'yaml' && doc.length) {
      const r = parseYamlDocument(doc, docLine, where(docLine));
      if (r) yield r;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new EtcdStudioError('NotFound', `${source.name} does not exist. Nothing was written.`);
    throw e;
  } finally {
    lines.close();
    (stream as { destroy?: () => void }).destroy?.();
  }
}
