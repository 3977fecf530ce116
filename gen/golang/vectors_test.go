package golang_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/valuetest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
	"github.com/wasifill/wasifill/value/wire"
	"github.com/wasifill/wasifill/witparse"
)

// The generated codec passes the shared wire vectors byte for byte. Each
// vector's type becomes a function t<i>(x: T) -> T of an interface the
// generated export fill serves; its handle gets the vector's bytes as
// params. The fill's decoder makes Go values, the fill lowers them to the
// interface — implemented by the host, whose canonical ABI (not generated
// code) lifts them and compares them with the vector's value — and the
// fill encodes what comes back: it must be the vector's bytes again.
func TestFillCodecPassesWireVectors(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/wire/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []struct{ Type, Value, Hex string }
		Invalid []struct{ Type, Hex string }
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	// One function per distinct type; types WIT cannot name as a function
	// parameter are listed, not silently dropped.
	wit := witTypes{WIT: valuetest.WIT{Prefix: "d"}}
	fnOf := map[string]string{}
	var skipped []string
	types := make([]string, 0, len(file.Vectors)+len(file.Invalid))
	for _, v := range file.Vectors {
		types = append(types, v.Type)
	}
	for _, v := range file.Invalid {
		types = append(types, v.Type)
	}
	for _, typeText := range types {
		if _, ok := fnOf[typeText]; ok {
			continue
		}
		typ, err := value.ParseType(typeText)
		if err != nil {
			t.Fatalf("vector type %s: %v", typeText, err)
		}
		if why := notExpressible(typ); why != "" {
			skipped = append(skipped, why)
			fnOf[typeText] = ""
			continue
		}
		name := fmt.Sprintf("t%d", len(fnOf))
		fnOf[typeText] = name
		wit.funcs = append(wit.funcs, fmt.Sprintf("  %s: func(x: %s) -> %s;", name, wit.Expr(typ), wit.Expr(typ)))
	}
	if len(skipped) > 0 {
		t.Logf("%d vector types are not WIT parameter types, checked by value/wire only: %s", len(skipped), strings.Join(skipped, "; "))
	}
	if len(wit.funcs) < 20 {
		t.Fatalf("only %d vector types made it into the WIT", len(wit.funcs))
	}
	fill := buildVectorsFill(t, wit.String())

	ctx := context.Background()
	rt, _ := filltest.Runtime(t)
	var want value.Value
	var wantType *value.Type
	funcs := map[string]runtime.HostFunc{}
	for _, name := range fnOf {
		funcs[name] = func(_ context.Context, args []value.Value) ([]value.Value, error) {
			if wantType == nil {
				t.Errorf("an invalid vector reached the component as %v", args[0])
			} else if !value.Equal(wantType, args[0], want) {
				t.Errorf("the fill lowered %v, want %v", args[0], want)
			}
			return args, nil
		}
	}
	rt.DefineInstance("test:vectors/v", funcs)
	inst := filltest.Instantiate(ctx, t, rt, fill)
	checked := 0
	for _, v := range file.Vectors {
		fn := fnOf[v.Type]
		if fn == "" {
			continue
		}
		wantType, _ = value.ParseType(v.Type)
		if want, err = wave.Parse(wantType, v.Value); err != nil {
			t.Fatalf("vector %s %s: %v", v.Type, v.Value, err)
		}
		b, _ := hex.DecodeString(v.Hex)
		out, err := inst.Call(ctx, rpc.Handler+"#handle", "test:vectors/v", fn, b)
		if err != nil {
			t.Fatalf("%s %s: %v", v.Type, v.Value, err)
		}
		r := out[0].(value.Result)
		if r.IsErr {
			t.Errorf("%s %s: handle answered %v", v.Type, v.Value, r.Value)
			continue
		}
		if got := hex.EncodeToString(r.Value.([]byte)); got != v.Hex {
			t.Errorf("%s %s: the fill encoded %s, want %s", v.Type, v.Value, got, v.Hex)
		}
		checked++
	}
	t.Logf("%d vectors passed through the generated decoder and encoder", checked)

	// Every invalid vector is refused with rpc-error decode naming the
	// function, as value/wire refuses it; none reaches the component.
	refused := 0
	wantType = nil
	for _, v := range file.Invalid {
		fn := fnOf[v.Type]
		if fn == "" {
			continue
		}
		b, _ := hex.DecodeString(v.Hex)
		if _, err := wire.Decode(valuetest.MustType(t, v.Type), b); err == nil {
			t.Fatalf("invalid vector %s %s: value/wire accepts it", v.Type, v.Hex)
		}
		out, err := inst.Call(ctx, rpc.Handler+"#handle", "test:vectors/v", fn, b)
		if err != nil {
			t.Fatalf("invalid %s %s: %v", v.Type, v.Hex, err)
		}
		r := out[0].(value.Result)
		e, ok := r.Value.(value.Variant)
		prefix := "test:vectors/v#" + fn + ": params: "
		if !r.IsErr || !ok || e.Case != uint32(rpc.Decode) || !strings.HasPrefix(fmt.Sprint(e.Payload), prefix) {
			t.Errorf("invalid %s %s: handle answered %v (error %v), want rpc-error decode %q...", v.Type, v.Hex, r.Value, r.IsErr, prefix)
			continue
		}
		refused++
	}
	if refused < len(file.Invalid)/2 {
		t.Fatalf("only %d of %d invalid vectors were checked", refused, len(file.Invalid))
	}
	t.Logf("%d invalid vectors refused by the generated decoder", refused)
}

