// fillrt.c: the fixed runtime of the fills `wasifill fill` writes.
//
// It moves values between the canonical ABI (flat core values and linear
// memory) and the wire encoding (docs/wire-format.md) by walking type
// descriptors that package fill lays out at the end of memory. Built twice
// by build.sh (clang-14, wasm32, no libc): with IMPORT_FILL for import
// fills (it calls wasifill:rpc/transport.invoke), without for export fills
// (it serves wasifill:rpc/handler.handle). Package fill appends the
// per-function code (trampolines) and the descriptors, renumbering calls.
//
// Fixed addresses shared with package fill (fill/layout.go):
//   16: the config, four u32s: function table, function count, arena start,
//       0; written by a data segment package fill adds.
//   64: 16 slots of 8 bytes: the flat values of one call.
// Descriptor words (u32, at absolute addresses):
//   scalar, string: [kind]
//   list:    [kind, elem, elem size, elem align, elem min wire size]
//   fixed:   [kind, elem, count, elem size]
//   record:  [kind, n, (type, offset) * n]            (records and tuples)
//   variant: [kind, n, disc size, payload offset, payload flat count,
//             payload type or 0 * n]    (variants, enums, options, results)
//   flags:   [kind, n]
//   function: [iface, iface len, name, name len, flags (1: params spilled),
//             result mode (0 none, 1 flat, 2 memory), params tuple, result,
//             result size, result align, params size, params align,
//             error mode (0 trap, 1 string, 2 cases),
//             6 * error case (case | message << 31, or ~0)]
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

enum {
  K_BOOL = 1, K_S8, K_U8, K_S16, K_U16, K_S32, K_U32, K_S64, K_U64, K_F32, K_F64, K_CHAR,
  K_STRING, K_LIST, K_FIXED, K_RECORD, K_VARIANT, K_FLAGS
};

struct cfg {
  u32 funcs, nfuncs, arena, pad;
};
#define CFG ((volatile struct cfg *)16)
#define SLOTS ((volatile u64 *)64)
#define W(a) ((const u32 *)(uintptr_t)(a))

// Decode errors: an index into why[].
enum { OK, E_END, E_TRAIL, E_LEN, E_BOOL, E_LEB_OVER, E_LEB_MIN, E_CASE, E_COUNT, E_CHAR, E_STR, E_FLAG };
__attribute__((unused)) static const char *const why[] = {
    "", "unexpected end of input", "trailing bytes", "a length runs past the input", "a bool is 0 or 1",
    "LEB128 number overflows", "LEB128 number is not minimal", "case index out of range",
    "a count runs past the input", "a char is not UTF-8", "a string is not UTF-8",
    "a flag bit past the last flag"};

#define TRY(x)          \
  do {                  \
    int e_ = (x);       \
    if (e_) return e_;  \
  } while (0)

static void fail(void) { __builtin_trap(); }

// ---- memory: one bump arena from the configured start, emptied per call

static u32 top;

static u32 mark(void) {
  if (!top) top = CFG->arena;
  return top;
}

static void reset(void) { top = CFG->arena; }

// have is the memory's size in bytes as last seen (only alloc grows it).
static u64 have;

static u32 alloc(u64 size, u32 align) {
  u64 p = ((u64)mark() + align - 1) & ~(u64)(align - 1);
  u64 end = p + size;
  if (end > have) {
    have = (u64)__builtin_wasm_memory_size(0) << 16;
    if (end > have) {
      if (end > 0xffffffffull) fail();
      if (__builtin_wasm_memory_grow(0, (end - have + 0xffff) >> 16) == (__SIZE_TYPE__)-1) fail();
      have = (u64)__builtin_wasm_memory_size(0) << 16;
    }
  }
  top = (u32)end;
  return (u32)p;
}

__attribute__((export_name("cabi_realloc"))) u32 cabi_realloc(u32 old, u32 old_size, u32 align, u32 size) {
  u32 p = alloc(size, align);
  if (old && old_size) __builtin_memcpy((void *)(uintptr_t)p, (void *)(uintptr_t)old, old_size < size ? old_size : size);
  return p;
}

static u64 ld(u32 a, u32 size) {
  switch (size) {
  case 1: return *(u8 *)(uintptr_t)a;
  case 2: return *(uint16_t *)(uintptr_t)a;
  case 4: return *(u32 *)(uintptr_t)a;
  }
  return *(u64 *)(uintptr_t)a;
}

