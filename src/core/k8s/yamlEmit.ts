/**
 * Fast YAML emitter for JSON-like values, byte-identical to `yaml`'s
 * `stringify(value, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0,
 * minContentWidth: 0, doubleQuotedAsJSON: true, singleQuote: false })` (KUBE_YAML_OPTIONS below, which
 * toYaml in yaml.ts also uses for its fallback).
 *
 * The library builds a node tree, resolves a tag for every scalar and tries a dozen regexes on each
 * string; rendering a ~100 KB Pod took 22-36 ms. This walks the value once and writes the text directly.
 * It mirrors node_modules/yaml/dist/stringify/{stringifyString,stringifyPair,stringifyCollection}.js for
 * the only paths those options can reach; anything else (shared or circular references, which the library
 * turns into anchors, non-plain objects, undefined, the merge key `<<`, keys over 1024 characters,
 * top-level scalars) makes emitYaml return undefined so the caller uses the library instead.
 */
import { Document, stringify } from 'yaml';

/** Thrown inside the walk when the input needs the library; never escapes emitYaml. */
const BAIL = Symbol('yamlEmit.bail');

// Copies of the library's regexes (stringifyString.js); the differential test and the canary below
// catch a library change that makes them differ.
/** Characters that force double quotes: C0/C1 controls except \t and \n, and lone surrogates. */
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** plainString's "cannot be plain" test (indicator first, `: `, ` #`, edge whitespace, ...). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** containsDocumentMarker; `m` also matches after U+2028/U+2029, which keys may contain. */
const DOC_MARKER = /^(%|---|\.\.\.)/m;
/** blockString: a block scalar cannot end in a whitespace-only line. */
const TRAILING_BLANK_LINE = /\n[\t ]+$/;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
const NEWLINES = /\n+/g;
const MERGE_KEY = '<<';

/**
 * The YAML 1.1 schema's implicit-type tests (bool, null, int/float in all radixes, sexagesimal,
 * timestamps): a string matching one is quoted so it reads back as a string. Taken from the library's
 * own schema so they cannot drift; plainString applies them only to tags that are default and not !!str.
 */
const TYPED: RegExp[] = (() => {
  const tags = new Document(null, { version: '1.1' }).schema.tags;
  const out: RegExp[] = [];
  for (const t of tags) {
    const test = (t as { test?: RegExp }).test;
    if (t.default && t.tag !== 'tag:yaml.org,2002:str' && test) out.push(test);
  }
  return out;
})();

function looksTyped(s: string): boolean {
  for (let i = 0; i < TYPED.length; i++) if (TYPED[i].test(s)) return true;
  return false;
}

/** A mapping key (the library's implicit-key path); `topLevel`: the key belongs to the root mapping. */
function keyText(k: string, topLevel: boolean): string {
  if (k === MERGE_KEY) throw BAIL; // the library writes it through the merge tag, unquoted
  let s: string;
  if (FORCE_DOUBLE.test(k) || k.includes('\n') || NOT_PLAIN.test(k) || looksTyped(k)) s = JSON.stringify(k);
  // a root key with a line starting %, --- or ... could read as a document marker; deeper keys are indented
  else if (topLevel && DOC_MARKER.test(k)) s = JSON.stringify(k);
  else s = k;
  // longer keys become explicit `? key` entries
  if (s.length > 1024) throw BAIL;
  return s;
}

/** A string in value position (block context, indent non-empty, as below the root it always is). */
function stringText(s: string, indent: string): string {
  if (FORCE_DOUBLE.test(s)) return JSON.stringify(s);
  if (NOT_PLAIN.test(s)) return s.includes('\n') ? blockText(s, indent) : JSON.stringify(s);
  if (s.includes('\n')) return blockText(s, indent);
  if (s === MERGE_KEY) throw BAIL;
  return looksTyped(s) ? JSON.stringify(s) : s;
}

/**
 * Port of blockString for lineWidth 0 (always literal `|`): chomping from the trailing whitespace,
 * an indentation indicator when the text starts with spaces, blank lines left unindented.
 */
