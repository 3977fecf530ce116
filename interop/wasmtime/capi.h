// Declarations of the part of Wasmtime's C API (39.x) that this package
// calls, written against the documented ABI so the package builds without
// the headers' location being known to cgo. libwasmtime.a itself comes from
// github.com/bytecodealliance/wasmtime-go/v39, whose cgo flags link it in.
// Sizes and offsets were checked against the real headers of 39.0.1
// (sizeof/offsetof of every struct declared here).

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wasm_config_t wasm_config_t;
typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasmtime_store wasmtime_store_t;
typedef struct wasmtime_context wasmtime_context_t;
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasi_config_t wasi_config_t;

typedef struct wasm_byte_vec_t {
	size_t size;
	char *data;
} wasm_byte_vec_t;
typedef wasm_byte_vec_t wasm_name_t;

void wasm_byte_vec_new(wasm_byte_vec_t *out, size_t size, const char *data);
void wasm_byte_vec_delete(wasm_byte_vec_t *v);

wasm_config_t *wasm_config_new(void);
void wasmtime_config_wasm_component_model_set(wasm_config_t *, bool);
void wasmtime_config_epoch_interruption_set(wasm_config_t *, bool);
wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *);
void wasm_engine_delete(wasm_engine_t *);
void wasmtime_engine_increment_epoch(wasm_engine_t *);

wasmtime_store_t *wasmtime_store_new(wasm_engine_t *, void *data, void (*finalizer)(void *));
wasmtime_context_t *wasmtime_store_context(wasmtime_store_t *);
void wasmtime_store_delete(wasmtime_store_t *);
void wasmtime_context_set_epoch_deadline(wasmtime_context_t *, uint64_t ticks);
// update_kind is a wasmtime_update_deadline_kind_t (uint8_t): 0 continue, 1 yield.
void wasmtime_store_epoch_deadline_callback(wasmtime_store_t *,
	wasmtime_error_t *(*func)(wasmtime_context_t *, void *data, uint64_t *epoch_deadline_delta, uint8_t *update_kind),
	void *data, void (*finalizer)(void *));
wasmtime_error_t *wasmtime_context_set_wasi(wasmtime_context_t *, wasi_config_t *);

wasi_config_t *wasi_config_new(void);
void wasi_config_delete(wasi_config_t *);
bool wasi_config_set_argv(wasi_config_t *, size_t argc, const char *argv[]);
bool wasi_config_set_stdout_file(wasi_config_t *, const char *path);
bool wasi_config_set_stderr_file(wasi_config_t *, const char *path);

wasmtime_error_t *wasmtime_error_new(const char *message);
void wasmtime_error_message(const wasmtime_error_t *, wasm_name_t *out);
bool wasmtime_error_exit_status(const wasmtime_error_t *, int *status);
void wasmtime_error_delete(wasmtime_error_t *);

// ---- component types ----

typedef struct wasmtime_component_t wasmtime_component_t;
typedef struct wasmtime_component_type_t wasmtime_component_type_t;
typedef struct wasmtime_component_instance_type wasmtime_component_instance_type_t;
typedef struct wasmtime_component_func_type_t wasmtime_component_func_type_t;
typedef struct wasmtime_component_export_index_t wasmtime_component_export_index_t;
typedef struct wasmtime_component_linker_t wasmtime_component_linker_t;
typedef struct wasmtime_component_list_type wasmtime_component_list_type_t;
typedef struct wasmtime_component_record_type wasmtime_component_record_type_t;
typedef struct wasmtime_component_tuple_type wasmtime_component_tuple_type_t;
typedef struct wasmtime_component_variant_type wasmtime_component_variant_type_t;
typedef struct wasmtime_component_enum_type wasmtime_component_enum_type_t;
typedef struct wasmtime_component_option_type wasmtime_component_option_type_t;
typedef struct wasmtime_component_result_type wasmtime_component_result_type_t;
typedef struct wasmtime_component_flags_type wasmtime_component_flags_type_t;
typedef struct wasmtime_component_resource_type wasmtime_component_resource_type_t;

bool wasmtime_component_resource_type_equal(const wasmtime_component_resource_type_t *, const wasmtime_component_resource_type_t *);

// A value type: kind (WT_* below) and, for compound kinds, one pointer.
typedef struct wasmtime_component_valtype_t {
	uint8_t kind;
	void *ptr;
} wasmtime_component_valtype_t;

