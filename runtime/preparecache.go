package runtime

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// The prepared cache keeps, on disk, what compiling does to a core module
// before wazero sees it (validation, interruption checks, table caps, the
// snapshot instrumentation: prepare below), so a new process compiling the
// same module again skips that work and goes straight to wazero, whose own
// compilation cache then finds the machine code. An entry is keyed by a
// hash of the module's bytes, the options that change the rewrite, the
// entry format and the running executable (its size and modification
// time: a rebuilt binary, whose rewrite may differ, starts a new set).
//
// The directory has the trust of wazero's compilation cache beside it
// (which holds machine code the process runs): both are the user's own.
// What is checked is integrity, so that a truncated, corrupted or
// foreign file costs a recompilation and nothing else: a checksum over
// the key and the contents, a bounded parse, the snapshot layout checked
// against the module's exports, and, for an entry someone other than the
// user could have written, the module validated again before wazero
// reads it (checkPrepared). Writes go to a temporary file renamed into place,
// and the directory is kept under preparedCacheMaxBytes by removing the
// oldest entries.

const (
	preparedMagic         = "wasifill-prepared\x00\x01" // format version 1
	preparedCacheMaxBytes = 512 << 20
	preparedMaxEntry      = 256 << 20
	preparedMaxGlobals    = 1 << 20
	preparedMaxName       = 1 << 10
)

// WithPreparedCache keeps prepared core modules in directory dir (created
// if missing), so that a later runtime, in this process or another,
// compiling the same module skips rewriting it. Pair it with a wazero
// compilation cache (WithCompilationCache): together they make a second
// compilation of a component a lookup. An unusable directory or entry is
// ignored: the module is prepared again.
func WithPreparedCache(dir string) Option { return func(c *config) { c.preparedDir = dir } }

// prepare returns core module m as wazero will compile it, and what the
// snapshot instrumentation added, from the prepared cache when it has them.
func (r *Runtime) prepare(m *wasmbin.Binary) ([]byte, *snapLayout, error) {
	if r.cfg.preparedDir == "" {
		return r.prepareNow(m)
	}
	key := r.preparedKey(m)
	path := filepath.Join(r.cfg.preparedDir, fmt.Sprintf("%x", key))
	if wasm, l, err := readPrepared(path, key); err == nil {
		return wasm, l, nil
	}
	wasm, l, err := r.prepareNow(m)
	if err != nil {
		return nil, nil, err
	}
	writePrepared(r.cfg.preparedDir, path, key, wasm, l) // best effort
	return wasm, l, nil
}

func (r *Runtime) prepareNow(m *wasmbin.Binary) ([]byte, *snapLayout, error) {
	wasm, err := r.runnable(m)
	if err != nil {
		return nil, nil, err
	}
	return prepareSnapshot(wasm)
}

var executableStamp = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%s\x00%d\x00%d", exe, fi.Size(), fi.ModTime().UnixNano())
})

func (r *Runtime) preparedKey(m *wasmbin.Binary) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(preparedMagic))
	h.Write([]byte(executableStamp()))
	var opts [6]byte
	binary.LittleEndian.PutUint32(opts[:4], r.cfg.tableLimit)
	if r.cfg.interrupt {
		opts[4] = 1
	}
	h.Write(opts[:])
	writeEncoded(h, m)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// writeEncoded writes to w the bytes m.Encode returns, without building
// them in one buffer first.
func writeEncoded(w io.Writer, m *wasmbin.Binary) {
	w.Write([]byte("\x00asm"))
	w.Write(m.Version[:])
	var head []byte
	for _, s := range m.Sections {
		payload := s.Payload
		if s.Nested != nil && s.SizeBytes == nil {
			payload = s.Nested.Encode()
		}
		head = append(head[:0], s.ID)
		if s.SizeBytes != nil && len(payload) == len(s.Payload) {
			head = append(head, s.SizeBytes...)
		} else {
			head = binary.AppendUvarint(head, uint64(len(payload)))
		}
		w.Write(head)
		w.Write(payload)
	}
}

// An entry: preparedMagic, a flags byte (memory, start, data), the
// global names and the unsupported reason as length-prefixed strings,
// the module's length and bytes, then sha256(key, all of the above).

const (
	flagMemory = 1 << iota
	flagStart
	flagData
)

func encodePrepared(key [sha256.Size]byte, wasm []byte, l *snapLayout) []byte {
	b := []byte(preparedMagic)
	var flags byte
	if l.memory {
		flags |= flagMemory
	}
	if l.start {
		flags |= flagStart
	}
	if l.data {
		flags |= flagData
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(l.globals)))
	for _, g := range l.globals {
		b = binary.AppendUvarint(b, uint64(len(g)))
		b = append(b, g...)
	}
	b = binary.AppendUvarint(b, uint64(len(l.unsupported)))
	b = append(b, l.unsupported...)
	b = binary.AppendUvarint(b, uint64(len(wasm)))
	b = append(b, wasm...)
	sum := checksum(key, b)
	return append(b, sum[:]...)
}

