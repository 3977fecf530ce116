package runtime

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"testing"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// A module whose data segments the runtime applies itself: the prepared
// module has no data section left, and after initCore its memory is the
// memory wazero gives the original module (segments applied before the
// start function ran).
func TestHostSegments(t *testing.T) {
	ctx := context.Background()
	wasm, wz, cfg := bareWazero(t, "testdata/segments.wasm")
	orig, err := wz.InstantiateWithConfig(ctx, wasm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := orig.ExportedMemory("mem").Read(0, orig.ExportedMemory("mem").Size())
	if want[100] != 'h' || string(want[65530:]) != "edge!!" {
		t.Fatalf("the original's memory: [100]=%q, tail %q", want[100], want[65530:])
	}

	prepared, layout, err := prepareSnapshot(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if layout.data || !layout.start || !layout.memory || len(layout.segments) != 3 {
		t.Fatalf("layout = %+v", layout)
	}
	bin, err := wasmbin.Decode(prepared)
	if err != nil {
		t.Fatal(err)
	}
	if section(bin, secData) != nil || len(bin.CustomSections(snapSegmentsName)) != 1 {
		t.Fatal("the prepared module still has its data section, or lacks the moved one")
	}
	cm, err := wz.CompileModule(ctx, prepared)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := wz.InstantiateModule(ctx, cm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := mod.ExportedMemory("mem").Read(16, 5); !bytes.Equal(b, make([]byte, 5)) {
		t.Errorf("memory at instantiation holds %q: wazero applied the segments", b)
	}
	s := &state{name: "test"}
	if err := s.initCore(ctx, layout, nil, mod); err != nil {
		t.Fatal(err)
	}
	got, _ := mod.ExportedMemory("mem").Read(0, mod.ExportedMemory("mem").Size())
	if !bytes.Equal(got, want) {
		t.Error("memory after initCore differs from the original module's")
	}

	// The layout read back from a prepared cache entry has the segments.
	var key [sha256.Size]byte
	_, back, err := decodePrepared(key, encodePrepared(key, prepared, layout), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.segments) != len(layout.segments) || string(back.segments[1].init) != "edge!!" || back.segments[1].offset != 65530 {
		t.Errorf("segments read back: %+v", back.segments)
	}
}

// A segment that does not fit fails the instantiation, as it does the
// original module's.
func TestHostSegmentsOutOfBounds(t *testing.T) {
	ctx := context.Background()
	wasm, wz, cfg := bareWazero(t, "testdata/segments-oob.wasm")
	if _, err := wz.InstantiateWithConfig(ctx, wasm, cfg); err == nil {
		t.Fatal("wazero instantiated the original module")
	}
	prepared, layout, err := prepareSnapshot(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if len(layout.segments) != 2 {
		t.Fatalf("layout = %+v", layout)
	}
	cm, err := wz.CompileModule(ctx, prepared)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := wz.InstantiateModule(ctx, cm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var trap *TrapError
	if err := (&state{name: "test"}).initCore(ctx, layout, nil, mod); !errors.As(err, &trap) {
		t.Fatalf("initCore = %v, want a *TrapError", err)
	}
}

// A data section the runtime cannot apply itself (malformed, a passive
// segment with a data count section, an offset that is not a constant)
// is an error or stays where it is.
func TestParseSegments(t *testing.T) {
	for _, c := range []struct {
		p  []byte
		ok bool
	}{
		{[]byte{1, 0, 0x41, 0x10, 0x0b, 1, 'x'}, true},
		{[]byte{1, 2, 0, 0x41, 0x10, 0x0b, 1, 'x'}, true},
		{[]byte{1, 1, 1, 'x'}, false},                      // passive
		{[]byte{1, 0, 0x23, 0, 0x0b, 1, 'x'}, false},       // global.get offset
		{[]byte{1, 2, 1, 0x41, 0x10, 0x0b, 1, 'x'}, false}, // memory 1
	} {
		segs, ok, err := parseSegments(c.p)
		if err != nil || ok != c.ok || (ok && (len(segs) != 1 || segs[0].offset != 16 || string(segs[0].init) != "x")) {
			t.Errorf("parseSegments(%x) = %+v, %v, %v", c.p, segs, ok, err)
		}
	}
	for _, p := range [][]byte{
		{1, 0, 0x41, 0x10, 0x0b, 5, 'x'},    // longer than the section
		{1, 0, 0x41, 0x80},                  // a bad offset
		{2, 0, 0x41, 0x10, 0x0b, 1, 'x'},    // a missing segment
		{1, 0, 0x41, 0x10, 0x0b, 1, 'x', 0}, // bytes after
		{0xff, 0xff, 0xff, 0xff, 0x0f},      // a bad count
	} {
		if _, _, err := parseSegments(p); err == nil {
			t.Errorf("parseSegments(%x) succeeded", p)
		}
	}
}

// FuzzPrepareSnapshot: instrumentation of any module is an error or a
// module, never a panic; when the runtime takes over the data segments,
// the moved section reads back as the same segments.
func FuzzPrepareSnapshot(f *testing.F) {
	for _, p := range []string{"testdata/segments.wasm", "testdata/segments-oob.wasm", "testdata/snapshot.wasm"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		out, layout, err := prepareSnapshot(b)
		if err != nil || layout.segments == nil {
			return
		}
		bin, err := wasmbin.Decode(out)
		if err != nil {
			t.Fatalf("the prepared module does not decode: %v", err)
		}
		back := &snapLayout{memory: layout.memory}
		if err := back.loadSegments(bin); err != nil || len(back.segments) != len(layout.segments) {
			t.Fatalf("segments read back: %d, %v; want %d", len(back.segments), err, len(layout.segments))
		}
	})
}