enum {
	WT_BOOL, WT_S8, WT_S16, WT_S32, WT_S64, WT_U8, WT_U16, WT_U32, WT_U64,
	WT_F32, WT_F64, WT_CHAR, WT_STRING, WT_LIST, WT_RECORD, WT_TUPLE,
	WT_VARIANT, WT_ENUM, WT_OPTION, WT_RESULT, WT_FLAGS, WT_OWN, WT_BORROW,
	WT_FUTURE, WT_STREAM, WT_ERROR_CONTEXT,
};

// An import or export item: kind (IT_* below) and the item's type.
typedef struct wasmtime_component_item_t {
	uint8_t kind;
	union {
		void *ptr;
		wasmtime_component_valtype_t type;
	} of;
} wasmtime_component_item_t;

enum { IT_COMPONENT, IT_INSTANCE, IT_MODULE, IT_FUNC, IT_RESOURCE, IT_CORE_FUNC, IT_TYPE };

void wasmtime_component_valtype_delete(wasmtime_component_valtype_t *);
void wasmtime_component_item_delete(wasmtime_component_item_t *);

wasmtime_error_t *wasmtime_component_new(const wasm_engine_t *, const uint8_t *buf, size_t len, wasmtime_component_t **out);
void wasmtime_component_delete(wasmtime_component_t *);
wasmtime_component_type_t *wasmtime_component_type(const wasmtime_component_t *);
void wasmtime_component_type_delete(wasmtime_component_type_t *);
size_t wasmtime_component_type_export_count(const wasmtime_component_type_t *, const wasm_engine_t *);
bool wasmtime_component_type_export_nth(const wasmtime_component_type_t *, const wasm_engine_t *, size_t nth,
	const char **name, size_t *name_len, wasmtime_component_item_t *out);
size_t wasmtime_component_instance_type_export_count(const wasmtime_component_instance_type_t *, const wasm_engine_t *);
bool wasmtime_component_instance_type_export_nth(const wasmtime_component_instance_type_t *, const wasm_engine_t *,
	size_t nth, const char **name, size_t *name_len, wasmtime_component_item_t *out);

wasmtime_component_export_index_t *wasmtime_component_get_export_index(const wasmtime_component_t *,
	const wasmtime_component_export_index_t *instance, const char *name, size_t name_len);
void wasmtime_component_export_index_delete(wasmtime_component_export_index_t *);

size_t wasmtime_component_func_type_param_count(const wasmtime_component_func_type_t *);
bool wasmtime_component_func_type_param_nth(const wasmtime_component_func_type_t *, size_t nth,
	const char **name, size_t *name_len, wasmtime_component_valtype_t *out);
bool wasmtime_component_func_type_result(const wasmtime_component_func_type_t *, wasmtime_component_valtype_t *out);
void wasmtime_component_func_type_delete(wasmtime_component_func_type_t *);

void wasmtime_component_list_type_element(const wasmtime_component_list_type_t *, wasmtime_component_valtype_t *out);
size_t wasmtime_component_record_type_field_count(const wasmtime_component_record_type_t *);
bool wasmtime_component_record_type_field_nth(const wasmtime_component_record_type_t *, size_t nth,
	const char **name, size_t *name_len, wasmtime_component_valtype_t *out);
size_t wasmtime_component_tuple_type_types_count(const wasmtime_component_tuple_type_t *);
bool wasmtime_component_tuple_type_types_nth(const wasmtime_component_tuple_type_t *, size_t nth, wasmtime_component_valtype_t *out);
size_t wasmtime_component_variant_type_case_count(const wasmtime_component_variant_type_t *);
bool wasmtime_component_variant_type_case_nth(const wasmtime_component_variant_type_t *, size_t nth,
	const char **name, size_t *name_len, bool *has_payload, wasmtime_component_valtype_t *payload);
size_t wasmtime_component_enum_type_names_count(const wasmtime_component_enum_type_t *);
bool wasmtime_component_enum_type_names_nth(const wasmtime_component_enum_type_t *, size_t nth, const char **name, size_t *name_len);
void wasmtime_component_option_type_ty(const wasmtime_component_option_type_t *, wasmtime_component_valtype_t *out);
bool wasmtime_component_result_type_ok(const wasmtime_component_result_type_t *, wasmtime_component_valtype_t *out);
bool wasmtime_component_result_type_err(const wasmtime_component_result_type_t *, wasmtime_component_valtype_t *out);
size_t wasmtime_component_flags_type_names_count(const wasmtime_component_flags_type_t *);
bool wasmtime_component_flags_type_names_nth(const wasmtime_component_flags_type_t *, size_t nth, const char **name, size_t *name_len);

// ---- instances and calls ----