func checksum(key [sha256.Size]byte, b []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write(key[:])
	h.Write(b)
	var s [sha256.Size]byte
	h.Sum(s[:0])
	return s
}

var errPrepared = errors.New("runtime: prepared cache entry unusable")

// decodePrepared parses an entry, checking its checksum, every length and
// the layout against the module's exports.
func decodePrepared(key [sha256.Size]byte, b []byte, trusted bool) ([]byte, *snapLayout, error) {
	if len(b) < len(preparedMagic)+1+sha256.Size || !bytes.HasPrefix(b, []byte(preparedMagic)) {
		return nil, nil, errPrepared
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if want := checksum(key, body); !bytes.Equal(sum, want[:]) {
		return nil, nil, errPrepared
	}
	rd := bytes.NewReader(body[len(preparedMagic):])
	flags, _ := rd.ReadByte()
	l := &snapLayout{memory: flags&flagMemory != 0, start: flags&flagStart != 0, data: flags&flagData != 0}
	str := func(limit uint64) (string, error) {
		n, err := binary.ReadUvarint(rd)
		if err != nil || n > limit || n > uint64(rd.Len()) {
			return "", errPrepared
		}
		s := make([]byte, n)
		_, err = io.ReadFull(rd, s)
		return string(s), err
	}
	n, err := binary.ReadUvarint(rd)
	if err != nil || n > preparedMaxGlobals || n > uint64(rd.Len()) {
		return nil, nil, errPrepared
	}
	for range n {
		g, err := str(preparedMaxName)
		if err != nil {
			return nil, nil, errPrepared
		}
		l.globals = append(l.globals, g)
	}
	if l.unsupported, err = str(preparedMaxName); err != nil {
		return nil, nil, errPrepared
	}
	size, err := binary.ReadUvarint(rd)
	if err != nil || size != uint64(rd.Len()) {
		return nil, nil, errPrepared
	}
	wasm := body[len(body)-rd.Len():]
	if err := checkPrepared(wasm, l, trusted); err != nil {
		return nil, nil, err
	}
	return wasm, l, nil
}

// checkPrepared checks that a cached module is a core module and that
// every export the layout names is there, of its kind; unless trusted,
// it validates the module as compiling would have. A trusted entry (the
// user's own file, in the user's own directory, that no one else may
// write: privateEntry) is not validated a second time: its checksum makes
// its bytes the ones the runtime validated when it wrote the entry, only
// the user can have changed it (who can as well change wazero's machine
// code beside it, which this process runs), and wazero validates what it
// compiles. That second validation cost as much as the rest of a hit.
func checkPrepared(wasm []byte, l *snapLayout, trusted bool) error {
	bin, err := wasmbin.Decode(wasm)
	if err != nil || bin.Kind != wasmbin.KindCoreModule {
		return errPrepared
	}
	if !trusted {
		if err := wasmbin.Validate(bin); err != nil {
			return errPrepared
		}
	}
	if err := l.loadSegments(bin); err != nil {
		return errPrepared
	}
	exports, err := bin.CoreExports()
	if err != nil {
		return errPrepared
	}
	has := func(name string, kind wasmbin.ExternKind) bool {
		return slices.ContainsFunc(exports, func(e wasmbin.CoreExport) bool { return e.Name == name && e.Kind == kind })
	}
	ok := (!l.memory || has(snapMemoryName, wasmbin.ExternMemory)) &&
		(!l.start || has(snapStartName, wasmbin.ExternFunc)) &&
		(!l.data || has(snapDataName, wasmbin.ExternFunc))
	for _, g := range l.globals {
		ok = ok && strings.HasPrefix(g, snapPrefix) && has(g, wasmbin.ExternGlobal)
	}
	if !ok {
		return errPrepared
	}
	return nil
}

func readPrepared(path string, key [sha256.Size]byte) ([]byte, *snapLayout, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > preparedMaxEntry {
		return nil, nil, errPrepared
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, errPrepared
	}
	return decodePrepared(key, b, privateEntry(fi, filepath.Dir(path)))
}

// writePrepared stores an entry atomically (a temporary file renamed into
// place) and keeps the directory bounded; failures are ignored.
func writePrepared(dir, path string, key [sha256.Size]byte, wasm []byte, l *snapLayout) {
	b := encodePrepared(key, wasm, l)
	if len(b) > preparedMaxEntry || os.MkdirAll(dir, 0o700) != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return
	}
	trimPrepared(dir, preparedCacheMaxBytes)
}

// trimPrepared removes the oldest entries until the directory's entries
// total at most limit bytes.
func trimPrepared(dir string, limit int64) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		name string
		size int64
		mod  int64
	}
	var all []entry
	var total int64
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		all = append(all, entry{e.Name(), fi.Size(), fi.ModTime().UnixNano()})
		total += fi.Size()
	}
	slices.SortFunc(all, func(a, b entry) int { return cmp.Compare(a.mod, b.mod) })
	for _, e := range all {
		if total <= limit {
			return
		}
		if os.Remove(filepath.Join(dir, e.name)) == nil {
			total -= e.size
		}
	}
}
