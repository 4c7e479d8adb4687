/**
 * Key order as Go's encoding/json writes an object, for values read from CBOR (whose maps come sorted by
 * their encoded keys, shortest first): struct fields in Go declaration order (kind, apiVersion first) for
 * built-in kinds, map keys sorted bytewise — what `kubectl get -o json` shows.
 */
import { compareGoKeys } from './goJson';
import type { FieldDef, MessageDef, Schema } from './schema';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A map[string]interface{} value (custom resources, raw JSON): every object's keys in Go map order. */
export function inGoMapOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(inGoMapOrder);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort(compareGoKeys)) define(out, k, inGoMapOrder(v[k]));
  return out;
}

/** A typed object of `message`: struct order for its fields (unknown keys after them), maps sorted. */
export function inGoStructOrder(v: unknown, schema: Schema, message: MessageDef): unknown {
  if (Array.isArray(v)) return v.map((x) => inGoStructOrder(x, schema, message));
  if (!isObj(v) || message.special) return message.special === 'RawJSON' ? inGoMapOrder(v) : v;
  const out: Obj = {};
  const place = (m: MessageDef, typeMeta: boolean): void => {
    if (typeMeta) for (const k of ['kind', 'apiVersion']) if (k in v) define(out, k, v[k]);
    for (const f of m.fields) {
      if (f.hidden) continue;
      if (f.inline) place(schema.fieldMessage(f), false);
      else if (f.json in v && !(f.json in out)) define(out, f.json, typedValue(v[f.json], schema, f));
    }
  };
  place(message, message.hasTypeMeta);
  for (const k of Object.keys(v).sort(compareGoKeys)) if (!(k in out)) define(out, k, inGoMapOrder(v[k]));
  return out;
}

function typedValue(v: unknown, schema: Schema, f: FieldDef): unknown {
  if (!f.messageName) return f.map && isObj(v) ? inGoMapOrder(v) : v;
  const m = schema.fieldMessage(f);
  if (!f.map) return inGoStructOrder(v, schema, m);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort(compareGoKeys)) define(out, k, inGoStructOrder(v[k], schema, m));
  return out;
}

/** Sets a key even if it is `__proto__`. */
function define(o: Obj, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}
