// all-types: the wasifill:guests/types interface (world all-types) in C,
// with the canonical ABI written out by hand.
//
// Build: clang-14 --target=wasm32-wasi -mexec-model=reactor -O2 (see
// ../build-c-rust.sh). Only malloc/free/memcpy from wasi-libc are used, so the
// module imports nothing.
//
// Conventions (CanonicalABI.md):
//   - every export is named "wasifill:guests/types@0.1.0#<func>";
//   - params are passed flat (one core value per scalar; strings and lists
//     are a pointer and a length) unless there are more than 16 flat values,
//     then one pointer to them laid out as a tuple (sum-many);
//   - a result that flattens to more than one core value is stored in a
//     static return area and its address is returned;
//   - memory the host passes in (strings, lists, spilled params) was
//     allocated with cabi_realloc and belongs to the guest; memory returned to
//     the host is freed in cabi_post_<export> once the host has read it.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name("wasifill:guests/types@0.1.0#" name)))
#define POST(name) __attribute__((export_name("cabi_post_wasifill:guests/types@0.1.0#" name)))

// ---- memory ----------------------------------------------------------------

#include "cabi_realloc.h"

// release frees what cabi_realloc gave for size bytes.
static void release(void *p, size_t size) {
  if (size != 0)
    free(p);
}

// ---- canonical ABI layouts ---------------------------------------------------

typedef struct { char *ptr; size_t len; } str_t;             // string: size 8, align 4
typedef struct { str_t *ptr; size_t len; } strs_t;           // list<string>
typedef struct { uint8_t *ptr; size_t len; } bytes_t;        // list<u8>
typedef struct { int32_t x, y; } point_t;                    // record point: size 8
typedef struct { uint8_t is_some; point_t val; } opt_point_t; // option<point>: val at 4, size 12
typedef struct {                                             // record person: size 32, align 4
  str_t name;                                                // 0
  uint8_t age;                                               // 8
  strs_t tags;                                               // 12
  opt_point_t home;                                          // 20
} person_t;
enum { SHAPE_CIRCLE, SHAPE_RECT, SHAPE_DOT, SHAPE_LABEL };
typedef struct {                                             // variant shape: size 16, align 8
  uint8_t tag;                                               // 0
  union { double circle; point_t rect; str_t label; } u;     // 8
} shape_t;
typedef struct { uint8_t is_some; str_t val; } opt_str_t;    // option<string>: val at 4, size 12
typedef struct {                                             // result<u32, string>: payload at 4
  uint8_t is_err;
  union { uint32_t ok; str_t err; } u;
} result_t;
typedef struct { uint8_t a; str_t b; double c; } tuple_t;    // tuple<u8, string, f64>: 0, 4, 16; size 24
typedef struct { uint32_t a[10]; uint64_t b[10]; } many_t;   // sum-many's params: a1-a10 at 0, a11-a20 at 40

_Static_assert(sizeof(person_t) == 32 && offsetof(person_t, tags) == 12 && offsetof(person_t, home) == 20, "person");
_Static_assert(sizeof(shape_t) == 16 && offsetof(shape_t, u) == 8, "shape");
_Static_assert(sizeof(opt_str_t) == 12 && sizeof(result_t) == 12, "option/result");
_Static_assert(sizeof(tuple_t) == 24 && offsetof(tuple_t, c) == 16, "tuple");
_Static_assert(sizeof(many_t) == 120 && offsetof(many_t, b) == 40, "sum-many");

// ret is the return area for results of more than one flat value. One call
// at a time runs in a module instance, and the host reads the area before
// the next call, so one static area is enough.
static union {
  str_t str;
  strs_t strs;
  bytes_t bytes;
  person_t person;
  shape_t shape;
  opt_str_t opt;
  result_t result;
  tuple_t tuple;
} ret;

static void free_str(str_t s) { release(s.ptr, s.len); }

static void free_strs(strs_t l) {
  for (size_t i = 0; i < l.len; i++)
    free_str(l.ptr[i]);
  release(l.ptr, l.len * sizeof(str_t));
}

static void free_person(person_t *p) {
  free_str(p->name);
  free_strs(p->tags);
}

