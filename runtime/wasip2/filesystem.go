package wasip2

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// Preopen grants the guest a host directory under a guest path.
type Preopen struct {
	Host  string // a directory on the host
	Guest string // how the guest names it, e.g. "/data"
}

// descriptor is an open file or directory inside a granted root. os.Root
// keeps every path the guest gives inside it (no "..", no symlinks out).
type descriptor struct {
	root *os.Root
	rel  string // path relative to the root; "." for the root itself
	dir  bool
	file *os.File // files only
	read bool
}

type dirStream struct {
	entries []fs.DirEntry
	next    int
}

// error-code cases (wasi:filesystem/types, 0.2), by index.
const (
	ecAccess      = 0
	ecBadFD       = 3
	ecExist       = 7
	ecInvalid     = 12
	ecIO          = 13
	ecIsDirectory = 14
	ecNoEntry     = 20
	ecNotDir      = 24
	ecNotEmpty    = 25
	ecUnsupported = 27
	ecNotPermit   = 31
	ecReadOnly    = 33
)

// descriptor-type cases.
const (
	dtUnknown   = 0
	dtDirectory = 3
	dtSymlink   = 5
	dtRegular   = 6
)

func errorCode(err error) value.Value {
	code := ecIO
	switch {
	case errors.Is(err, fs.ErrNotExist):
		code = ecNoEntry
	case errors.Is(err, fs.ErrExist):
		code = ecExist
	case errors.Is(err, fs.ErrPermission):
		code = ecAccess
	case errors.Is(err, syscall.ENOTDIR):
		code = ecNotDir
	case errors.Is(err, syscall.EISDIR):
		code = ecIsDirectory
	case errors.Is(err, syscall.ENOTEMPTY):
		code = ecNotEmpty
	case errors.Is(err, fs.ErrInvalid), strings.Contains(err.Error(), "path escapes"):
		code = ecNotPermit
	}
	return value.Err(value.Enum(code))
}

func fsErr(code int) ([]value.Value, error) { return ret(value.Err(value.Enum(code))) }

func (h *host) desc(args []value.Value) (*descriptor, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, ok := h.descriptors[h.self(args)]
	return d, ok
}

func (h *host) newDescriptor(d *descriptor) value.Handle {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rep()
	h.descriptors[r] = d
	return h.rt.NewHandle(name("wasi:filesystem/types"), "descriptor", r)
}

func datetime(t time.Time) value.Value {
	return value.Some([]value.Value{uint64(t.Unix()), uint32(t.Nanosecond())})
}

func stat(fi fs.FileInfo) value.Value {
	typ := dtRegular
	switch {
	case fi.IsDir():
		typ = dtDirectory
	case fi.Mode()&fs.ModeSymlink != 0:
		typ = dtSymlink
	case !fi.Mode().IsRegular():
		typ = dtUnknown
	}
	t := datetime(fi.ModTime())
	return value.Ok([]value.Value{value.Enum(typ), uint64(1), uint64(fi.Size()), t, t, t})
}

// at joins a guest path to a directory descriptor's path, refusing
// absolute paths (os.Root refuses escapes).
func (d *descriptor) at(p string) (string, bool) {
	if path.IsAbs(p) {
		return "", false
	}
	return path.Join(d.rel, p), true
}

// flags reads a flags value, false for labels past its end.
func flag(v value.Value, i int) bool {
	f, _ := v.(value.Flags)
	return i < len(f) && f[i]
}