// notExpressible says why a vector type cannot be a WIT parameter ("" if
// it can): WIT flags have at most 32 labels.
func notExpressible(t *value.Type) string {
	if t.Kind == value.KindFlags && len(t.Labels) > 32 {
		return fmt.Sprintf("flags with %d labels (WIT allows 32)", len(t.Labels))
	}
	for _, e := range append(append([]*value.Type{t.Elem, t.Ok, t.Err}, t.Elems...), fieldTypes(t)...) {
		if e != nil {
			if why := notExpressible(e); why != "" {
				return why
			}
		}
	}
	return ""
}

func fieldTypes(t *value.Type) []*value.Type {
	var out []*value.Type
	for _, f := range t.Fields {
		out = append(out, f.Type)
	}
	for _, c := range t.Cases {
		out = append(out, c.Type)
	}
	return out
}

// witTypes writes value types as WIT: records, variants, enums and flags
// become named type definitions of the interface.
type witTypes struct {
	valuetest.WIT
	funcs []string
}

func (w *witTypes) String() string {
	return "package test:vectors;\n\ninterface v {\n" + strings.Join(w.Decls, "\n") + "\n" + strings.Join(w.funcs, "\n") +
		"\n}\n\nworld vectors { export v; }\n\nworld fill { import v; export wasifill:rpc/handler@0.1.0; }\n"
}

// buildVectorsFill generates the export fill of world vectors and builds
// it into a component importing test:vectors/v.
func buildVectorsFill(t *testing.T, witText string) []byte {
	t.Helper()
	wdir := t.TempDir()
	for name, text := range map[string]string{"v.wit": witText, "deps/rpc/rpc.wit": rpc.WIT} {
		os.MkdirAll(filepath.Dir(filepath.Join(wdir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(wdir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, pkg, err := witparse.Load(wdir, witparse.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, witText)
	}
	var world witparse.WorldID
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == "vectors" {
			world = w.ID
		}
	}
	files, err := golang.GenerateExportFill(r, world)
	if err != nil {
		t.Fatal(err)
	}
	core := filltest.BuildGo(t, files)
	comp, err := componentize.New(core, componentize.Options{World: testenv.World(t, wdir, "fill"),
		Adapters: map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")}})
	if err != nil {
		t.Fatal(err)
	}
	return comp
}