// ---- scalars: one flat param, one flat result --------------------------------

EXPORT("echo-bool") int32_t echo_bool(int32_t v) { return v; }
EXPORT("echo-s8") int8_t echo_s8(int8_t v) { return v; }
EXPORT("echo-u8") uint8_t echo_u8(uint8_t v) { return v; }
EXPORT("echo-s16") int16_t echo_s16(int16_t v) { return v; }
EXPORT("echo-u16") uint16_t echo_u16(uint16_t v) { return v; }
EXPORT("echo-s32") int32_t echo_s32(int32_t v) { return v; }
EXPORT("echo-u32") uint32_t echo_u32(uint32_t v) { return v; }
EXPORT("echo-s64") int64_t echo_s64(int64_t v) { return v; }
EXPORT("echo-u64") uint64_t echo_u64(uint64_t v) { return v; }
EXPORT("echo-f32") float echo_f32(float v) { return v; }
EXPORT("echo-f64") double echo_f64(double v) { return v; }
EXPORT("echo-char") uint32_t echo_char(uint32_t v) { return v; }
EXPORT("echo-color") int32_t echo_color(int32_t v) { return v; } // enum: its case index
EXPORT("echo-perms") int32_t echo_perms(int32_t v) { return v; } // flags: bit 0 read, 1 write, 2 exec

// ---- strings and lists: (ptr, len) in, return area out --------------------------

EXPORT("echo-string") str_t *echo_string(char *ptr, size_t len) {
  ret.str = (str_t){ptr, len}; // hand the host's own buffer back
  return &ret.str;
}
POST("echo-string") void post_echo_string(str_t *r) { free_str(*r); }

EXPORT("echo-bytes") bytes_t *echo_bytes(uint8_t *ptr, size_t len) {
  ret.bytes = (bytes_t){ptr, len};
  return &ret.bytes;
}
POST("echo-bytes") void post_echo_bytes(bytes_t *r) { release(r->ptr, r->len); }

EXPORT("echo-strings") strs_t *echo_strings(str_t *ptr, size_t len) {
  ret.strs = (strs_t){ptr, len};
  return &ret.strs;
}
POST("echo-strings") void post_echo_strings(strs_t *r) { free_strs(*r); }

// ---- records and variants -------------------------------------------------------

// A person flattens to 8 values: name (ptr, len), age, tags (ptr, len), home
// (discriminant, x, y).
static person_t person_from_flat(char *name, size_t name_len, uint8_t age, str_t *tags, size_t tags_len,
                                 int32_t has_home, int32_t x, int32_t y) {
  person_t p = {{name, name_len}, age, {tags, tags_len}, {0, {0, 0}}};
  if (has_home)
    p.home = (opt_point_t){1, {x, y}};
  return p;
}

EXPORT("echo-person")
person_t *echo_person(char *name, size_t name_len, uint8_t age, str_t *tags, size_t tags_len, int32_t has_home,
                      int32_t x, int32_t y) {
  ret.person = person_from_flat(name, name_len, age, tags, tags_len, has_home, x, y);
  return &ret.person;
}
POST("echo-person") void post_echo_person(person_t *r) { free_person(r); }

// A shape flattens to (discriminant i32, i64, i32): the cases' flat types
// joined position by position — f64 and i32 join to i64 (circle's f64 travels
// as its bits, rect's x and label's pointer zero-extended), then i32.
EXPORT("echo-shape") shape_t *echo_shape(int32_t tag, int64_t p0, int32_t p1) {
  ret.shape.tag = (uint8_t)tag;
  switch (tag) {
  case SHAPE_CIRCLE:
    memcpy(&ret.shape.u.circle, &p0, 8);
    break;
  case SHAPE_RECT:
    ret.shape.u.rect = (point_t){(int32_t)(uint32_t)p0, p1};
    break;
  case SHAPE_DOT:
    break;
  case SHAPE_LABEL:
    ret.shape.u.label = (str_t){(char *)(uintptr_t)(uint32_t)p0, (size_t)p1};
    break;
  default:
    __builtin_trap();
  }
  return &ret.shape;
}
POST("echo-shape") void post_echo_shape(shape_t *r) {
  if (r->tag == SHAPE_LABEL)
    free_str(r->u.label);
}