func (h *host) defineFilesystem() {
	h.descriptors = map[uint32]*descriptor{}
	h.dirStreams = map[uint32]*dirStream{}
	var preopens []value.Value
	for _, p := range h.cfg.Preopens {
		root, err := os.OpenRoot(p.Host)
		if err != nil {
			h.preopenErr = err
			continue
		}
		preopens = append(preopens, p.Guest)
		h.roots = append(h.roots, root)
	}
	h.rt.DefineInstance(name("wasi:filesystem/preopens"), map[string]runtime.HostFunc{
		"get-directories": func(context.Context, []value.Value) ([]value.Value, error) {
			out := []value.Value{}
			for i, root := range h.roots {
				out = append(out, []value.Value{h.newDescriptor(&descriptor{root: root, rel: ".", dir: true, read: true}), preopens[i]})
			}
			return ret(out)
		},
	})
	withDesc := func(f func(d *descriptor, args []value.Value) ([]value.Value, error)) runtime.HostFunc {
		return func(_ context.Context, args []value.Value) ([]value.Value, error) {
			d, ok := h.desc(args)
			if !ok {
				return fsErr(ecBadFD)
			}
			return f(d, args)
		}
	}
	statOf := func(d *descriptor, p string) ([]value.Value, error) {
		fi, err := d.root.Stat(p)
		if err != nil {
			return ret(errorCode(err))
		}
		return ret(stat(fi))
	}
	hash := func(d *descriptor, p string) ([]value.Value, error) {
		fi, err := d.root.Stat(p)
		if err != nil {
			return ret(errorCode(err))
		}
		sum := sha256.Sum256([]byte(p + "\x00" + fi.ModTime().String()))
		return ret(value.Ok([]value.Value{binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])}))
	}
	mutate := func(f func(d *descriptor, p string) error) runtime.HostFunc {
		return withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			p, ok := d.at(args[1].(string))
			if !ok {
				return fsErr(ecNotPermit)
			}
			if err := f(d, p); err != nil {
				return ret(errorCode(err))
			}
			return ret(value.Ok(nil))
		})
	}
	h.rt.DefineInstance(name("wasi:filesystem/types"), map[string]runtime.HostFunc{
		"filesystem-error-code": func(context.Context, []value.Value) ([]value.Value, error) { return ret(value.None) },
		"[method]descriptor.get-type": withDesc(func(d *descriptor, _ []value.Value) ([]value.Value, error) {
			if d.dir {
				return ret(value.Ok(value.Enum(dtDirectory)))
			}
			return ret(value.Ok(value.Enum(dtRegular)))
		}),
		"[method]descriptor.get-flags": withDesc(func(d *descriptor, _ []value.Value) ([]value.Value, error) {
			return ret(value.Ok(value.Flags{d.read, d.file != nil && !d.read, false, false, false, d.dir}))
		}),
		"[method]descriptor.stat": withDesc(func(d *descriptor, _ []value.Value) ([]value.Value, error) {
			return statOf(d, d.rel)
		}),
		"[method]descriptor.stat-at": withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			p, ok := d.at(args[2].(string))
			if !ok {
				return fsErr(ecNotPermit)
			}
			return statOf(d, p)
		}),
		"[method]descriptor.metadata-hash": withDesc(func(d *descriptor, _ []value.Value) ([]value.Value, error) {
			return hash(d, d.rel)
		}),
		"[method]descriptor.metadata-hash-at": withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			p, ok := d.at(args[2].(string))
			if !ok {
				return fsErr(ecNotPermit)
			}
			return hash(d, p)
		}),
		"[method]descriptor.open-at": withDesc(h.openAt),
		"[method]descriptor.read-via-stream": withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			if d.file == nil {
				return fsErr(ecIsDirectory)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			r := h.rep()
			h.inputs[r] = io.NewSectionReader(d.file, int64(args[1].(uint64)), 1<<62)
			return ret(value.Ok(h.rt.NewHandle(name("wasi:io/streams"), "input-stream", r)))
		}),
		"[method]descriptor.write-via-stream": withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			return h.fileWriter(d, int64(args[1].(uint64)), false)
		}),
		"[method]descriptor.append-via-stream": withDesc(func(d *descriptor, _ []value.Value) ([]value.Value, error) {
			return h.fileWriter(d, 0, true)
		}),
		"[method]descriptor.read": withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			if d.file == nil {
				return fsErr(ecIsDirectory)
			}
			b := make([]byte, min(args[1].(uint64), maxRead))
			n, err := d.file.ReadAt(b, int64(args[2].(uint64)))
			if err != nil && !errors.Is(err, io.EOF) {
				return ret(errorCode(err))
			}
			return ret(value.Ok([]value.Value{b[:n], errors.Is(err, io.EOF)}))
		}),
		"[method]descriptor.write": withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			if d.file == nil || d.read {
				return fsErr(ecBadFD)
			}
			n, err := d.file.WriteAt(args[1].([]byte), int64(args[2].(uint64)))
			if err != nil {
				return ret(errorCode(err))
			}
			return ret(value.Ok(uint64(n)))
		}),
		"[method]descriptor.read-directory": withDesc(func(d *descriptor, _ []value.Value) ([]value.Value, error) {
			if !d.dir {
				return fsErr(ecNotDir)
			}
			f, err := d.root.Open(d.rel)
			if err != nil {
				return ret(errorCode(err))
			}
			defer f.Close()
			entries, err := f.ReadDir(-1)
			if err != nil {
				return ret(errorCode(err))
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			r := h.rep()
			h.dirStreams[r] = &dirStream{entries: entries}
			return ret(value.Ok(h.rt.NewHandle(name("wasi:filesystem/types"), "directory-entry-stream", r)))
		}),
		"[method]directory-entry-stream.read-directory-entry": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			s, ok := h.dirStreams[h.self(args)]
			if !ok {
				return fsErr(ecBadFD)
			}
			if s.next >= len(s.entries) {
				return ret(value.Ok(value.None))
			}
			e := s.entries[s.next]
			s.next++
			typ := dtRegular
			if e.IsDir() {
				typ = dtDirectory
			} else if e.Type()&fs.ModeSymlink != 0 {
				typ = dtSymlink
			}
			return ret(value.Ok(value.Some([]value.Value{value.Enum(typ), e.Name()})))
		},
		"[method]descriptor.create-directory-at": mutate(func(d *descriptor, p string) error { return d.root.Mkdir(p, 0o755) }),
		"[method]descriptor.remove-directory-at": mutate(func(d *descriptor, p string) error { return d.root.Remove(p) }),
		"[method]descriptor.unlink-file-at":      mutate(func(d *descriptor, p string) error { return d.root.Remove(p) }),
		"[method]descriptor.sync":                withDesc(func(*descriptor, []value.Value) ([]value.Value, error) { return ret(value.Ok(nil)) }),
		"[method]descriptor.sync-data":           withDesc(func(*descriptor, []value.Value) ([]value.Value, error) { return ret(value.Ok(nil)) }),
		"[method]descriptor.set-size": withDesc(func(d *descriptor, args []value.Value) ([]value.Value, error) {
			if d.file == nil || d.read {
				return fsErr(ecBadFD)
			}
			if err := d.file.Truncate(int64(args[1].(uint64))); err != nil {
				return ret(errorCode(err))
			}
			return ret(value.Ok(nil))
		}),
	})
	closeDesc := func(_ context.Context, rep uint32) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if d := h.descriptors[rep]; d != nil && d.file != nil {
			d.file.Close()
		}
		delete(h.descriptors, rep)
		return nil
	}
	h.rt.DefineResourceDrop(name("wasi:filesystem/types"), "descriptor", closeDesc)
	h.rt.DefineResourceDrop(name("wasi:filesystem/types"), "directory-entry-stream", func(_ context.Context, rep uint32) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.dirStreams, rep)
		return nil
	})
}

