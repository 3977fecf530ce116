// jco-call.mjs: transpile a component with jco and call exports.
// Used by the Go package github.com/wasifill/wasifill/interop/jco, which
// embeds it; see docs/interop.md for the value mapping.
//
//   node jco-call.mjs REQUEST.json
//
// REQUEST: {"modules": ".../node_modules", "component": "c.wasm",
//           "workDir": "...", "out": "response.json", "calls": [CALL...]}
// CALL:    {"export": "...", "params": [TYPE...], "result": TYPE|null,
//           "args": [VALUE...], "fresh": bool}
// The component is transpiled once; the calls run in order on one instance,
// except that a call with "fresh" gets a new instance (later calls use it).
// Resource handles (own, borrow) are indexes into a table of the JS objects
// jco returns; an export named "...#[resource-drop]R" disposes of one.
// Response (written to "out", since the guest may print to stdout):
//   {"responses": [R...]} with R one of {"result": VALUE} (VALUE null when
//   the function returns nothing), {"trap": "message"}, or {"error":
//   "message"} for a harness failure of that call; or {"error": "message"}
//   when nothing could be called.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const req = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// handles holds the resources the calls got, indexed by their handle.
const handles = [];
const respond = (r) => writeFileSync(req.out, JSON.stringify(r));

// camel is jco's lowerCamelCase of a kebab-case WIT name.
function camel(name) {
  return name.split('-').map((w, i) => {
    w = w.toLowerCase();
    return i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1);
  }).join('');
}

function floatIn(j) {
  if (j === 'nan') return NaN;
  if (j === 'inf') return Infinity;
  if (j === '-inf') return -Infinity;
  if (j === '-0') return -0;
  return j;
}

function floatOut(x) {
  if (Number.isNaN(x)) return 'nan';
  if (Object.is(x, -0)) return '-0'; // JSON.stringify would drop the sign
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return x;
}

// toJS turns the harness JSON form of a value of type t into jco's.
function toJS(t, j) {
  switch (t.kind) {
    case 'bool': case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32':
    case 'char': case 'string':
      return j;
    case 's64': case 'u64':
      return BigInt(j);
    case 'f32': case 'f64':
      return floatIn(j);
    case 'list':
      if (t.elem.kind === 'u8') return Uint8Array.from(j);
      return j.map((x) => toJS(t.elem, x));
    case 'tuple':
      return j.map((x, i) => toJS(t.elems[i], x));
    case 'record': {
      const o = {};
      t.fields.forEach((f, i) => { o[camel(f.name)] = toJS(f.type, j[i]); });
      return o;
    }
    case 'variant': {
      const c = t.cases[j.case];
      return c.type ? { tag: c.name, val: toJS(c.type, j.val) } : { tag: c.name };
    }
    case 'enum':
      return t.labels[j];
    case 'flags': {
      const o = {};
      t.labels.forEach((l, i) => { o[camel(l)] = j[i]; });
      return o;
    }
    case 'option': {
      if (j === null) return undefined;
      const v = toJS(t.elem, j.some);
      // jco spells an option nested in an option as a variant.
      if (t.elem.kind === 'option') return v === undefined ? { tag: 'none' } : { tag: 'some', val: v };
      return v;
    }
    case 'result':
      if ('ok' in j) return { tag: 'ok', val: t.ok ? toJS(t.ok, j.ok) : undefined };
      return { tag: 'err', val: t.err ? toJS(t.err, j.err) : undefined };
    case 'own': case 'borrow': {
      const r = handles[j];
      if (r === undefined) throw new Error(`no resource handle ${j}`);
      if (t.kind === 'own') handles[j] = undefined; // ownership moves to the guest
      return r;
    }
    default:
      throw new Error(`type ${t.kind} is not supported`);
  }
}

// fromJS turns jco's form of a value of type t into the harness JSON form.
function fromJS(t, v) {
  switch (t.kind) {
    case 'bool':
      return Boolean(v);
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32':
      return Number(v);
    case 's64': case 'u64':
      return BigInt(v).toString();
    case 'f32': case 'f64':
      return floatOut(v);
    case 'char': case 'string':
      return String(v);
    case 'list':
      return Array.from(v, (x) => fromJS(t.elem, x));
    case 'tuple':
      return t.elems.map((et, i) => fromJS(et, v[i]));
    case 'record':
      return t.fields.map((f) => fromJS(f.type, v[camel(f.name)]));
    case 'variant': {
      const i = t.cases.findIndex((c) => c.name === v.tag);
      if (i < 0) throw new Error(`variant case ${JSON.stringify(v.tag)} not in the type`);
      const c = t.cases[i];
      return c.type ? { case: i, val: fromJS(c.type, v.val) } : { case: i };
    }
    case 'enum': {
      const i = t.labels.indexOf(v);
      if (i < 0) throw new Error(`enum case ${JSON.stringify(v)} not in the type`);
      return i;
    }
    case 'flags':
      return t.labels.map((l) => Boolean(v[camel(l)]));
    case 'option': {
      if (v === undefined || v === null) return null;
      if (t.elem.kind === 'option') {
        return { some: v.tag === 'none' ? null : fromJS(t.elem, v.val) };
      }
      return { some: fromJS(t.elem, v) };
    }
    case 'result':
      if (v.tag === 'ok') return { ok: t.ok ? fromJS(t.ok, v.val) : null };
      if (v.tag === 'err') return { err: t.err ? fromJS(t.err, v.val) : null };
      throw new Error(`result without tag ok or err: ${v}`);
    case 'own': case 'borrow':
      handles.push(v);
      return handles.length - 1;
    default:
      throw new Error(`type ${t.kind} is not supported`);
  }
}

