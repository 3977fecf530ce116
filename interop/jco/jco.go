// Package jco runs WebAssembly components with jco (JavaScript Component
// Tools) on node: Call transpiles a component with jco and calls one export
// through the embedded script jco-call.mjs; Run runs a command with
// `jco run`. Values cross to node as JSON in the form docs/interop.md
// describes, guided by the function's type, and come back in the Go
// representation of value.Value.
//
// jco and @bytecodealliance/preview2-shim come from node_modules found as
// $WASIFILL_JCO_MODULES, or .tools/node_modules in the working directory or
// any parent of it (scripts/install-tools.sh installs them there). node must
// be on PATH. CallBatch makes many calls in one node process. Resources are
// handles into a per-batch table; async types are not supported.
package jco

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/value"
)

//go:embed jco-call.mjs
var callScript []byte

// Trap is a call that failed in the guest: a WebAssembly trap or an error
// thrown by jco's generated bindings. Message is the JavaScript error.
type Trap struct{ Message string }

func (e *Trap) Error() string { return "jco: trap: " + e.Message }

// Available reports why jco cannot be used, or nil when it can.
func Available() error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("jco: node not found on PATH: %w", err)
	}
	_, err := modulesDir()
	return err
}

// modulesDir finds the node_modules holding jco and preview2-shim.
func modulesDir() (string, error) {
	has := func(dir string) bool {
		for _, p := range []string{"@bytecodealliance/jco/package.json", "@bytecodealliance/preview2-shim/package.json"} {
			if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("WASIFILL_JCO_MODULES"); d != "" {
		if !has(d) {
			return "", fmt.Errorf("jco: WASIFILL_JCO_MODULES=%s lacks @bytecodealliance/jco or preview2-shim", d)
		}
		return filepath.Abs(d)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		d := filepath.Join(dir, ".tools", "node_modules")
		if has(d) {
			return d, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("jco: no .tools/node_modules with @bytecodealliance/jco and preview2-shim in this directory or a parent, and WASIFILL_JCO_MODULES unset")
		}
		dir = parent
	}
}

// Call transpiles component with jco, instantiates it on node with WASI 0.2
// from preview2-shim, and calls export ("ns:pkg/iface@ver#func" or a
// world-level "func") with args. fn is the function's type (for instance
// from wasmtime.FuncType or witparse); it drives the value conversion.
func Call(ctx context.Context, component []byte, export string, fn *interop.Func, args []value.Value) ([]value.Value, error) {
	resps, err := CallBatch(ctx, component, []Request{{Export: export, Func: fn, Args: args}})
	if err != nil {
		return nil, err
	}
	return resps[0].Results, resps[0].Err
}

// Request is one call of a batch.
type Request struct {
	// Export is the function: "ns:pkg/iface@ver#func" or a world-level
	// "func". Resource functions are named as in the component:
	// "[constructor]R", "[method]R.m" (the handle first), "[static]R.f";
	// "[resource-drop]R" with one own<R> argument drops a handle (jco
	// disposes of the object, which runs the guest's destructor).
	Export string
	// Func is the function's type; nil for a [resource-drop].
	Func *interop.Func
	Args []value.Value
	// Fresh gives this call a new instance of the component, which the
	// calls after it use too. The first call always gets one. A trap
	// leaves an instance unusable, so a call after a trap wants Fresh.
	Fresh bool
}

// Response is what one call of a batch gave: its results (none, or one
// value), or Err (a *Trap for a guest trap).
type Response struct {
	Results []value.Value
	Err     error
}

// CallBatch transpiles component once, then makes the calls in order in one
// node process, on one instance unless a Request asks for a fresh one, so
// state (and resource handles) carry from call to call. A resource handle
// is a value.Handle: an index into the batch's table of the objects jco
// returned, valid for the rest of the batch. err is for failures of the
// whole batch (node, jco, a cancelled ctx); each call's own outcome is in
// its Response.
func CallBatch(ctx context.Context, component []byte, reqs []Request) ([]Response, error) {
	calls := make([]any, len(reqs))
	for k, r := range reqs {
		c, err := callJSON(r)
		if err != nil {
			return nil, err
		}
		calls[k] = c
	}
	modules, err := modulesDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "wasifill-jco-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	req := map[string]any{
		"modules":   modules,
		"component": filepath.Join(dir, "component.wasm"),
		"workDir":   filepath.Join(dir, "out"),
		"out":       filepath.Join(dir, "response.json"),
		"calls":     emptyIfNil(calls),
	}
	reqJSON, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	for name, data := range map[string][]byte{"component.wasm": component, "request.json": reqJSON, "jco-call.mjs": callScript} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, err
		}
	}
	what := "batch"
	if len(reqs) == 1 {
		what = reqs[0].Export
	}
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "jco-call.mjs"), filepath.Join(dir, "request.json"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	respJSON, err := os.ReadFile(filepath.Join(dir, "response.json"))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("jco: %s: %w", what, ctx.Err())
		}
		return nil, fmt.Errorf("jco: node gave no response (%v): %s", runErr, out.Bytes())
	}
	var resp struct {
		Responses []json.RawMessage `json:"responses"`
		Error     *string           `json:"error"`
	}
	if err := json.Unmarshal(respJSON, &resp); err != nil {
		return nil, fmt.Errorf("jco: bad response %q: %w", respJSON, err)
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("jco: %s", *resp.Error)
	}
	if len(resp.Responses) != len(reqs) {
		return nil, fmt.Errorf("jco: %d responses to %d calls", len(resp.Responses), len(reqs))
	}
	out2 := make([]Response, len(reqs))
	for k, r := range reqs {
		out2[k] = response(r, resp.Responses[k])
	}
	return out2, nil
}

