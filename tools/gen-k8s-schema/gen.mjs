#!/usr/bin/env node
// Generates src/core/k8s/schema/*.json (our own compact format) from upstream Kubernetes schema facts.
//
// Run:   node tools/gen-k8s-schema/gen.mjs [--mirror /work/.mirror] [--out src/core/k8s/schema]
//
// Inputs are bare git directories of kubernetes/{api,apimachinery,apiextensions-apiserver,kube-aggregator}
// at <mirror>/kubernetes+<name>/repo (what the search tool's `fetch` produces), plus the same modules at the
// release the test oracle pins (test/oracle/go.mod), from the Go module cache. Nothing is copied from them:
// we read `generated.proto` (field numbers, wire types, maps) and the Go struct declarations (json names,
// omitempty/omitzero, inline embedding, pointer-ness, Go field order) and write only those facts.
// The schema is the union of every release from 1.27 to the newest source: a message (and so a kind) that
// existed in any of them is kept, the newest definition wins, and fields that a newer release dropped are
// added back when their number and JSON name are still free (old stored objects keep showing them).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const MIRROR = opt('--mirror', '/work/.mirror');
const OUT = path.resolve(opt('--out', path.join(repoRoot, 'src/core/k8s/schema')));
const REPOS = ['api', 'apimachinery', 'apiextensions-apiserver', 'kube-aggregator'];
const OLDEST_MINOR = 27;
const SCALARS = new Set([
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

const gitDir = (repo) => path.join(MIRROR, `kubernetes+${repo}`, 'repo');
const git = (repo, ...a) => execFileSync('git', ['--git-dir', gitDir(repo), ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
const MODULES = {
  api: 'k8s.io/api',
  apimachinery: 'k8s.io/apimachinery',
  'apiextensions-apiserver': 'k8s.io/apiextensions-apiserver',
  'kube-aggregator': 'k8s.io/kube-aggregator',
};

/**
 * A source of files: a git ref of a mirror, or a Go module directory.
 * list(): every file path; read(path): its text; dirFiles(dir): the names directly in dir.
 */
function gitSource(repo, name, ref) {
  const commit = git(repo, 'rev-parse', ref).trim();
  return {
    name,
    id: { ref: name, commit },
    list: () => git(repo, 'ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean),
    read: (f) => git(repo, 'show', `${ref}:${f}`),
    dirFiles: (dir) => git(repo, 'ls-tree', '--name-only', `${ref}:${dir}`).split('\n').filter(Boolean),
  };
}

/** The version of a k8s.io module that test/oracle/go.mod pins (the oracle's release). */
function pinnedVersion() {
  const mod = fs.readFileSync(path.join(repoRoot, 'test/oracle/go.mod'), 'utf8');
  return /k8s\.io\/apimachinery (v\S+)/.exec(mod)?.[1];
}

/** The module at the pinned release, from the Go module cache (`go mod download` fetches it if missing). */
function moduleSource(repo) {
  const version = pinnedVersion();
  if (!version || process.argv.includes('--no-modules')) return null;
  let info;
  try {
    info = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', `${MODULES[repo]}@${version}`], { encoding: 'utf8', cwd: os.tmpdir() }),
    );
  } catch (e) {
    console.warn(`skipping ${MODULES[repo]}@${version}: ${String(e.message).split('\n')[0]}`);
    return null;
  }
  const dir = info.Dir;
  const walk = (rel) =>
    fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
      const r = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? walk(r) : [r];
    });
  return {
    name: `${MODULES[repo]}@${version}`,
    id: { ref: `${MODULES[repo]}@${version}`, module: MODULES[repo], version },
    list: () => walk(''),
    read: (f) => fs.readFileSync(path.join(dir, f), 'utf8'),
    dirFiles: (d) => fs.readdirSync(path.join(dir, d)),
  };
}

/**
 * Sources to read, newest first: the pinned module release (what the oracle and users' clusters run), the
 * mirror's HEAD, and release branches down to 1.27. Fields HEAD added after that release still get in
 * through the field union.
 */
function sourcesOf(repo) {
  const refs = refsOf(repo).map((r) => gitSource(repo, r.name, r.ref));
  const mod = moduleSource(repo);
  return mod ? [mod, ...refs] : refs;
}

/** Refs to read, newest first: HEAD then release branches down to 1.27. */
function refsOf(repo) {
  const branches = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/', 'refs/remotes/').split('\n').filter(Boolean);
  const rel = [];
  for (const b of branches) {
    const m = /release-1\.(\d+)$/.exec(b);
    if (m && Number(m[1]) >= OLDEST_MINOR) rel.push({ minor: Number(m[1]), ref: b });
  }
  rel.sort((a, b) => b.minor - a.minor);
  const seen = new Set();
  const refs = [{ name: 'HEAD', ref: 'HEAD' }];
  for (const r of rel)
    if (!seen.has(r.minor)) {
      seen.add(r.minor);
      refs.push({ name: `release-1.${r.minor}`, ref: r.ref });
    }
  return refs;
}

// ---------- generated.proto ----------
function parseProto(text) {
  const pkg = /^package\s+([\w.]+)\s*;/m.exec(text)[1];
  const messages = new Map();
  let cur = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    let m;
    if ((m = /^message\s+(\w+)\s*\{/.exec(line))) {
      cur = { name: m[1], fields: [] };
      messages.set(m[1], cur);
      continue;
    }
    if (line === '}') {
      cur = null;
      continue;
    }
    if (!cur) continue;
    if ((m = /^map<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)/.exec(line))) {
      cur.fields.push({ card: 'm', key: m[1], type: m[2], name: m[3], num: Number(m[4]) });
    } else if ((m = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)/.exec(line))) {
      cur.fields.push({ card: m[1] === 'repeated' ? 'r' : 'o', type: m[2], name: m[3], num: Number(m[4]) });
    } else if (/^(enum|oneof)\b/.test(line)) {
      throw new Error(`unsupported proto construct in ${pkg}: ${line}`);
    }
  }
  return { pkg, messages };
}