// wasiImports gives every import a WASI 0.2 implementation from
// @bytecodealliance/preview2-shim, found by its name (any 0.2.x version).
async function wasiImports(names) {
  const shim = await import(pathToFileURL(join(req.modules, '@bytecodealliance/preview2-shim/dist/nodejs/index.js')).href);
  const imports = {};
  for (const name of names) {
    const m = /^wasi:([a-z-]+)\/([a-z-]+)/.exec(name);
    const iface = m && shim[m[1]] && shim[m[1]][camel(m[2])];
    if (!iface) throw new Error(`no implementation for import ${name}`);
    imports[name] = iface;
    imports[name.replace(/@.*$/, '')] = iface;
  }
  return imports;
}

// upperCamel is jco's UpperCamelCase of a kebab-case resource name.
function upperCamel(name) {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

// call makes one call on exports and returns its response.
async function call(exports, c) {
  const hash = c.export.indexOf('#');
  const holder = hash < 0 ? exports : exports[c.export.slice(0, hash)];
  if (!holder) throw new Error(`component exports no instance ${c.export.slice(0, hash)}`);
  const name = c.export.slice(hash + 1);
  const args = c.params.map((t, i) => toJS(t, c.args[i]));
  // Resource functions: [constructor]R, [method]R.m, [static]R.f, and
  // [resource-drop]R (the host dropping its handle).
  let fn;
  let m;
  if ((m = /^\[constructor\](.+)$/.exec(name))) {
    const cls = holder[upperCamel(m[1])];
    if (typeof cls !== 'function') throw new Error(`component exports no resource ${m[1]}`);
    fn = (...a) => new cls(...a);
  } else if ((m = /^\[method\](.+)\.(.+)$/.exec(name))) {
    fn = (self, ...a) => {
      const f = self[camel(m[2])];
      if (typeof f !== 'function') throw new Error(`resource ${m[1]} has no method ${m[2]}`);
      return f.apply(self, a);
    };
  } else if ((m = /^\[static\](.+)\.(.+)$/.exec(name))) {
    const cls = holder[upperCamel(m[1])];
    fn = cls && cls[camel(m[2])];
  } else if ((m = /^\[resource-drop\](.+)$/.exec(name))) {
    fn = (self) => {
      const dispose = self[Symbol.dispose] || self[Symbol.for('dispose')];
      if (typeof dispose !== 'function') throw new Error(`resource ${m[1]} cannot be disposed of`);
      dispose.call(self);
    };
  } else {
    fn = holder[camel(name)];
  }
  if (typeof fn !== 'function') throw new Error(`component exports no function ${c.export}`);

  const rt = c.result;
  let ret;
  try {
    ret = await fn(...args);
  } catch (e) {
    // A result<_, E> return type throws its err case as a ComponentError.
    if (rt && rt.kind === 'result' && e && e.constructor && e.constructor.name === 'ComponentError') {
      return { result: { err: rt.err ? fromJS(rt.err, e.payload) : null } };
    }
    return { trap: String(e && e.stack ? `${e.name}: ${e.message}` : e) };
  }
  if (!rt) return { result: null };
  if (rt.kind === 'result') return { result: { ok: rt.ok ? fromJS(rt.ok, ret) : null } };
  return { result: fromJS(rt, ret) };
}

async function main() {
  const { transpile } = await import(pathToFileURL(join(req.modules, '@bytecodealliance/jco/dist/api.js')).href);
  const { files, imports } = await transpile(readFileSync(req.component), {
    name: 'component', instantiation: 'async', noTypescript: true, quiet: true,
  });
  for (const [name, data] of Object.entries(files)) {
    const p = join(req.workDir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
  const mod = await import(pathToFileURL(join(req.workDir, 'component.js')).href);
  const cores = new Map();
  const getCoreModule = (name) => {
    if (!cores.has(name)) cores.set(name, WebAssembly.compile(readFileSync(join(req.workDir, name))));
    return cores.get(name);
  };
  const wasi = await wasiImports(imports);
  const instantiate = () => mod.instantiate(getCoreModule, wasi);

  let exports = null;
  const responses = [];
  for (const c of req.calls) {
    try {
      if (c.fresh) exports = null;
      if (exports === null) exports = await instantiate();
      responses.push(await call(exports, c));
    } catch (e) {
      responses.push({ error: String(e && e.stack || e) });
    }
  }
  respond({ responses });
}

main().catch((e) => {
  respond({ error: String(e && e.stack || e) });
});
