/**
 * Lazy loader for the generated compact schema (src/core/k8s/schema/*.json, made by tools/gen-k8s-schema).
 * Only index.json is read up front; a package file is parsed the first time one of its messages is needed,
 * so opening one Pod costs core/v1 + meta/v1 and nothing else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Scalar =
  | 'string'
  | 'bool'
  | 'bytes'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'double'
  | 'float';

/** JSON forms that differ from "object with fields" (see k8s-storage.md). */
export type Special =
  | 'Time'
  | 'MicroTime'
  | 'Duration'
  | 'Quantity'
  | 'IntOrString'
  | 'RawJSON'
  | 'PropsOrArray'
  | 'PropsOrBool'
  | 'PropsOrStringArray'
  | 'Items';

export interface FieldDef {
  readonly number: number;
  /** Position in the message's `fields` (Go order). */
  readonly index: number;
  /** JSON key ('' when `inline`). */
  readonly json: string;
  readonly protoName: string;
  readonly repeated: boolean;
  readonly map: boolean;
  /** Value type: a scalar name or a message. For maps, the value type. */
  readonly scalar?: Scalar;
  readonly keyScalar?: Scalar;
  readonly messageName?: string;
  /** Go `*T`: nil is omitted from the wire; absent differs from zero. */
  readonly pointer: boolean;
  readonly omitEmpty: boolean;
  readonly omitZero: boolean;
  /** Embedded Go struct: its fields appear in the parent's JSON. */
  readonly inline: boolean;
  /** `json:"-"`: on the wire but never in JSON. */
  readonly hidden: boolean;
  /** Not matched to a Go field: facts were guessed. */
  readonly guessed: boolean;
  message?: MessageDef; // resolved lazily
}

export interface MessageDef {
  readonly fullName: string;
  readonly name: string;
  /** Go struct order (the JSON key order). */
  readonly fields: readonly FieldDef[];
  /** Ascending field number (the wire order Go writes). */
  readonly wireOrder: readonly FieldDef[];
  readonly byNumber: ReadonlyMap<number, FieldDef>;
  /** JSON key -> field, inline fields' children included (value: path of fields to reach it). */
  readonly byJson: ReadonlyMap<string, FieldDef>;
  readonly hasTypeMeta: boolean;
  readonly special?: Special;
}

type RawField = [number, string, 'o' | 'r' | 'm', string, string, string?];
interface RawMessage {
  f: RawField[];
  t?: 1;
  x?: 'items';
}
interface Index {
  format: number;
  groupVersions: Record<string, string>;
  packages: string[];
}

const SPECIAL: Record<string, Special> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'Time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'Duration',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'Quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': 'Quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'IntOrString',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'RawJSON',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'RawJSON',
};
const APIEXT = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.';
for (const v of ['v1', 'v1beta1']) {
  SPECIAL[`${APIEXT}${v}.JSON`] = 'RawJSON';
  SPECIAL[`${APIEXT}${v}.JSONSchemaPropsOrArray`] = 'PropsOrArray';
  SPECIAL[`${APIEXT}${v}.JSONSchemaPropsOrBool`] = 'PropsOrBool';
  SPECIAL[`${APIEXT}${v}.JSONSchemaPropsOrStringArray`] = 'PropsOrStringArray';
}

const SCALARS = new Set<string>([
  'string',
  'bool',
  'bytes',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'double',
  'float',
]);

export class SchemaNotFoundError extends Error {}

/** Where the schema lives: next to the bundle (dist/k8s-schema) or in the source tree. */
export function findSchemaDir(start: string = __dirname): string {
  const env = process.env.ETCD_STUDIO_K8S_SCHEMA;
  if (env && fs.existsSync(path.join(env, 'index.json'))) return env;
  const bundled = path.join(start, 'k8s-schema');
  if (fs.existsSync(path.join(bundled, 'index.json'))) return bundled;
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'src', 'core', 'k8s', 'schema');
    if (fs.existsSync(path.join(candidate, 'index.json'))) return candidate;
    const here = path.join(dir, 'index.json');
    if (path.basename(dir) === 'schema' && fs.existsSync(here)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new SchemaNotFoundError(
    `Kubernetes schema not found near ${start}: expected k8s-schema/ beside the bundle or src/core/k8s/schema/`,
  );
}

export class Schema {
  private index?: Index;
  private readonly rawPackages = new Map<string, Record<string, RawMessage>>();
  private readonly messages = new Map<string, MessageDef>();