// callJSON is the script's form of one call.
func callJSON(r Request) (map[string]any, error) {
	if _, _, err := interop.SplitExport(r.Export); err != nil {
		return nil, err
	}
	fn := r.Func
	if fn == nil {
		_, name, _ := interop.SplitExport(r.Export)
		resource, ok := strings.CutPrefix(name, "[resource-drop]")
		if !ok {
			return nil, fmt.Errorf("jco: %s: no function type", r.Export)
		}
		fn = &interop.Func{Params: []interop.Param{{Name: "self", Type: value.OwnOf(resource)}}}
	}
	if len(r.Args) != len(fn.Params) {
		return nil, fmt.Errorf("jco: %s takes %d arguments, got %d", r.Export, len(fn.Params), len(r.Args))
	}
	var params, jargs []any
	for i, p := range fn.Params {
		params = append(params, typeJSON(p.Type))
		j, err := toJSON(p.Type, r.Args[i])
		if err != nil {
			return nil, fmt.Errorf("jco: %s argument %s: %w", r.Export, p.Name, err)
		}
		jargs = append(jargs, j)
	}
	c := map[string]any{"export": r.Export, "params": emptyIfNil(params), "args": emptyIfNil(jargs), "fresh": r.Fresh}
	if fn.Result != nil {
		c["result"] = typeJSON(fn.Result)
	}
	return c, nil
}