// ---------- Go struct declarations ----------
function parseGo(text) {
  const types = new Map(); // name -> {kind:'struct', fields} | {kind:'slice'|'map'|'other'}
  const lines = text.split('\n');
  let cur = null;
  let depth = 0;
  for (const raw of lines) {
    const line = raw.replace(/^\s+/, '');
    if (cur) {
      if (/^\/\//.test(line) || line === '') continue;
      if (line.startsWith('}') && depth === 0) {
        cur = null;
        continue;
      }
      // nested anonymous structs are not used in API types; skip their bodies defensively
      if (/\{\s*$/.test(line.replace(/`.*`/, ''))) {
        depth++;
        continue;
      }
      if (line.startsWith('}')) {
        depth--;
        continue;
      }
      if (depth > 0) continue;
      const tagM = /`([^`]*)`/.exec(line);
      const tag = tagM ? tagM[1] : '';
      const decl = line
        .replace(/`.*$/, '')
        .replace(/\/\/.*$/, '')
        .trim();
      const parts = decl.split(/\s+/);
      let names;
      let type;
      if (parts.length === 1) {
        type = parts[0];
        names = [type.replace(/^\*/, '').replace(/^.*\./, '')];
      } else {
        type = parts.slice(1).join(' ');
        names = parts[0].split(',').filter(Boolean);
      }
      const embedded = parts.length === 1;
      const json = /json:"([^"]*)"/.exec(tag);
      const pb = /protobuf:"([^"]*)"/.exec(tag);
      for (const name of names) cur.fields.push({ name, type, embedded, json: json ? json[1] : null, pb: pb ? pb[1] : null });
      continue;
    }
    let m;
    if ((m = /^type\s+(\w+)\s+struct\s*\{\s*$/.exec(line))) {
      cur = { kind: 'struct', fields: [] };
      depth = 0;
      types.set(m[1], cur);
      continue;
    }
    if ((m = /^type\s+(\w+)\s+(\[\]|map\[)/.exec(line))) {
      types.set(m[1], { kind: m[2] === '[]' ? 'slice' : 'map' });
      continue;
    }
  }
  return types;
}

/** Go facts for a package directory in a source: all non-test, non-generated .go files. */
function goTypesAt(src, dir) {
  const files = src
    .dirFiles(dir)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && !f.startsWith('generated.'));
  const all = new Map();
  for (const f of files) for (const [k, v] of parseGo(src.read(`${dir}/${f}`))) all.set(k, v);
  return all;
}

