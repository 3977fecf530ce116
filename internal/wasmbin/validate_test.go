package wasmbin_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/hostile"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// TestValidateHostile: every hand-made hostile module is refused with a
// *DecodeError naming the fault, before anything allocates by its counts.
func TestValidateHostile(t *testing.T) {
	for _, c := range hostile.Modules() {
		t.Run(c.Name, func(t *testing.T) {
			bin, err := wasmbin.Decode(c.Wasm)
			if err == nil {
				err = wasmbin.Validate(bin)
			}
			var de *wasmbin.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a *wasmbin.DecodeError, got %v", err)
			}
			if !strings.Contains(err.Error(), c.Want) {
				t.Fatalf("error %q does not say %q", err, c.Want)
			}
			if de.Offset < 0 || de.Offset > len(c.Wasm) {
				t.Fatalf("offset %d outside the %d-byte module", de.Offset, len(c.Wasm))
			}
		})
	}
}

// TestValidateAccepts: the modules the toolchains produce (every committed
// guest, core or component) and those the builder writes pass.
func TestValidateAccepts(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/guests/out/*.wasm")
	more, _ := filepath.Glob("testdata/*.wasm")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no guest binaries found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bin, err := wasmbin.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := wasmbin.Validate(bin); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	m := &wasmbin.ModuleBuilder{}
	ft := wasmbin.CoreFuncType{Params: []byte{0x7f}, Results: []byte{0x7f}}
	imp := m.ImportFunc("env", "f", ft)
	m.DefineTable(2)
	g := m.DefineGlobal(7)
	body := (&wasmbin.Code{}).LocalGet(0).Call(imp).GlobalGet(g).Op(0x6a).LocalSet(1).LocalGet(1).
		I32Const(0).CallIndirect(0).Bytes()
	f := m.DefineFunc(ft, 1, body)
	m.Elements([]uint32{imp, f})
	m.Export("f", wasmbin.ExternFunc, f)
	bin, err := wasmbin.Decode(m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if err := wasmbin.Validate(bin); err != nil {
		t.Fatalf("builder module: %v", err)
	}
}

// TestValidateLimits: limits are the caller's to choose.
func TestValidateLimits(t *testing.T) {
	m := hostile.Module(hostile.Sec(5, []byte{1, 0, 100}))
	bin, err := wasmbin.Decode(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := wasmbin.Validate(bin); err != nil {
		t.Fatalf("100 pages under the default limit: %v", err)
	}
	lim := wasmbin.DefaultCoreLimits
	lim.MaxMemoryPages = 99
	if err := wasmbin.ValidateWith(bin, lim); err == nil || !strings.Contains(err.Error(), "at most 99") {
		t.Fatalf("100 pages over a 99-page limit: %v", err)
	}
}

// FuzzValidate: validating whatever decodes never panics, and every
// refusal is a *DecodeError with an offset inside the input.
func FuzzValidate(f *testing.F) {
	for _, c := range hostile.Modules() {
		f.Add(c.Wasm)
	}
	files, _ := filepath.Glob("../../testdata/guests/out/*.wasm")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		bin, err := wasmbin.Decode(in)
		if err != nil {
			return
		}
		err = wasmbin.Validate(bin)
		var de *wasmbin.DecodeError
		if err != nil && (!errors.As(err, &de) || de.Offset < 0 || de.Offset > len(in)) {
			t.Fatalf("error %T %v", err, err)
		}
	})
}

// BenchmarkValidateGoModule validates the 2.7 MB Go guest (go build,
// GOOS=wasip1).
func BenchmarkValidateGoModule(b *testing.B) {
	in, err := os.ReadFile("../../testdata/guests/out/go-command.core.wasm")
	if err != nil {
		b.Fatal(err)
	}
	bin, err := wasmbin.Decode(in)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if err := wasmbin.Validate(bin); err != nil {
			b.Fatal(err)
		}
	}
}