// response decodes the script's response to one call.
func response(r Request, raw json.RawMessage) Response {
	var resp struct {
		Result json.RawMessage `json:"result"`
		Trap   *string         `json:"trap"`
		Error  *string         `json:"error"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return Response{Err: fmt.Errorf("jco: bad response %q: %w", raw, err)}
	}
	switch {
	case resp.Error != nil:
		return Response{Err: fmt.Errorf("jco: %s", *resp.Error)}
	case resp.Trap != nil:
		return Response{Err: &Trap{Message: *resp.Trap}}
	case r.Func == nil || r.Func.Result == nil:
		return Response{}
	}
	var j any
	dec := json.NewDecoder(bytes.NewReader(resp.Result))
	dec.UseNumber()
	if err := dec.Decode(&j); err != nil {
		return Response{Err: fmt.Errorf("jco: bad result %q: %w", resp.Result, err)}
	}
	v, err := fromJSON(r.Func.Result, j)
	if err != nil {
		return Response{Err: fmt.Errorf("jco: %s result %s: %w", r.Export, resp.Result, err)}
	}
	return Response{Results: []value.Value{v}}
}

func emptyIfNil(xs []any) []any {
	if xs == nil {
		return []any{}
	}
	return xs
}

// Run runs a command component with `jco run`, args being the command line
// after the program name, and returns what it wrote and its exit code. A
// run that returns err exits with 1, and jco then also prints the error to
// stderr. err is for failures to start node at all.
func Run(ctx context.Context, component []byte, args []string) (stdout, stderr []byte, exitCode int, err error) {
	modules, err := modulesDir()
	if err != nil {
		return nil, nil, 0, err
	}
	dir, err := os.MkdirTemp("", "wasifill-jco-run-")
	if err != nil {
		return nil, nil, 0, err
	}
	defer os.RemoveAll(dir)
	wasm := filepath.Join(dir, "command.wasm")
	if err := os.WriteFile(wasm, component, 0o644); err != nil {
		return nil, nil, 0, err
	}
	if len(args) > 0 {
		args = args[1:] // jco run supplies the program name itself
	}
	cmdArgs := append([]string{filepath.Join(modules, "@bytecodealliance/jco/dist/jco.js"), "run", "--jco-dir", filepath.Join(dir, "out"), wasm}, args...)
	cmd := exec.CommandContext(ctx, "node", cmdArgs...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	runErr := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(runErr, &exit) && ctx.Err() == nil:
		return o.Bytes(), e.Bytes(), exit.ExitCode(), nil
	case runErr != nil:
		return o.Bytes(), e.Bytes(), 0, fmt.Errorf("jco run: %w", runErr)
	}
	return o.Bytes(), e.Bytes(), 0, nil
}

// typeJSON describes t for the script.
func typeJSON(t *value.Type) map[string]any {
	if t == nil {
		return nil
	}
	m := map[string]any{"kind": t.Kind.String()}
	switch t.Kind {
	case value.KindList, value.KindOption:
		m["elem"] = typeJSON(t.Elem)
	case value.KindTuple:
		var es []any
		for _, e := range t.Elems {
			es = append(es, typeJSON(e))
		}
		m["elems"] = emptyIfNil(es)
	case value.KindRecord:
		var fs []any
		for _, f := range t.Fields {
			fs = append(fs, map[string]any{"name": f.Name, "type": typeJSON(f.Type)})
		}
		m["fields"] = emptyIfNil(fs)
	case value.KindVariant:
		var cs []any
		for _, c := range t.Cases {
			cm := map[string]any{"name": c.Name}
			if c.Type != nil {
				cm["type"] = typeJSON(c.Type)
			}
			cs = append(cs, cm)
		}
		m["cases"] = emptyIfNil(cs)
	case value.KindEnum, value.KindFlags:
		m["labels"] = t.Labels
	case value.KindResult:
		if t.Ok != nil {
			m["ok"] = typeJSON(t.Ok)
		}
		if t.Err != nil {
			m["err"] = typeJSON(t.Err)
		}
	}
	return m
}

func typeErr(t *value.Type, v value.Value) error { return &value.TypeError{Type: t, Got: v} }

func floatJSON(f float64) any {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0 && math.Signbit(f):
		return "-0"
	}
	return f
}

// toJSON converts v, of type t, to the JSON form in docs/interop.md.
func toJSON(t *value.Type, v value.Value) (any, error) {
	switch t.Kind {
	case value.KindBool:
		if x, ok := v.(bool); ok {
			return x, nil
		}
	case value.KindS8, value.KindU8, value.KindS16, value.KindU16, value.KindS32, value.KindU32:
		switch x := v.(type) {
		case int8:
			return int64(x), check(t, value.KindS8, v)
		case uint8:
			return uint64(x), check(t, value.KindU8, v)
		case int16:
			return int64(x), check(t, value.KindS16, v)
		case uint16:
			return uint64(x), check(t, value.KindU16, v)
		case int32:
			return int64(x), check(t, value.KindS32, v)
		case uint32:
			return uint64(x), check(t, value.KindU32, v)
		}
	case value.KindS64:
		if x, ok := v.(int64); ok {
			return strconv.FormatInt(x, 10), nil
		}
	case value.KindU64:
		if x, ok := v.(uint64); ok {
			return strconv.FormatUint(x, 10), nil
		}
	case value.KindF32:
		if x, ok := v.(float32); ok {
			return floatJSON(float64(x)), nil
		}
	case value.KindF64:
		if x, ok := v.(float64); ok {
			return floatJSON(x), nil
		}
	case value.KindChar:
		if x, ok := v.(rune); ok && value.ValidChar(x) {
			return string(x), nil
		}
	case value.KindString:
		if x, ok := v.(string); ok {
			return x, nil
		}
	case value.KindList:
		if b, ok := v.([]byte); ok && t.Elem.Kind == value.KindU8 {
			out := make([]any, len(b))
			for i, x := range b {
				out[i] = x
			}
			return out, nil
		}
		if xs, ok := v.([]value.Value); ok {
			return slice(xs, func(int) *value.Type { return t.Elem })
		}
	case value.KindTuple:
		if xs, ok := v.([]value.Value); ok && len(xs) == len(t.Elems) {
			return slice(xs, func(i int) *value.Type { return t.Elems[i] })
		}
	case value.KindRecord:
		if xs, ok := v.([]value.Value); ok && len(xs) == len(t.Fields) {
			return slice(xs, func(i int) *value.Type { return t.Fields[i].Type })
		}
	case value.KindVariant:
		if x, ok := v.(value.Variant); ok && int(x.Case) < len(t.Cases) {
			m := map[string]any{"case": x.Case}
			if pt := t.Cases[x.Case].Type; pt != nil {
				p, err := toJSON(pt, x.Payload)
				if err != nil {
					return nil, err
				}
				m["val"] = p
			}
			return m, nil
		}
	case value.KindEnum:
		if x, ok := v.(value.Enum); ok && int(x) < len(t.Labels) {
			return uint32(x), nil
		}
	case value.KindFlags:
		if x, ok := v.(value.Flags); ok && len(x) == len(t.Labels) {
			return []bool(x), nil
		}
	case value.KindOption:
		if x, ok := v.(value.Option); ok {
			if !x.Some {
				return nil, nil
			}
			p, err := toJSON(t.Elem, x.Value)
			if err != nil {
				return nil, err
			}
			return map[string]any{"some": p}, nil
		}
	case value.KindResult:
		if x, ok := v.(value.Result); ok {
			key, pt := "ok", t.Ok
			if x.IsErr {
				key, pt = "err", t.Err
			}
			var p any
			if pt != nil {
				var err error
				if p, err = toJSON(pt, x.Value); err != nil {
					return nil, err
				}
			}
			return map[string]any{key: p}, nil
		}
	case value.KindOwn, value.KindBorrow:
		if x, ok := v.(value.Handle); ok {
			return uint32(x), nil
		}
	default:
		return nil, fmt.Errorf("type %s is not supported", t)
	}
	return nil, typeErr(t, v)
}

func check(t *value.Type, k value.Kind, v value.Value) error {
	if t.Kind != k {
		return typeErr(t, v)
	}
	return nil
}

func slice(xs []value.Value, elem func(int) *value.Type) (any, error) {
	out := make([]any, len(xs))
	for i, x := range xs {
		j, err := toJSON(elem(i), x)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = j
	}
	return out, nil
}

// fromJSON converts the script's JSON form (decoded with UseNumber) back.
func fromJSON(t *value.Type, j any) (value.Value, error) {
	bad := func() error { return fmt.Errorf("JSON %v is no %s", j, t) }
	num := func(bits int, signed bool) (int64, uint64, error) {
		var s string
		switch x := j.(type) {
		case json.Number:
			s = string(x)
		case string:
			s = x
		default:
			return 0, 0, bad()
		}
		if signed {
			n, err := strconv.ParseInt(s, 10, bits)
			return n, 0, err
		}
		n, err := strconv.ParseUint(s, 10, bits)
		return 0, n, err
	}
	float := func(bits int) (float64, error) {
		switch x := j.(type) {
		case json.Number:
			return strconv.ParseFloat(string(x), bits)
		case string:
			switch x {
			case "nan":
				return math.NaN(), nil
			case "inf":
				return math.Inf(1), nil
			case "-inf":
				return math.Inf(-1), nil
			case "-0":
				return math.Copysign(0, -1), nil
			}
		}
		return 0, bad()
	}
	switch t.Kind {
	case value.KindBool:
		if b, ok := j.(bool); ok {
			return b, nil
		}
		return nil, bad()
	case value.KindS8:
		n, _, err := num(8, true)
		return int8(n), err
	case value.KindS16:
		n, _, err := num(16, true)
		return int16(n), err
	case value.KindS32:
		n, _, err := num(32, true)
		return int32(n), err
	case value.KindS64:
		n, _, err := num(64, true)
		return n, err
	case value.KindU8:
		_, n, err := num(8, false)
		return uint8(n), err
	case value.KindU16:
		_, n, err := num(16, false)
		return uint16(n), err
	case value.KindU32:
		_, n, err := num(32, false)
		return uint32(n), err
	case value.KindU64:
		_, n, err := num(64, false)
		return n, err
	case value.KindF32:
		f, err := float(32)
		if math.IsNaN(f) {
			return value.CanonicalNaN32, err
		}
		return float32(f), err
	case value.KindF64:
		f, err := float(64)
		if math.IsNaN(f) {
			return value.CanonicalNaN64, err
		}
		return f, err
	case value.KindChar:
		s, ok := j.(string)
		rs := []rune(s)
		if !ok || len(rs) != 1 {
			return nil, bad()
		}
		return rs[0], nil
	case value.KindString:
		if s, ok := j.(string); ok {
			return s, nil
		}
		return nil, bad()
	case value.KindList, value.KindTuple, value.KindRecord:
		xs, ok := j.([]any)
		if !ok {
			return nil, bad()
		}
		if t.Kind == value.KindList && t.Elem.Kind == value.KindU8 {
			b := make([]byte, len(xs))
			for i, x := range xs {
				v, err := fromJSON(value.U8, x)
				if err != nil {
					return nil, err
				}
				b[i] = v.(uint8)
			}
			return b, nil
		}
		var elem func(int) *value.Type
		switch t.Kind {
		case value.KindList:
			elem = func(int) *value.Type { return t.Elem }
		case value.KindTuple:
			if len(xs) != len(t.Elems) {
				return nil, bad()
			}
			elem = func(i int) *value.Type { return t.Elems[i] }
		default:
			if len(xs) != len(t.Fields) {
				return nil, bad()
			}
			elem = func(i int) *value.Type { return t.Fields[i].Type }
		}
		out := make([]value.Value, len(xs))
		for i, x := range xs {
			v, err := fromJSON(elem(i), x)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case value.KindVariant:
		m, ok := j.(map[string]any)
		if !ok {
			return nil, bad()
		}
		n, _ := m["case"].(json.Number)
		c, err := strconv.ParseUint(string(n), 10, 32)
		if err != nil || int(c) >= len(t.Cases) {
			return nil, bad()
		}
		out := value.Variant{Case: uint32(c)}
		if pt := t.Cases[c].Type; pt != nil {
			if out.Payload, err = fromJSON(pt, m["val"]); err != nil {
				return nil, err
			}
		}
		return out, nil
	case value.KindEnum:
		_, n, err := num(32, false)
		if err != nil || int(n) >= len(t.Labels) {
			return nil, bad()
		}
		return value.Enum(n), nil
	case value.KindFlags:
		xs, ok := j.([]any)
		if !ok || len(xs) != len(t.Labels) {
			return nil, bad()
		}
		out := make(value.Flags, len(xs))
		for i, x := range xs {
			if out[i], ok = x.(bool); !ok {
				return nil, bad()
			}
		}
		return out, nil
	case value.KindOption:
		if j == nil {
			return value.None, nil
		}
		m, ok := j.(map[string]any)
		if !ok {
			return nil, bad()
		}
		v, err := fromJSON(t.Elem, m["some"])
		if err != nil {
			return nil, err
		}
		return value.Some(v), nil
	case value.KindResult:
		m, ok := j.(map[string]any)
		if !ok {
			return nil, bad()
		}
		out := value.Result{}
		p, isOK := m["ok"]
		pt := t.Ok
		if !isOK {
			if p, ok = m["err"]; !ok {
				return nil, bad()
			}
			out.IsErr, pt = true, t.Err
		}
		if pt != nil {
			v, err := fromJSON(pt, p)
			if err != nil {
				return nil, err
			}
			out.Value = v
		}
		return out, nil
	case value.KindOwn, value.KindBorrow:
		_, n, err := num(32, false)
		if err != nil {
			return nil, bad()
		}
		return value.Handle(n), nil
	}
	return nil, fmt.Errorf("type %s is not supported", t)
}
