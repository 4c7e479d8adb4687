/**
 * Side table of what the JSON view cannot show but a save must keep: fields unknown to our schema
 * (written by a newer cluster), sub-second parts of metav1.Time, and the exact bytes of embedded raw
 * JSON. Keyed by JSON path so it survives the round trip through edited YAML text; an entry is only
 * applied when the edited value at that path still matches what was decoded.
 */
import { formatPath, type PathSeg } from './jsonForms';

export interface UnknownField {
  readonly number: number;
  /** Complete field bytes: key + value, exactly as read. */
  readonly bytes: Uint8Array;
}

export interface Preserved {
  unknown?: UnknownField[];
  /** metav1.Time/MicroTime: the JSON text shown and the nanos it stood for. */
  time?: { text: string; nanos: number };
  /** Raw JSON payload (RawExtension, FieldsV1, JSON): the value shown and its original bytes. */
  raw?: { value: unknown; bytes: Uint8Array };
}

export class PreserveTable {
  readonly entries = new Map<string, Preserved>();

  at(path: readonly PathSeg[]): Preserved {
    const key = formatPath(path);
    let e = this.entries.get(key);
    if (!e) {
      e = {};
      this.entries.set(key, e);
    }
    return e;
  }

  get(path: readonly PathSeg[]): Preserved | undefined {
    return this.entries.size === 0 ? undefined : this.entries.get(formatPath(path));
  }

  addUnknown(path: readonly PathSeg[], field: UnknownField): void {
    (this.at(path).unknown ??= []).push(field);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Paths that hold fields unknown to the schema (shown to users so they know something is kept). */
  unknownPaths(): string[] {
    return [...this.entries].filter(([, e]) => e.unknown?.length).map(([k]) => k);
  }
}