// ---------- join ----------
function buildPackage(proto, goTypes) {
  const out = {};
  for (const [name, msg] of proto.messages) {
    const go = goTypes.get(name);
    const byNum = new Map(msg.fields.map((f) => [f.num, f]));
    const fields = [];
    const used = new Set();
    const entry = {};
    if (go && go.kind === 'slice') entry.x = 'items'; // named slice type: JSON is the bare array of `items`
    if (go && go.kind === 'struct') {
      for (const gf of go.fields) {
        if (gf.embedded && /(^|\.)TypeMeta$/.test(gf.type)) {
          entry.t = 1;
          continue;
        }
        if (!gf.pb || gf.pb === '-') continue;
        const num = Number(gf.pb.split(',')[1]);
        const pf = byNum.get(num);
        if (!pf) continue;
        used.add(num);
        const [jname, ...jopts] = (gf.json ?? '').split(',');
        let flags = '';
        if (gf.type.startsWith('*')) flags += 'p';
        if (jopts.includes('omitempty')) flags += 'e';
        if (jopts.includes('omitzero')) flags += 'z';
        if (gf.embedded && jname === '') flags += 'i';
        if (jname === '-') flags += 'h';
        fields.push(fieldTuple(proto.pkg, pf, gf.embedded && jname === '' ? '' : jname || gf.name, flags));
      }
    }
    // proto fields without a Go field (or no Go struct at all): keep them, JSON name = proto name, nil-able
    for (const pf of msg.fields) if (!used.has(pf.num)) fields.push(fieldTuple(proto.pkg, pf, pf.name, 'peu'));
    entry.f = fields;
    out[name] = entry;
  }
  return out;
}

/** [number, jsonName, card, type, flags, protoName?] with local message names kept short. */
function fieldTuple(pkg, pf, jsonName, flags) {
  const t = (ty) => {
    if (SCALARS.has(ty)) return ty;
    // older generated.proto files spell qualified names without the leading dot
    const fq = ty.startsWith('.') ? ty.slice(1) : ty.includes('.') ? ty : `${pkg}.${ty}`;
    return fq.startsWith(pkg + '.') && !fq.slice(pkg.length + 1).includes('.') ? fq.slice(pkg.length + 1) : '.' + fq;
  };
  const type = pf.card === 'm' ? `${pf.key}:${t(pf.type)}` : t(pf.type);
  const tuple = [pf.num, jsonName, pf.card, type, flags];
  if (pf.name !== jsonName) tuple.push(pf.name);
  return tuple;
}

/** group/version served by a package, from the directory layout. */
function groupVersionOf(repo, dir) {
  const parts = dir.split('/');
  const version = parts[parts.length - 1];
  if (repo === 'apiextensions-apiserver') return `apiextensions.k8s.io/${version}`;
  if (repo === 'kube-aggregator') return `apiregistration.k8s.io/${version}`;
  if (repo === 'apimachinery')
    return dir === 'pkg/apis/meta/v1' ? 'meta.k8s.io/v1' : dir === 'pkg/apis/meta/v1beta1' ? 'meta.k8s.io/v1beta1' : null;
  return null; // kubernetes/api: read from register.go below
}

function groupFromRegister(source, dir) {
  try {
    const src = source.read(`${dir}/register.go`);
    const m = /GroupName\s*=\s*"([^"]*)"/.exec(src);
    return m ? m[1] : null;
  } catch {
    return null;
  }
}

/**
 * `type MatchCondition v1.MatchCondition` style declarations carry no tags of their own: borrow the facts of
 * a same-named message elsewhere whose proto fields are identical.
 */
function adoptAliasedStructs(packages) {
  const shape = (e) =>
    e.f
      .map((f) => `${f[0]}/${f[2]}/${f[3].replace(/^.*\./, '')}/${f[5] ?? f[1]}`)
      .sort()
      .join(';');
  for (const msgs of Object.values(packages)) {
    for (const [name, e] of Object.entries(msgs)) {
      if (!e.f.length || !e.f.every((f) => f[4] === 'peu') || e.x) continue;
      for (const other of Object.values(packages)) {
        const o = other[name];
        if (!o || o === e || o.f.some((f) => f[4] === 'peu')) continue;
        const byNum = new Map(o.f.map((f) => [f[0], f]));
        const candidate = { ...e, ...(o.t ? { t: 1 } : {}) };
        // keep our own type references; take json names, flags and Go order from the original
        candidate.f = o.f.map((of) => {
          const mine = e.f.find((f) => f[0] === of[0]);
          const t = [...of];
          t[3] = mine ? mine[3] : of[3];
          return t;
        });
        if (shape(candidate) === shape(e) || (o.f.length === e.f.length && e.f.every((f) => byNum.has(f[0])))) {
          msgs[name] = candidate;
          break;
        }
      }
    }
  }
}