typedef struct wasmtime_component_instance {
	uint64_t store_id;
	uint32_t private_index;
} wasmtime_component_instance_t;

typedef struct wasmtime_component_func {
	struct {
		uint64_t store_id;
		uint32_t private1;
	} id; // a nested struct, as in the real header: it pads to 16 bytes
	uint32_t private2;
} wasmtime_component_func_t;

wasmtime_component_linker_t *wasmtime_component_linker_new(const wasm_engine_t *);
wasmtime_error_t *wasmtime_component_linker_add_wasip2(wasmtime_component_linker_t *);
wasmtime_error_t *wasmtime_component_linker_instantiate(const wasmtime_component_linker_t *, wasmtime_context_t *,
	const wasmtime_component_t *, wasmtime_component_instance_t *out);
void wasmtime_component_linker_delete(wasmtime_component_linker_t *);

bool wasmtime_component_instance_get_func(const wasmtime_component_instance_t *, wasmtime_context_t *,
	const wasmtime_component_export_index_t *, wasmtime_component_func_t *out);
wasmtime_component_func_type_t *wasmtime_component_func_type(const wasmtime_component_func_t *, wasmtime_context_t *);

// ---- values ----

struct wasmtime_component_val;
struct wasmtime_component_valrecord_entry;

typedef struct { size_t size; struct wasmtime_component_val *data; } wasmtime_component_vallist_t;
typedef struct { size_t size; struct wasmtime_component_valrecord_entry *data; } wasmtime_component_valrecord_t;
typedef struct { size_t size; wasm_name_t *data; } wasmtime_component_valflags_t;

void wasmtime_component_vallist_new_uninit(wasmtime_component_vallist_t *out, size_t size);
void wasmtime_component_valrecord_new_uninit(wasmtime_component_valrecord_t *out, size_t size);
void wasmtime_component_valtuple_new_uninit(wasmtime_component_vallist_t *out, size_t size);
void wasmtime_component_valflags_new_uninit(wasmtime_component_valflags_t *out, size_t size);

// Value kinds (WV_*), in the C API's order.
enum {
	WV_BOOL, WV_S8, WV_U8, WV_S16, WV_U16, WV_S32, WV_U32, WV_S64, WV_U64,
	WV_F32, WV_F64, WV_CHAR, WV_STRING, WV_LIST, WV_RECORD, WV_TUPLE,
	WV_VARIANT, WV_ENUM, WV_OPTION, WV_RESULT, WV_FLAGS, WV_RESOURCE,
};

typedef struct wasmtime_component_val {
	uint8_t kind;
	union {
		bool b;
		int8_t s8;
		uint8_t u8;
		int16_t s16;
		uint16_t u16;
		int32_t s32;
		uint32_t u32;
		int64_t s64;
		uint64_t u64;
		float f32;
		double f64;
		wasm_name_t name; // string, enum
		wasmtime_component_vallist_t list; // list, tuple
		wasmtime_component_valrecord_t record;
		wasmtime_component_valflags_t flags;
		struct { wasm_name_t name; struct wasmtime_component_val *val; } variant;
		struct wasmtime_component_val *option;
		struct { bool is_ok; struct wasmtime_component_val *val; } result;
		struct wasmtime_component_resource_any *resource;
	} of;
} wasmtime_component_val_t;

typedef struct wasmtime_component_valrecord_entry {
	wasm_name_t name;
	wasmtime_component_val_t val;
} wasmtime_component_valrecord_entry_t;

wasmtime_component_val_t *wasmtime_component_val_new(wasmtime_component_val_t *take);
void wasmtime_component_val_delete(wasmtime_component_val_t *);

wasmtime_error_t *wasmtime_component_func_call(const wasmtime_component_func_t *, wasmtime_context_t *,
	const wasmtime_component_val_t *args, size_t nargs, wasmtime_component_val_t *results, size_t nresults);
wasmtime_error_t *wasmtime_component_func_post_return(const wasmtime_component_func_t *, wasmtime_context_t *);

// ---- resources ----

typedef struct wasmtime_component_resource_any wasmtime_component_resource_any_t;

wasmtime_component_resource_any_t *wasmtime_component_resource_any_clone(const wasmtime_component_resource_any_t *);
bool wasmtime_component_resource_any_owned(const wasmtime_component_resource_any_t *);
wasmtime_error_t *wasmtime_component_resource_any_drop(wasmtime_context_t *, const wasmtime_component_resource_any_t *);
void wasmtime_component_resource_any_delete(wasmtime_component_resource_any_t *);