  constructor(private readonly dir: string = findSchemaDir()) {}

  private getIndex(): Index {
    this.index ??= JSON.parse(fs.readFileSync(path.join(this.dir, 'index.json'), 'utf8')) as Index;
    return this.index;
  }

  /** Protobuf package serving `apiVersion` ("v1", "apps/v1", ...), if known. */
  packageFor(apiVersion: string): string | undefined {
    return this.getIndex().groupVersions[apiVersion];
  }

  /** Every protobuf package in the schema. */
  packages(): string[] {
    return [...this.getIndex().packages];
  }

  groupVersions(): string[] {
    return Object.keys(this.getIndex().groupVersions);
  }

  /** Message for a top-level object, or undefined when the group/version or kind is unknown. */
  messageForKind(apiVersion: string, kind: string): MessageDef | undefined {
    const pkg = this.packageFor(apiVersion);
    if (!pkg || !/^\w+$/.test(kind)) return undefined;
    const raw = this.rawPackage(pkg);
    return raw && Object.prototype.hasOwnProperty.call(raw, kind) ? this.message(`${pkg}.${kind}`) : undefined;
  }

  private rawPackage(pkg: string): Record<string, RawMessage> | undefined {
    let raw = this.rawPackages.get(pkg);
    if (!raw) {
      if (!this.getIndex().packages.includes(pkg)) return undefined;
      raw = JSON.parse(fs.readFileSync(path.join(this.dir, `${pkg}.json`), 'utf8')) as Record<string, RawMessage>;
      this.rawPackages.set(pkg, raw);
    }
    return raw;
  }

  /** All message names of a package (for tools such as the benchmark's protobufjs comparison). */
  packageMessages(pkg: string): string[] {
    return Object.keys(this.rawPackage(pkg) ?? {});
  }

  message(fullName: string): MessageDef {
    const cached = this.messages.get(fullName);
    if (cached) return cached;
    const dot = fullName.lastIndexOf('.');
    const pkg = fullName.slice(0, dot);
    const name = fullName.slice(dot + 1);
    const raw = this.rawPackage(pkg)?.[name];
    if (!raw) throw new SchemaNotFoundError(`schema has no message ${fullName}`);
    const fields = raw.f.map((f, i) => toField(pkg, f, i));
    const wireOrder = [...fields].sort((a, b) => a.number - b.number);
    const byNumber = new Map(fields.map((f) => [f.number, f]));
    const def: MessageDef = {
      fullName,
      name,
      fields,
      wireOrder,
      byNumber,
      byJson: new Map(), // filled below once inline children can be resolved
      hasTypeMeta: raw.t === 1,
      special: SPECIAL[fullName] ?? (raw.x === 'items' ? 'Items' : undefined),
    };
    this.messages.set(fullName, def);
    const byJson = def.byJson as Map<string, FieldDef>;
    for (const f of fields) if (!f.inline && !f.hidden) byJson.set(f.json, f);
    return def;
  }

  /** The message type of a message-valued field, resolved once. */
  fieldMessage(f: FieldDef): MessageDef {
    if (!f.message) f.message = this.message(f.messageName!);
    return f.message;
  }
}

function toField(pkg: string, [number, json, card, type, flags, protoName]: RawField, index: number): FieldDef {
  let keyScalar: Scalar | undefined;
  let valueType = type;
  if (card === 'm') {
    const colon = type.indexOf(':');
    keyScalar = type.slice(0, colon) as Scalar;
    valueType = type.slice(colon + 1);
  }
  const isScalar = SCALARS.has(valueType);
  return {
    number,
    index,
    json,
    protoName: protoName ?? json,
    repeated: card === 'r',
    map: card === 'm',
    scalar: isScalar ? (valueType as Scalar) : undefined,
    keyScalar,
    messageName: isScalar ? undefined : valueType.startsWith('.') ? valueType.slice(1) : `${pkg}.${valueType}`,
    pointer: flags.includes('p'),
    omitEmpty: flags.includes('e'),
    omitZero: flags.includes('z'),
    inline: flags.includes('i'),
    hidden: flags.includes('h'),
    guessed: flags.includes('u'),
  };
}

let shared: Schema | undefined;
/** Process-wide schema instance (cheap: nothing is read until first use). */
export function defaultSchema(): Schema {
  shared ??= new Schema();
  return shared;
}
