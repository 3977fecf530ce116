package wat_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/witparse/internal/wasmpkg"
	"github.com/wasifill/wasifill/witparse/internal/wat"
)

// TestOracleAgreement: for each WIT package of testdata/oracle, wasm-tools
// writes the package as a component binary (`component wit --wasm`) and as
// text (`component wit --wat`, the binary printed). Parsing the text must
// give back the binary byte for byte, and so the same WIT.
func TestOracleAgreement(t *testing.T) {
	ctx := context.Background()
	dirs, _ := filepath.Glob(filepath.Join("testdata", "oracle", "*"))
	if len(dirs) == 0 {
		t.Fatal("no packages in testdata/oracle")
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		bin, err := oracle.Run(ctx, filepath.Dir(dir), "component", "wit", "--wasm", name)
		if err != nil {
			t.Fatalf("%s: oracle --wasm: %v", name, err)
		}
		text, err := oracle.Run(ctx, filepath.Dir(dir), "component", "wit", "--wat", name)
		if err != nil {
			t.Fatalf("%s: oracle --wat: %v", name, err)
		}
		c, err := wat.Parse(text)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, text)
		}
		if got := wasmbin.EncodeComponent(c); !bytes.Equal(got, bin) {
			i := 0
			for i < len(got) && i < len(bin) && got[i] == bin[i] {
				i++
			}
			t.Errorf("%s: parsed text encodes differently from wasm-tools' binary at byte %d (%d vs %d bytes)", name, i, len(got), len(bin))
		}
		fromText, err := wasmpkg.ComponentToWIT(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fromBin, err := wasmpkg.ToWIT(bin)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(fromText, fromBin) {
			t.Errorf("%s: WIT from text differs:\n%s\nfrom binary:\n%s", name, fromText, fromBin)
		}
	}
}

// handWritten is text as a person writes it: identifiers, inline types,
// references to enclosing scopes by name, escapes and comments. Each entry
// is compared with wasm-tools' own reading of it (the oracle's text parser
// is wast) through the WIT both give.
var handWritten = map[string]string{
	"kinds-of-deps style": `(component
  (type $d (component
    (export "d:d/d" (instance))
  ))
  (export "d" (type $d))
)`,
	"inline and outer": `;; a line comment
(component $root
  (type $iface (component
    (type $inst (instance
      (type $pt (record (field "x" s32) (field "y" (list (tuple u8 string)))))
      (export $p "pt" (type (eq $pt)))
      (export $r "r" (type (sub resource)))
      (export "[constructor]r" (func (param "v" (option $p)) (result (own $r))))
      (export "[method]r.get" (func (param "self" (borrow $r)) (result (result $p (error string)))))
      (export "f" (func (param "a" (list $p)) (param "b" (option u32))))
      (type $e (enum "a" "b"))
      (export "e" (type (eq $e)))
      (export "e2" (type (eq $e)))
    ))
    (export "x:y/i@1.0.0" (instance (type $inst)))
  ))
  (; a (; nested ;) block comment ;)
  (export "i" (type $iface))
  (type $w (component
    (import "x:y/i@1.0.0" (instance $i
      (export "r" (type (sub resource)))
    ))
    (alias export $i "r" (type $pt))
    (export "x:y/w@1.0.0" (component
      (import "x:y/i@1.0.0" (instance $i2 (export "r" (type (sub resource)))))
      (alias export $i2 "r" (type $pt2))
      (import "go" (func (param "p" (borrow $pt2))))
      (export "flags\u{2d}and-more" (instance (type $fl (flags "read" "write"))
        (export "fl" (type (eq $fl)))))
    ))
  ))
  (export "w" (type $w))
  (@custom "package-docs" "\00{}")
  (@producers (processed-by "hand" "1"))
)`,
}

