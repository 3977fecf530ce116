package runtime

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// preparedFixture returns testdata/snapshot.wasm and it decoded, a prepared-cache
// directory (not made yet) and a maker of runtimes that cache there,
// closed when the test ends.
func preparedFixture(t *testing.T) ([]byte, *wasmbin.Binary, string, func() *Runtime) {
	t.Helper()
	ctx := context.Background()
	wasm, err := os.ReadFile("testdata/snapshot.wasm")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := wasmbin.Decode(wasm)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "prepared")
	return wasm, bin, dir, func() *Runtime {
		r, err := New(ctx, WithPreparedCache(dir))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(ctx) })
		return r
	}
}

// TestPreparedCache: a second runtime takes a module's prepared form from
// the directory the first one wrote; a corrupted, truncated or
// inconsistent entry is ignored and rewritten.
func TestPreparedCache(t *testing.T) {
	_, bin, dir, newRT := preparedFixture(t)
	r := newRT()
	want, wantLayout, err := r.prepareNow(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !wantLayout.memory || !wantLayout.start || !wantLayout.data || len(wantLayout.globals) < 2 {
		t.Fatalf("snapshot.wasm's layout: %+v", wantLayout)
	}
	check := func(what string, r *Runtime) {
		t.Helper()
		got, l, err := r.prepare(bin)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !slices.Equal(got, want) || !reflect.DeepEqual(l, wantLayout) {
			t.Fatalf("%s: prepared form differs from preparing it now", what)
		}
	}
	check("miss", r)
	key := r.preparedKey(bin)
	entry := filepath.Join(dir, filepathKey(key))
	good, err := os.ReadFile(entry)
	if err != nil {
		t.Fatalf("no entry written: %v", err)
	}

	// A hit: an entry that differs from what preparing gives (one global
	// left out of the layout, still consistent) is what prepare returns.
	marked := *wantLayout
	marked.globals = marked.globals[:1]
	writeFile(t, entry, encodePrepared(key, want, &marked))
	if _, l, err := newRT().prepare(bin); err != nil || len(l.globals) != 1 {
		t.Fatalf("the cached entry was not used: %+v, %v", l, err)
	}

	bad := map[string][]byte{
		"a flipped byte": func() []byte { b := slices.Clone(good); b[len(b)/2] ^= 1; return b }(),
		"truncated":      good[:len(good)/2],
		"empty":          {},
		"another key":    encodePrepared([32]byte{1}, want, wantLayout),
		"layout naming a missing export": encodePrepared(key, want,
			&snapLayout{globals: []string{snapPrefix + "global-999"}, memory: true}),
		"not a module": encodePrepared(key, []byte("\x00asm\x01\x00\x00\x00\x01\xff"), &snapLayout{}),
	}
	for name, b := range bad {
		writeFile(t, entry, b)
		check(name, newRT())
		if again, _ := os.ReadFile(entry); !slices.Equal(again, good) {
			t.Fatalf("%s: the entry was not rewritten", name)
		}
	}
}

// TestPreparedCacheTrust: an entry whose checksum holds but whose module
// is not valid is used as it is when only the user can have written it
// (wazero then refuses it with a CompileError, never a crash), and is
// validated, refused and rewritten when others may write the file.
func TestPreparedCacheTrust(t *testing.T) {
	ctx := context.Background()
	wasm, bin, dir, newRT := preparedFixture(t)
	r := newRT()
	good, layout, err := r.prepare(bin) // writes the entry
	if err != nil {
		t.Fatal(err)
	}
	key := r.preparedKey(bin)
	entry := filepath.Join(dir, filepathKey(key))
	// A start section after the code section: decodes, exports intact,
	// invalid (sections out of order, function 127 out of range).
	invalid := append(slices.Clone(good), 8, 1, 127)
	if wasmbin.Validate(mustDecode(t, invalid)) == nil {
		t.Fatal("the doctored module is valid")
	}
	writeFile(t, entry, encodePrepared(key, invalid, layout))
	if !privateEntry(mustStat(t, entry), dir) {
		t.Fatalf("%s is not private to this user", entry)
	}
	got, _, err := newRT().prepare(bin)
	if err != nil || !slices.Equal(got, invalid) {
		t.Fatalf("a private entry was validated again (err %v)", err)
	}
	var ce *CompileError
	if _, err := newRT().CompileCore(ctx, wasm, nil, 0); !errors.As(err, &ce) {
		t.Fatalf("compiling from the invalid entry: %v, want a CompileError", err)
	}
	writeFile(t, entry, encodePrepared(key, invalid, layout))
	if err := os.Chmod(entry, 0o666); err != nil {
		t.Fatal(err)
	}
	if privateEntry(mustStat(t, entry), dir) {
		t.Fatal("a file others may write is private")
	}
	got, _, err = newRT().prepare(bin)
	if err != nil || !slices.Equal(got, good) {
		t.Fatalf("an entry others may write was used without validation (err %v)", err)
	}
	if again, _ := os.ReadFile(entry); !slices.Equal(again, encodePrepared(key, good, layout)) {
		t.Fatal("the refused entry was not rewritten")
	}
}

func mustDecode(t *testing.T, b []byte) *wasmbin.Binary {
	t.Helper()
	bin, err := wasmbin.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func filepathKey(k [32]byte) string { return hex.EncodeToString(k[:]) }

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTrimPrepared: the directory is kept under its bound by removing
// the oldest entries first.
func TestTrimPrepared(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Hour)
	for i, name := range []string{"a", "b", "c", "d"} {
		p := filepath.Join(dir, name)
		writeFile(t, p, make([]byte, 100))
		mt := base.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	trimPrepared(dir, 250)
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if !slices.Equal(left, []string{"c", "d"}) {
		t.Fatalf("left %v, want the two newest [c d]", left)
	}
}

// TestPreparedKeyBytes: the key hashes the bytes Encode gives, written
// section by section (a component's core modules and components, and a
// core module).
func TestPreparedKeyBytes(t *testing.T) {
	for _, path := range []string{"testdata/snapshot.wasm", "../docs/examples/kv/build/kv.wasm"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		bin, err := wasmbin.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		bins := []*wasmbin.Binary{bin}
		for _, s := range bin.Sections {
			if s.Nested != nil {
				bins = append(bins, s.Nested)
			}
		}
		for i, m := range bins {
			var got appendWriter
			writeEncoded(&got, m)
			if !slices.Equal(got, m.Encode()) {
				t.Errorf("%s, binary %d: the bytes written differ from Encode's", path, i)
			}
		}
	}
}

type appendWriter []byte

func (w *appendWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