function blockText(value: string, indent: string): string {
  if (TRAILING_BLANK_LINE.test(value)) return JSON.stringify(value);
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(NEWLINES, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp; // '2': indent is never empty here
  return `|${header}\n${indent}${start}${value.replace(NEWLINES, `$&${indent}`)}${end}`;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** One walk over the value; `seen` detects repeated references (the library would emit aliases). */
class Emitter {
  private readonly seen = new Set<object>();

  /** Scalar text for a leaf, or undefined for a collection. */
  private scalar(v: unknown, indent: string): string | undefined {
    switch (typeof v) {
      case 'string':
        return stringText(v, indent);
      case 'number':
        // stringifyNumber: JSON form, but -0 keeps its sign and non-finite use YAML's names
        if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
        return Number.isNaN(v) ? '.nan' : v < 0 ? '-.inf' : '.inf';
      case 'bigint':
        return v.toString(); // 64-bit integers beyond 2^53, every digit
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object':
        return v === null ? 'null' : undefined;
      default:
        throw BAIL; // undefined, symbol, function
    }
  }

  /** Registers a collection; returns its entry count. Throws BAIL for anything not array/plain object. */
  private enter(v: object): number {
    if (this.seen.has(v)) throw BAIL;
    this.seen.add(v);
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) throw BAIL;
      return v.length;
    }
    if (!isPlainObject(v)) throw BAIL; // Date, Map, Set, Uint8Array, class instances, boxed primitives
    return -1; // maps count their keys themselves
  }

  /** A block mapping whose entries start at `indent` (first line not indented: the caller placed it). */
  map(obj: Record<string, unknown>, indent: string, keys: string[]): string {
    const inner = indent + '  ';
    const topLevel = indent === '';
    let out = '';
    for (let i = 0; i < keys.length; i++) {
      const v = obj[keys[i]];
      if (i > 0) out += '\n' + indent;
      out += keyText(keys[i], topLevel) + ':';
      const s = this.scalar(v, inner);
      if (s !== undefined) out += ' ' + s;
      // indentSeq: false — a sequence under a key starts at the key's column
      else out += this.collection(v as object, inner, indent, true);
    }
    return out;
  }

  /** A block sequence whose items start at `indent`. */
  seq(arr: unknown[], indent: string): string {
    const inner = indent + '  ';
    let out = '';
    for (let i = 0; i < arr.length; i++) {
      if (i > 0) out += '\n' + indent;
      const v = arr[i];
      const s = this.scalar(v, inner);
      // a collection item starts on the dash's line, its later lines at the item indent
      out += '- ' + (s !== undefined ? s : this.collection(v as object, inner, inner, false));
    }
    return out;
  }

  /**
   * A non-scalar value: `{}`/`[]` when empty, else the block form. `inPair`: it is a mapping value, so
   * it goes on the next line, a sequence at the key's indent `seqIndent`, a mapping at `mapIndent`.
   */
  private collection(v: object, mapIndent: string, seqIndent: string, inPair: boolean): string {
    const n = this.enter(v);
    if (n >= 0) {
      if (n === 0) return inPair ? ' []' : '[]';
      return (inPair ? '\n' + seqIndent : '') + this.seq(v as unknown[], seqIndent);
    }
    const keys = Object.keys(v).sort(); // sortMapEntries compares keys with `<`, as sort() does
    if (keys.length === 0) return inPair ? ' {}' : '{}';
    return (inPair ? '\n' + mapIndent : '') + this.map(v as Record<string, unknown>, mapIndent, keys);
  }

  root(v: unknown): string | undefined {
    if (typeof v !== 'object' || v === null) return undefined; // top-level scalars: the library's job
    const n = this.enter(v);
    if (n >= 0) return (n === 0 ? '[]' : this.seq(v as unknown[], '')) + '\n';
    const keys = Object.keys(v).sort();
    return (keys.length === 0 ? '{}' : this.map(v as Record<string, unknown>, '', keys)) + '\n';
  }
}

/** The library options this emitter reproduces; toYaml passes the same object when it falls back. */
export const KUBE_YAML_OPTIONS = {
  version: '1.1', // quote strings YAML 1.1 readers would take as bools/times, as go-yaml v2 does
  sortMapEntries: true, // Go's map ordering in sigs.k8s.io/yaml output
  indentSeq: false,
  lineWidth: 0,
  minContentWidth: 0,
  doubleQuotedAsJSON: true,
  singleQuote: false,
} as const;

/**
 * Checked once against the library so an upgrade that changes its output disables the fast path
 * instead of producing different text.
 */
const CANARY = {
  on: ['yes', 'No', '~', '', ' x', '-', '- a', 'a: b', 'a #b', '0o7', '017', '0x1F', '1:20', '.inf', '1e3'],
  '---': { '...x': '2024-01-01T00:00:00Z', 'a\tb': 'x\ty', '#': 'ok', '-0': -0, big: 1e21 },
  text: ['a\nb', 'a\n', 'a\n\n', ' a\nb', 'a \nb', '\n', 'x\u0001', 'é😀', [[], {}, [1, [null, true]]]],
};
let canaryOk: boolean | undefined;

function canaryPasses(): boolean {
  try {
    return new Emitter().root(CANARY) === stringify(CANARY, KUBE_YAML_OPTIONS);
  } catch {
    return false;
  }
}

/**
 * The YAML text for `value`, or undefined when the fast path cannot guarantee the library's exact
 * output (the caller then calls the library).
 */
export function emitYaml(value: unknown): string | undefined {
  canaryOk ??= canaryPasses();
  if (!canaryOk) return undefined;
  try {
    return new Emitter().root(value);
  } catch {
    // BAIL, or anything unexpected such as a stack overflow on very deep input: let the library decide
    return undefined;
  }
}