static void st(u32 a, u32 size, u64 v) {
  switch (size) {
  case 1: *(u8 *)(uintptr_t)a = (u8)v; return;
  case 2: *(uint16_t *)(uintptr_t)a = (uint16_t)v; return;
  case 4: *(u32 *)(uintptr_t)a = (u32)v; return;
  }
  *(u64 *)(uintptr_t)a = v;
}

// ---- the wire writer: bytes appended at the top of the arena

static void w_raw(u32 p, u32 n) { __builtin_memcpy((void *)(uintptr_t)alloc(n, 1), (void *)(uintptr_t)p, n); }

static void w_byte(u32 b) {
  if (top && top < have) { // the common case: room at the top of the arena
    *(u8 *)(uintptr_t)top++ = (u8)b;
    return;
  }
  *(u8 *)(uintptr_t)alloc(1, 1) = (u8)b;
}

static void w_uleb(u64 v) {
  do {
    u8 b = v & 0x7f;
    v >>= 7;
    w_byte(v ? b | 0x80 : b);
  } while (v);
}

static void w_sleb(s64 v) {
  for (;;) {
    u8 b = v & 0x7f;
    v >>= 7;
    if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
      w_byte(b);
      return;
    }
    w_byte(b | 0x80);
  }
}

static void w_str(const char *s) {
  while (*s) w_byte((u8)*s++);
}

// ---- the strict wire reader

typedef struct {
  u32 p, end;
} rd;

static int r_byte(rd *r, u8 *b) {
  if (r->p >= r->end) return E_END;
  *b = *(u8 *)(uintptr_t)r->p++;
  return OK;
}

static u32 uleb_len(u64 v) {
  u32 n = 1;
  while (v >>= 7) n++;
  return n;
}

static u32 sleb_len(s64 v) {
  u32 n = 1;
  for (;;) {
    s64 rest = v >> 7;
    if ((rest == 0 && !(v & 0x40)) || (rest == -1 && (v & 0x40))) return n;
    v = rest;
    n++;
  }
}

