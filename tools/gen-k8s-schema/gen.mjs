#!/usr/bin/env node
// Generates src/core/k8s/schema/*.json (our own compact format) from upstream Kubernetes schema facts.
//
// Run:   node tools/gen-k8s-schema/gen.mjs [--mirror /work/.mirror] [--out src/core/k8s/schema]
//
// Inputs are bare git directories of kubernetes/{api,apimachinery,apiextensions-apiserver,kube-aggregator}
// at <mirror>/kubernetes+<name>/repo (what the search tool's `fetch` produces). Nothing is copied from them:
// we read `generated.proto` (field numbers, wire types, maps) and the Go struct declarations (json names,
// omitempty/omitzero, inline embedding, pointer-ness, Go field order) and write only those facts.
// Every package served since Kubernetes 1.27 is covered: HEAD first, then release-1.36 down to release-1.27
// for packages that were removed since (the newest ref that still has a package wins).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
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
  return refs.map((r) => ({ ...r, commit: git(repo, 'rev-parse', r.ref).trim() }));
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

/** Go facts for a package directory at a ref: all non-test, non-generated .go files. */
function goTypesAt(repo, ref, dir) {
  const files = git(repo, 'ls-tree', '--name-only', `${ref}:${dir}`)
    .split('\n')
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && !f.startsWith('generated.'));
  const all = new Map();
  for (const f of files) for (const [k, v] of parseGo(git(repo, 'show', `${ref}:${dir}/${f}`))) all.set(k, v);
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

function groupFromRegister(repo, ref, dir) {
  try {
    const src = git(repo, 'show', `${ref}:${dir}/register.go`);
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

function main() {
  const sources = { generator: 'tools/gen-k8s-schema/gen.mjs', repos: {} };
  const packages = {}; // pkg -> {from, messages}
  const groupVersions = {};
  for (const repo of REPOS) {
    const refs = refsOf(repo);
    sources.repos[`kubernetes/${repo}`] = { refs: refs.map((r) => ({ ref: r.name, commit: r.commit })), packagesFrom: {} };
    for (const ref of refs) {
      const files = git(repo, 'ls-tree', '-r', '--name-only', ref.ref)
        .split('\n')
        .filter((f) => f.endsWith('/generated.proto'));
      for (const f of files) {
        if (f.includes('testapigroup') || f.includes('/testdata/') || f.startsWith('vendor/') || f.includes('/example')) continue;
        const dir = path.posix.dirname(f);
        const proto = parseProto(git(repo, 'show', `${ref.ref}:${f}`));
        if (packages[proto.pkg] || proto.messages.size === 0) continue;
        packages[proto.pkg] = buildPackage(proto, goTypesAt(repo, ref.ref, dir));
        sources.repos[`kubernetes/${repo}`].packagesFrom[proto.pkg] = ref.name;
        let gv = groupVersionOf(repo, dir);
        if (!gv && repo === 'api') {
          const g = groupFromRegister(repo, ref.ref, dir);
          if (g !== null) gv = g === '' ? path.posix.basename(dir) : `${g}/${path.posix.basename(dir)}`;
        }
        if (gv) groupVersions[gv] = proto.pkg;
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