// openAt opens path (relative to directory d) with open-flags {create,
// directory, exclusive, truncate} and descriptor-flags {read, write, ...,
// mutate-directory}.
func (h *host) openAt(d *descriptor, args []value.Value) ([]value.Value, error) {
	if !d.dir {
		return fsErr(ecNotDir)
	}
	p, ok := d.at(args[2].(string))
	if !ok {
		return fsErr(ecNotPermit)
	}
	open, dflags := args[3], args[4]
	create, directory, exclusive, truncate := flag(open, 0), flag(open, 1), flag(open, 2), flag(open, 3)
	write := flag(dflags, 1)
	fi, err := d.root.Stat(p)
	switch {
	case err == nil && exclusive && create:
		return fsErr(ecExist)
	case err == nil && fi.IsDir():
		if write {
			return fsErr(ecIsDirectory)
		}
		return ret(value.Ok(h.newDescriptor(&descriptor{root: d.root, rel: p, dir: true, read: true})))
	case err == nil && directory:
		return fsErr(ecNotDir)
	case err != nil && !(create && errors.Is(err, fs.ErrNotExist)):
		return ret(errorCode(err))
	}
	mode := os.O_RDONLY
	if write {
		mode = os.O_RDWR
	}
	if create {
		mode |= os.O_CREATE
	}
	if truncate {
		mode |= os.O_TRUNC
	}
	f, err := d.root.OpenFile(p, mode, 0o644)
	if err != nil {
		return ret(errorCode(err))
	}
	return ret(value.Ok(h.newDescriptor(&descriptor{root: d.root, rel: p, file: f, read: !write})))
}

// fileWriter returns an output stream writing to d at offset, or at its
// end.
func (h *host) fileWriter(d *descriptor, offset int64, appendMode bool) ([]value.Value, error) {
	if d.file == nil {
		return fsErr(ecIsDirectory)
	}
	if d.read {
		return fsErr(ecReadOnly)
	}
	w := &fileWriter{f: d.file, off: offset, append: appendMode}
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rep()
	h.outputs[r] = w
	return ret(value.Ok(h.rt.NewHandle(name("wasi:io/streams"), "output-stream", r)))
}

type fileWriter struct {
	f      *os.File
	off    int64
	append bool
}

func (w *fileWriter) Write(b []byte) (int, error) {
	if w.append {
		fi, err := w.f.Stat()
		if err != nil {
			return 0, err
		}
		w.off = fi.Size()
	}
	n, err := w.f.WriteAt(b, w.off)
	w.off += int64(n)
	return n, err
}