static int r_uleb(rd *r, int bits, u64 *out) {
  u32 start = r->p;
  u64 v = 0;
  for (int shift = 0;; shift += 7) {
    u8 b;
    TRY(r_byte(r, &b));
    if (shift == 63 && b > 1) return E_LEB_OVER;
    v |= (u64)(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  if (bits < 64 && (v >> bits)) return E_LEB_OVER;
  if (r->p - start != uleb_len(v)) return E_LEB_MIN;
  *out = v;
  return OK;
}

static int r_sleb(rd *r, int bits, s64 *out) {
  u32 start = r->p;
  u64 v = 0;
  int shift = 0;
  u8 b;
  for (;;) {
    TRY(r_byte(r, &b));
    if (shift == 63 && b != 0 && b != 0x7f) return E_LEB_OVER;
    v |= (u64)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (shift < 64 && (b & 0x40)) v |= ~(u64)0 << shift;
  s64 s = (s64)v;
  if (bits < 64 && (s < -((s64)1 << (bits - 1)) || s >= ((s64)1 << (bits - 1)))) return E_LEB_OVER;
  if (r->p - start != sleb_len(s)) return E_LEB_MIN;
  *out = s;
  return OK;
}

static int r_u32(rd *r, u32 *out) {
  u64 v;
  TRY(r_uleb(r, 32, &v));
  *out = (u32)v;
  return OK;
}

// utf8 reads one strictly encoded scalar value at p (before end).
static int utf8(u32 *pp, u32 end, u32 *cp) {
  u32 p = *pp;
  u8 b0 = *(u8 *)(uintptr_t)p;
  u32 n, c, min;
  if (b0 < 0x80) {
    *cp = b0;
    *pp = p + 1;
    return OK;
  } else if ((b0 & 0xe0) == 0xc0) {
    n = 2, c = b0 & 0x1f, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    n = 3, c = b0 & 0x0f, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    n = 4, c = b0 & 0x07, min = 0x10000;
  } else {
    return E_CHAR;
  }
  if (end - p < n) return E_CHAR;
  for (u32 i = 1; i < n; i++) {
    u8 b = *(u8 *)(uintptr_t)(p + i);
    if ((b & 0xc0) != 0x80) return E_CHAR;
    c = c << 6 | (b & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return E_CHAR;
  *cp = c;
  *pp = p + n;
  return OK;
}

// ---- scalars: raw bits (a slot, or a load of the kind's size) to wire

static const u8 scalar_size[] = {0, 1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 4};

static u64 canon_f32(u64 b) {
  b &= 0xffffffff;
  return ((b & 0x7f800000) == 0x7f800000 && (b & 0x7fffff)) ? 0x7fc00000 : b;
}

static u64 canon_f64(u64 b) {
  return ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull)) ? 0x7ff8000000000000ull
                                                                                           : b;
}

static void enc_scalar(u32 k, u64 v) {
  switch (k) {
  case K_BOOL: w_byte((u32)v != 0); return;
  case K_S8:
  case K_U8: w_byte((u8)v); return;
  case K_S16: w_sleb((int16_t)v); return;
  case K_U16: w_uleb((uint16_t)v); return;
  case K_S32: w_sleb((int32_t)v); return;
  case K_U32: w_uleb((u32)v); return;
  case K_S64: w_sleb((s64)v); return;
  case K_U64: w_uleb(v); return;
  case K_F32: v = canon_f32(v); break;
  case K_F64: v = canon_f64(v); break;
  case K_CHAR: {
    u32 c = (u32)v;
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) fail();
    if (c < 0x80) {
      w_byte(c);
    } else if (c < 0x800) {
      w_byte(0xc0 | c >> 6), w_byte(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      w_byte(0xe0 | c >> 12), w_byte(0x80 | (c >> 6 & 0x3f)), w_byte(0x80 | (c & 0x3f));
    } else {
      w_byte(0xf0 | c >> 18), w_byte(0x80 | (c >> 12 & 0x3f)), w_byte(0x80 | (c >> 6 & 0x3f)),
          w_byte(0x80 | (c & 0x3f));
    }
    return;
  }
  default: fail();
  }
  u32 n = scalar_size[k];
  for (u32 i = 0; i < n; i++) w_byte((u8)(v >> (8 * i)));
}

// dec_scalar reads a scalar of kind k; *v gets the bits to store (32-bit
// kinds zero-extended from their 32-bit form, as a flat i32 holds them).
static int dec_scalar(u32 k, rd *r, u64 *v) {
  u8 b;
  u64 u;
  s64 s;
  switch (k) {
  case K_BOOL:
    TRY(r_byte(r, &b));
    if (b > 1) return E_BOOL;
    *v = b;
    return OK;
  case K_U8: TRY(r_byte(r, &b)); *v = b; return OK;
  case K_S8: TRY(r_byte(r, &b)); *v = (u32)(int32_t)(int8_t)b; return OK;
  case K_U16: TRY(r_uleb(r, 16, &u)); *v = u; return OK;
  case K_U32: TRY(r_uleb(r, 32, &u)); *v = u; return OK;
  case K_U64: TRY(r_uleb(r, 64, &u)); *v = u; return OK;
  case K_S16: TRY(r_sleb(r, 16, &s)); *v = (u32)(int32_t)s; return OK;
  case K_S32: TRY(r_sleb(r, 32, &s)); *v = (u32)(int32_t)s; return OK;
  case K_S64: TRY(r_sleb(r, 64, &s)); *v = (u64)s; return OK;
  case K_F32:
  case K_F64: {
    u32 n = scalar_size[k];
    if (r->end - r->p < n) return E_END;
    u = 0;
    for (u32 i = 0; i < n; i++) u |= (u64)(*(u8 *)(uintptr_t)(r->p + i)) << (8 * i);
    r->p += n;
    *v = k == K_F32 ? canon_f32(u) : canon_f64(u);
    return OK;
  }
  case K_CHAR: {
    if (r->p >= r->end) return E_END;
    u32 c;
    TRY(utf8(&r->p, r->end, &c));
    *v = c;
    return OK;
  }
  }
  fail();
  return OK;
}

// ---- encoding: from memory or from slots (enc)

static void enc_bytes_list(const u32 *t, u32 p, u32 n);

// enc_flags writes n flags from memory at base, or (flat) from the slots
// from base on.
static void enc_flags(u32 n, int flat, u32 base) {
  u32 nb = (n + 7) / 8;
  for (u32 i = 0; i < nb; i++) {
    u32 b = flat ? (u32)(SLOTS[base + i / 4] >> (8 * (i % 4))) & 0xff : *(u8 *)(uintptr_t)(base + i);
    if (i == nb - 1 && n % 8) b &= (1u << (n % 8)) - 1;
    w_byte(b);
  }
}

// A value lives in linear memory at a in its type's memory layout (kp
// null), or in the flat slots from *kp on (a unused). get and put move one
// scalar of size bytes there, advancing *kp.
static u64 get(u32 a, u32 *kp, u32 size) { return kp ? SLOTS[(*kp)++] : ld(a, size); }

static void put(u32 a, u32 *kp, u32 size, u64 v) {
  if (kp)
    SLOTS[(*kp)++] = v;
  else
    st(a, size, v);
}

// enc writes the value of type ta held at a or *kp (see get).
static void enc(u32 ta, u32 a, u32 *kp) {
  const u32 *t = W(ta);
  u32 k = t[0];
  if (k <= K_CHAR) {
    enc_scalar(k, get(a, kp, scalar_size[k]));
    return;
  }
  switch (k) {
  case K_STRING:
  case K_LIST: {
    u32 p = (u32)get(a, kp, 4);
    enc_bytes_list(t, p, (u32)get(a + 4, kp, 4));
    return;
  }
  case K_FIXED:
    for (u32 i = 0; i < t[2]; i++) enc(t[1], a + i * t[3], kp);
    return;
  case K_RECORD:
    for (u32 i = 0; i < t[1]; i++) enc(t[2 + 2 * i], a + t[3 + 2 * i], kp);
    return;
  case K_VARIANT: {
    u32 d = (u32)get(a, kp, t[2]);
    if (d >= t[1]) fail();
    w_uleb(d);
    u32 j = kp ? *kp : 0, end = j + t[4];
    if (t[5 + d]) enc(t[5 + d], a + t[3], kp ? &j : 0);
    if (kp) *kp = end;
    return;
  }
  case K_FLAGS:
    enc_flags(t[1], kp != 0, kp ? *kp : a);
    if (kp) *kp += (t[1] + 31) / 32;
    return;
  }
  fail();
}

// enc_bytes_list writes a string or list<T> held at p with n elements.
static void enc_bytes_list(const u32 *t, u32 p, u32 n) {
  w_uleb(n);
  if (t[0] == K_STRING) {
    w_raw(p, n);
    return;
  }
  u32 ek = W(t[1])[0];
  if (ek == K_U8 || ek == K_S8) {
    w_raw(p, n);
    return;
  }
  for (u32 i = 0; i < n; i++) enc(t[1], p + i * t[2], 0);
}

// ---- decoding: into memory or into slots (dec)

static int dec(u32 ta, rd *r, u32 a, u32 *kp);

// dec_list reads a string or list<T> and returns where its elements are.
static int dec_list(const u32 *t, rd *r, u32 *pp, u32 *np) {
  u32 n;
  if (t[0] == K_STRING) {
    TRY(r_u32(r, &n));
    if (r->end - r->p < n) return E_LEN;
    for (u32 q = r->p, e = r->p + n; q < e;) {
      u32 c;
      if (utf8(&q, e, &c)) return E_STR;
    }
    *pp = alloc(n, 1);
    __builtin_memcpy((void *)(uintptr_t)*pp, (void *)(uintptr_t)r->p, n);
    r->p += n;
    *np = n;
    return OK;
  }
  TRY(r_u32(r, &n));
  u64 minw = t[4] ? t[4] : 1;
  if ((u64)n * minw > r->end - r->p) return E_COUNT;
  u32 ek = W(t[1])[0];
  u32 p = alloc((u64)n * t[2], t[3]);
  if (ek == K_U8 || ek == K_S8) {
    __builtin_memcpy((void *)(uintptr_t)p, (void *)(uintptr_t)r->p, n);
    r->p += n;
  } else {
    for (u32 i = 0; i < n; i++) TRY(dec(t[1], r, p + i * t[2], 0));
  }
  *pp = p;
  *np = n;
  return OK;
}

// dec_flags reads n flags; put stores byte i.
static int dec_flags(u32 n, rd *r, u8 *out) {
  u32 nb = (n + 7) / 8;
  if (r->end - r->p < nb) return E_END;
  for (u32 i = 0; i < nb; i++) out[i] = *(u8 *)(uintptr_t)(r->p + i);
  if (n % 8 && (out[nb - 1] >> (n % 8))) return E_FLAG;
  r->p += nb;
  return OK;
}

// dec reads a value of type ta into a or *kp (see get).
static int dec(u32 ta, rd *r, u32 a, u32 *kp) {
  const u32 *t = W(ta);
  u32 k = t[0];
  if (k <= K_CHAR) {
    u64 v;
    TRY(dec_scalar(k, r, &v));
    put(a, kp, scalar_size[k], v);
    return OK;
  }
  switch (k) {
  case K_STRING:
  case K_LIST: {
    u32 p, n;
    TRY(dec_list(t, r, &p, &n));
    put(a, kp, 4, p);
    put(a + 4, kp, 4, n);
    return OK;
  }
  case K_FIXED:
    for (u32 i = 0; i < t[2]; i++) TRY(dec(t[1], r, a + i * t[3], kp));
    return OK;
  case K_RECORD:
    for (u32 i = 0; i < t[1]; i++) TRY(dec(t[2 + 2 * i], r, a + t[3 + 2 * i], kp));
    return OK;
  case K_VARIANT: {
    u32 d;
    TRY(r_u32(r, &d));
    if (d >= t[1]) return E_CASE;
    put(a, kp, t[2], d);
    u32 j = kp ? *kp : 0, end = j + t[4];
    if (t[5 + d]) TRY(dec(t[5 + d], r, a + t[3], kp ? &j : 0));
    if (kp) {
      while (j < end) SLOTS[j++] = 0;
      *kp = end;
    }
    return OK;
  }
  case K_FLAGS: {
    u32 n = t[1];
    if (!kp) {
      u32 size = n <= 8 ? 1 : n <= 16 ? 2 : 4 * ((n + 31) / 32);
      u8 *out = (u8 *)(uintptr_t)a;
      for (u32 i = 0; i < size; i++) out[i] = 0;
      return dec_flags(n, r, out);
    }
    u32 words = (n + 31) / 32;
    u8 *out = (u8 *)(uintptr_t)alloc(4 * words, 4);
    for (u32 i = 0; i < 4 * words; i++) out[i] = 0;
    TRY(dec_flags(n, r, out));
    for (u32 i = 0; i < words; i++) SLOTS[*kp + i] = ((u32 *)out)[i];
    *kp += words;
    return OK;
  }
  }
  fail();
  return OK;
}

// ---- functions

enum { F_IFACE, F_IFACE_LEN, F_NAME, F_NAME_LEN, F_SPILLED, F_RESULT_MODE, F_PARAMS, F_RESULT, F_RESULT_SIZE,
       F_RESULT_ALIGN, F_PARAMS_SIZE, F_PARAMS_ALIGN, F_ERR_MODE, F_ERR_CASES };

static const u32 *func(u32 i) {
  if (i >= CFG->nfuncs) fail();
  return W(W(CFG->funcs)[i]);
}

#ifdef IMPORT_FILL

__attribute__((import_module("wasifill:rpc/transport@0.1.0"), import_name("invoke"))) void transport_invoke(
    u32 i, u32 il, u32 f, u32 fl, u32 p, u32 pl, u32 ret);

static const char *const rpc_cases[6] = {"deadline-exceeded", "not-found", "trap", "decode", "transport", "denied"};

// err_bytes writes the wire bytes of fn's own error value for rpc-error
// case c with message m (mn bytes), or traps (docs/fill.md).
static void err_bytes(const u32 *fn, u32 c, u32 m, u32 mn) {
  if (c >= 6) fail();
  switch (fn[F_ERR_MODE]) {
  case 1: {
    const char *kind = rpc_cases[c];
    u32 kl = 0;
    while (kind[kl]) kl++;
    w_byte(1);
    w_uleb(kl + (mn ? 2 + mn : 0));
    w_str(kind);
    if (mn) {
      w_str(": ");
      w_raw(m, mn);
    }
    return;
  }
  case 2: {
    u32 e = fn[F_ERR_CASES + c];
    if (e == ~0u) fail();
    w_byte(1);
    w_uleb(e & 0x7fffffff);
    if (e >> 31) {
      w_uleb(mn);
      w_raw(m, mn);
    }
    return;
  }
  }
  fail();
}

// fill_call serves import-fill function i: its flat params are in the
// slots (or slot 0 points to them); it returns the return area, or leaves
// a flat result in slot 0.
__attribute__((export_name("fill_call"))) u32 fill_call(u32 i) {
  const u32 *fn = func(i);
  u32 w = mark();
  if (fn[F_SPILLED]) {
    enc(fn[F_PARAMS], (u32)SLOTS[0], 0);
  } else {
    u32 k = 0;
    enc(fn[F_PARAMS], 0, &k);
  }
  u32 n = mark() - w;
  u32 ret = alloc(16, 4);
  transport_invoke(fn[F_IFACE], fn[F_IFACE_LEN], fn[F_NAME], fn[F_NAME_LEN], w, n, ret);
  rd r;
  if (ld(ret, 1) == 0) {
    r.p = (u32)ld(ret + 4, 4);
    r.end = r.p + (u32)ld(ret + 8, 4);
  } else {
    u32 c = (u32)ld(ret + 4, 1), m = 0, mn = 0;
    if (c != 0) m = (u32)ld(ret + 8, 4), mn = (u32)ld(ret + 12, 4);
    r.p = mark();
    err_bytes(fn, c, m, mn);
    r.end = mark();
  }
  u32 out = 0;
  switch (fn[F_RESULT_MODE]) {
  case 1: {
    u32 k = 0;
    if (dec(fn[F_RESULT], &r, 0, &k)) fail();
    break;
  }
  case 2:
    out = alloc(fn[F_RESULT_SIZE], fn[F_RESULT_ALIGN]);
    if (dec(fn[F_RESULT], &r, out, 0)) fail();
    break;
  }
  if (r.p != r.end) fail();
  if (fn[F_RESULT_MODE] != 2) reset();
  return out;
}

// fill_post ends a call: the host has read the results.
__attribute__((export_name("fill_post"))) void fill_post(u32 _) { reset(); }

#else

__attribute__((import_module("wasifill-fill"), import_name("dispatch"))) void dispatch(u32 i, u32 ret);

static int same(u32 a, u32 an, u32 b, u32 bn) {
  if (an != bn) return 0;
  for (u32 i = 0; i < an; i++)
    if (*(u8 *)(uintptr_t)(a + i) != *(u8 *)(uintptr_t)(b + i)) return 0;
  return 1;
}

__attribute__((export_name("wasifill:rpc/handler@0.1.0#handle"))) u32 handle(u32 i, u32 il, u32 f, u32 fl, u32 p,
                                                                                u32 pl) {
  u32 ret = alloc(16, 4), idx = 0, nf = CFG->nfuncs, e = 0;
  const u32 *fn = 0;
  for (; idx < nf; idx++) {
    fn = func(idx);
    if (same(fn[F_NAME], fn[F_NAME_LEN], f, fl) && same(fn[F_IFACE], fn[F_IFACE_LEN], i, il)) break;
  }
  u32 c = 1; // not-found
  if (idx < nf) {
    rd r = {p, p + pl};
    if (fn[F_SPILLED]) {
      u32 a = alloc(fn[F_PARAMS_SIZE], fn[F_PARAMS_ALIGN]);
      e = dec(fn[F_PARAMS], &r, a, 0);
      SLOTS[0] = a;
    } else {
      u32 k = 0;
      e = dec(fn[F_PARAMS], &r, 0, &k);
    }
    if (!e && r.p != r.end) e = E_TRAIL;
    if (!e) {
      u32 ra = 0;
      if (fn[F_RESULT_MODE] == 2) ra = alloc(fn[F_RESULT_SIZE], fn[F_RESULT_ALIGN]);
      dispatch(idx, ra);
      u32 w = mark();
      if (fn[F_RESULT_MODE] == 1) {
        u32 k = 0;
        enc(fn[F_RESULT], 0, &k);
      } else if (fn[F_RESULT_MODE] == 2) {
        enc(fn[F_RESULT], ra, 0);
      }
      st(ret, 1, 0);
      st(ret + 4, 4, w);
      st(ret + 8, 4, mark() - w);
      return ret;
    }
    c = 3; // decode
  }
  u32 m = mark();
  w_raw(i, il);
  w_byte('#');
  w_raw(f, fl);
  if (e) {
    w_str(": params: ");
    w_str(why[e]);
  }
  st(ret, 1, 1);
  st(ret + 4, 1, c);
  st(ret + 8, 4, m);
  st(ret + 12, 4, mark() - m);
  return ret;
}

__attribute__((export_name("cabi_post_wasifill:rpc/handler@0.1.0#handle"))) void handle_post(u32 _) { reset(); }

#endif