EXPORT("echo-option") opt_str_t *echo_option(int32_t is_some, char *ptr, size_t len) {
  ret.opt = is_some ? (opt_str_t){1, {ptr, len}} : (opt_str_t){0, {NULL, 0}};
  return &ret.opt;
}
POST("echo-option") void post_echo_option(opt_str_t *r) {
  if (r->is_some)
    free_str(r->val);
}

// result<u32, string> flattens to (discriminant, i32, i32): ok's u32 in the
// first payload slot, err's (ptr, len) in both.
EXPORT("echo-result") result_t *echo_result(int32_t is_err, int32_t p0, int32_t p1) {
  ret.result.is_err = (uint8_t)is_err;
  if (is_err)
    ret.result.u.err = (str_t){(char *)(uintptr_t)(uint32_t)p0, (size_t)p1};
  else
    ret.result.u.ok = (uint32_t)p0;
  return &ret.result;
}
POST("echo-result") void post_echo_result(result_t *r) {
  if (r->is_err)
    free_str(r->u.err);
}

EXPORT("echo-tuple") tuple_t *echo_tuple(uint8_t a, char *ptr, size_t len, double c) {
  ret.tuple = (tuple_t){a, {ptr, len}, c};
  return &ret.tuple;
}
POST("echo-tuple") void post_echo_tuple(tuple_t *r) { free_str(r->b); }

// ---- call shapes ----------------------------------------------------------------

// 20 flat params > 16: the host stores them as a tuple in memory it got from
// cabi_realloc and passes its address. The guest owns that memory.
EXPORT("sum-many") uint64_t sum_many(many_t *args) {
  uint64_t sum = 0;
  for (int i = 0; i < 10; i++)
    sum += args->a[i] + args->b[i];
  free(args);
  return sum;
}

EXPORT("no-result") void no_result(uint32_t v) { (void)v; }

// ---- describe -------------------------------------------------------------------

typedef struct { char *buf; size_t len, cap; } builder_t;

static void put(builder_t *b, const char *s, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap * 2 + n + 16;
    char *buf = realloc(b->buf, cap);
    if (buf == NULL)
      __builtin_trap();
    b->buf = buf;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, s, n);
  b->len += n;
}

static void put_str(builder_t *b, const char *s) { put(b, s, strlen(s)); }

static void put_int(builder_t *b, int64_t v) {
  char digits[24];
  size_t i = sizeof digits;
  uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
  do {
    digits[--i] = (char)('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0)
    digits[--i] = '-';
  put(b, digits + i, sizeof digits - i);
}

// describe writes "NAME (AGE) [TAG, TAG] at (X, Y)", or "... at nowhere"
// without a home, into a fresh buffer that cabi_post frees. The person's own
// memory is freed here: nothing of it is returned.
EXPORT("describe")
str_t *describe(char *name, size_t name_len, uint8_t age, str_t *tags, size_t tags_len, int32_t has_home, int32_t x,
                int32_t y) {
  person_t p = person_from_flat(name, name_len, age, tags, tags_len, has_home, x, y);
  builder_t b = {NULL, 0, 0};
  put(&b, p.name.ptr, p.name.len);
  put_str(&b, " (");
  put_int(&b, p.age);
  put_str(&b, ") [");
  for (size_t i = 0; i < p.tags.len; i++) {
    if (i > 0)
      put_str(&b, ", ");
    put(&b, p.tags.ptr[i].ptr, p.tags.ptr[i].len);
  }
  put_str(&b, "] at ");
  if (p.home.is_some) {
    put_str(&b, "(");
    put_int(&b, p.home.val.x);
    put_str(&b, ", ");
    put_int(&b, p.home.val.y);
    put_str(&b, ")");
  } else {
    put_str(&b, "nowhere");
  }
  free_person(&p);
  ret.str = (str_t){b.buf, b.len}; // b.len > 0: at least " () [] at nowhere"
  return &ret.str;
}
POST("describe") void post_describe(str_t *r) { free_str(*r); }