/**
 * Adds to `into` (a package built from newer sources) what an older release had: messages it no longer
 * has, and fields of shared messages whose number and JSON name are still unused. Returns what was added.
 */
function unionPackage(into, older) {
  const added = { messages: [], fields: [] };
  for (const [name, msg] of Object.entries(older)) {
    const cur = into[name];
    if (!cur) {
      into[name] = msg;
      added.messages.push(name);
      continue;
    }
    if (cur.x || msg.x) continue;
    const nums = new Set(cur.f.map((f) => f[0]));
    const names = new Set(cur.f.map((f) => f[1]).filter(Boolean));
    for (const f of msg.f) {
      if (nums.has(f[0]) || (f[1] && names.has(f[1]))) continue;
      // the newer Go type has no such field: nil unless the stored object has it (pointer, omitempty),
      // `r` marks it retired
      cur.f.push([f[0], f[1], f[2], f[3], `pe${f[4].includes('h') ? 'h' : ''}r`, ...f.slice(5)]);
      nums.add(f[0]);
      if (f[1]) names.add(f[1]);
      added.fields.push(`${name}.${f[1] || f[5]}`);
    }
  }
  return added;
}

function main() {
  const sources = { generator: 'tools/gen-k8s-schema/gen.mjs', repos: {} };
  const packages = {}; // pkg -> messages (union over sources)
  const groupVersions = {};
  for (const repo of REPOS) {
    const srcs = sourcesOf(repo);
    const record = { sources: srcs.map((s) => s.id), packagesFrom: {}, addedFromOlder: {} };
    sources.repos[`kubernetes/${repo}`] = record;
    for (const src of srcs) {
      const files = src.list().filter((f) => f.endsWith('/generated.proto'));
      for (const f of files) {
        if (f.includes('testapigroup') || f.includes('/testdata/') || f.startsWith('vendor/') || f.includes('/example')) continue;
        const dir = path.posix.dirname(f);
        const proto = parseProto(src.read(f));
        if (proto.messages.size === 0) continue;
        const built = buildPackage(proto, goTypesAt(src, dir));
        if (!packages[proto.pkg]) {
          packages[proto.pkg] = built;
          record.packagesFrom[proto.pkg] = src.name;
        } else {
          const added = unionPackage(packages[proto.pkg], built);
          if (added.messages.length || added.fields.length) {
            (record.addedFromOlder[proto.pkg] ??= []).push({ from: src.name, ...added });
          }
        }
        let gv = groupVersionOf(repo, dir);
        if (!gv && repo === 'api') {
          const g = groupFromRegister(src, dir);
          if (g !== null) gv = g === '' ? path.posix.basename(dir) : `${g}/${path.posix.basename(dir)}`;
        }
        if (gv) groupVersions[gv] ??= proto.pkg;
      }
    }
  }
  adoptAliasedStructs(packages);
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) if (f.endsWith('.json')) fs.unlinkSync(path.join(OUT, f));
  for (const [pkg, msgs] of Object.entries(packages)) {
    // one message per line keeps diffs readable while staying compact
    const body = Object.entries(msgs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join(',\n');
    fs.writeFileSync(path.join(OUT, `${pkg}.json`), `{\n${body}\n}\n`);
  }
  const index = {
    format: 1,
    groupVersions: Object.fromEntries(Object.entries(groupVersions).sort()),
    packages: Object.keys(packages).sort(),
  };
  fs.writeFileSync(path.join(OUT, 'index.json'), JSON.stringify(index, null, 1) + '\n');
  fs.writeFileSync(path.join(OUT, 'SOURCES.json'), JSON.stringify(sources, null, 1) + '\n');
  console.log(`wrote ${Object.keys(packages).length} packages, ${Object.keys(groupVersions).length} group/versions to ${OUT}`);
}

main();