func TestHandWritten(t *testing.T) {
	ctx := context.Background()
	for name, src := range handWritten {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "p.wat"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := wat.Parse([]byte(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		ours, err := wasmpkg.ComponentToWIT(c)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// wasm-tools reads the text with wast and re-encodes the package.
		bin, err := oracle.Run(ctx, dir, "component", "wit", "--wasm", "p.wat")
		if err != nil {
			t.Errorf("%s: oracle: %v", name, err)
			continue
		}
		theirs, err := wasmpkg.ToWIT(bin)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(ours, theirs) {
			t.Errorf("%s: WIT differs from wasm-tools' reading:\n%s\nwasm-tools:\n%s", name, ours, theirs)
		}
	}
}

// TestSameAsNumbered: identifiers, inline types and outer references
// resolve to what the numbered form, written out by hand as wast's
// expansion and resolution define it, encodes to.
func TestSameAsNumbered(t *testing.T) {
	named := `(component $c
  (type $u u32)
  (type $t (instance
    (export "a" (func (param "x" (list $u)) (result (tuple $u string))))
    (export "b" (type (eq $u)))
  ))
  (export "t" (type $t))
  (type (export "again") (option $u))
)`
	numbered := `(component
  (type (;0;) u32)
  (type (;1;) (instance
    (alias outer 1 0 (type (;0;)))
    (type (;1;) (list 0))
    (type (;2;) (tuple 0 string))
    (type (;3;) (func (param "x" 1) (result 2)))
    (export (;0;) "a" (func (type 3)))
    (export (;4;) "b" (type (eq 0)))
  ))
  (export (;2;) "t" (type 1))
  (type (;3;) (option 0))
  (export (;4;) "again" (type 3))
)`
	a, err := wat.Parse([]byte(named))
	if err != nil {
		t.Fatal(err)
	}
	b, err := wat.Parse([]byte(numbered))
	if err != nil {
		t.Fatal(err)
	}
	if x, y := wasmbin.EncodeComponent(a), wasmbin.EncodeComponent(b); !bytes.Equal(x, y) {
		t.Errorf("named form encodes as\n% x\nnumbered as\n% x", x, y)
	}
}

func TestStringsAndNames(t *testing.T) {
	c, err := wat.Parse([]byte(`(component
  (@custom "x\tz" "\00\ff" "\u{1F600}" "\"\'\\\n\r")
  (import (interface "a:b/c") (versionsuffix "1.0") (instance))
  (@name "ignored") (@unknown (nested "strings )"))
)`))
	if err != nil {
		t.Fatal(err)
	}
	cs := c.Defs[0].(*wasmbin.CustomDef)
	if cs.Name != "x\tz" || string(cs.Data) != "\x00\xff\U0001F600\"'\\\n\r" {
		t.Errorf("custom section %q %q", cs.Name, cs.Data)
	}
	// The inline instance type becomes type 0, then the import uses it.
	im := c.Defs[2].(*wasmbin.ImportDefs).Imports[0]
	if im.Name.Name != "a:b/c" || im.Name.Attr(wasmbin.AttrVersion) != "1.0" || im.Type.Index != 0 {
		t.Errorf("import %+v", im)
	}
}

// TestErrors: constructs outside the subset and malformed text are errors
// at their offset, naming what is wrong.
func TestErrors(t *testing.T) {
	for _, c := range []struct{ src, at, msg string }{
		{"(component (core module))", "(core", "a core definition is not supported"},
		{"(component\n  (canon lift))", "(canon", "a `canon` definition is not supported"},
		{"(component (type (instance (import \"x\" (func)))))", "(import", "an instance type cannot import"},
		{"(component (type (resource (rep i32))))", "resource", "a resource definition"},
		{"(component (import \"x\" (value string)))", "value", "a value import or export"},
		{"(component (type $a u8) (type $a u8))", "(type $a u8))", "duplicate type identifier `$a`"},
		{"(component (export \"x\" (type $nope)))", "$nope", "unknown type: failed to find name `$nope`"},
		{"(component (type (instance (alias outer $zz 0 (type)))))", "$zz", "outer component `$zz` not found"},
		{"(component (type (record (field \"a\" u32)", "", "expected `)`, found end of input"},
		{"(component (; open", "(;", "unterminated block comment"},
		{"(component (export \"\\q\" (type 0)))", "\\q", "invalid string escape"},
		{"(component (export \"\xff\" (type 0)))", "\"\xff", "malformed UTF-8"},
		{"(module)", "(module", "a core module is not a WIT package"},
		{"(component) (component)", "(component)", "expected end of input"},
		{"(component (type (func (param \"a\" u32 u32))))", "u32))))", "expected `)`"},
	} {
		_, err := wat.Parse([]byte(c.src))
		var we *wat.Error
		if !errors.As(err, &we) {
			t.Errorf("%q: err = %v, want a *wat.Error", c.src, err)
			continue
		}
		want := len(c.src)
		if c.at != "" {
			want = strings.LastIndex(c.src, c.at)
		}
		if we.Offset != want || !strings.Contains(we.Msg, c.msg) {
			t.Errorf("%q: error at %d %q, want at %d containing %q", c.src, we.Offset, we.Msg, want, c.msg)
		}
	}
}

func TestDepthBounded(t *testing.T) {
	src := "(component (type " + strings.Repeat("(list ", 200) + "u8" + strings.Repeat(")", 200) + "))"
	_, err := wat.Parse([]byte(src))
	var we *wat.Error
	if !errors.As(err, &we) || !strings.Contains(we.Msg, "nesting deeper") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParse: never a panic; what parses encodes to a component that
// decodes to the same encoding.
func FuzzParse(f *testing.F) {
	for _, s := range handWritten {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := wat.Parse(src)
		if err != nil {
			return
		}
		b := wasmbin.EncodeComponent(c)
		c2, err := wasmbin.DecodeComponent(b)
		if err != nil {
			t.Fatalf("parsed text encodes to an undecodable component: %v", err)
		}
		if !bytes.Equal(wasmbin.EncodeComponent(c2), b) {
			t.Fatal("encoding not stable")
		}
	})
}

func TestAsyncAndMap(t *testing.T) {
	c, err := wat.Parse([]byte(`(component
  (type (func async (param "a" u8) (result string)))
  (type (map string u32))
  (type (result (error u8)))
  (type (list u8 7))
)`))
	if err != nil {
		t.Fatal(err)
	}
	ts := c.Defs[0].(*wasmbin.TypeDefs).Types
	if len(ts) != 4 || ts[0].Kind != wasmbin.TypeAsyncFunc || len(ts[0].Params) != 1 || ts[0].Result == nil {
		t.Fatalf("func: %+v", ts)
	}
	if ts[1].Kind != wasmbin.TypeMap || ts[1].Elem.Prim != wasmbin.PrimString || ts[1].Value.Prim != wasmbin.PrimU32 {
		t.Errorf("map: %+v", ts[1])
	}
	if ts[2].Kind != wasmbin.TypeResult || ts[2].Ok != nil || ts[2].Err == nil || ts[2].Err.Prim != wasmbin.PrimU8 {
		t.Errorf("result: %+v", ts[2])
	}
	if ts[3].Kind != wasmbin.TypeFixedList || ts[3].Len != 7 {
		t.Errorf("fixed list: %+v", ts[3])
	}
}
