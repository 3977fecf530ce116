// Package safeio reads the files users name (components, core modules,
// WIT, wasifill.yaml) without trusting them: only regular files (not a
// device such as /dev/zero, a FIFO or a socket, which could be endless or
// block forever), and never more than a limit for their kind of input,
// checked before and while reading.
//
// The limits (override each with its environment variable, in bytes):
//
//	wasm binary   256 MiB  WASIFILL_MAX_WASM_BYTES
//	WIT file        8 MiB  WASIFILL_MAX_WIT_BYTES
//	config file     1 MiB  WASIFILL_MAX_CONFIG_BYTES
package safeio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"syscall"
)

// Kind is a kind of input file and its size limit.
type Kind struct {
	Name    string // "wasm binary"
	Env     string // the environment variable that overrides Default
	Default int64  // bytes
}

// The kinds of input files.
var (
	Wasm   = Kind{"wasm binary", "WASIFILL_MAX_WASM_BYTES", 256 << 20}
	WIT    = Kind{"WIT file", "WASIFILL_MAX_WIT_BYTES", 8 << 20}
	Config = Kind{"config file", "WASIFILL_MAX_CONFIG_BYTES", 1 << 20}
)

// Limit is k's limit: its environment variable when set, else Default.
func (k Kind) Limit() (int64, error) {
	s := os.Getenv(k.Env)
	if s == "" {
		return k.Default, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive whole number of bytes", k.Env, s)
	}
	return n, nil
}

// TooLargeError is a file larger than its kind's limit.
type TooLargeError struct {
	Path  string
	Kind  Kind
	Limit int64
}

func (e *TooLargeError) Error() string {
	s := fmt.Sprintf("%s: larger than the %d-byte limit for a %s", e.Path, e.Limit, e.Kind.Name)
	if e.Kind.Env != "" {
		s += " (" + e.Kind.Env + " raises it)"
	}
	return s
}

// NotRegularError is a path that is not a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	what := "not a regular file"
	switch t := e.Mode.Type(); {
	case t&fs.ModeDir != 0:
		what = "a directory, not a file"
	case t&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a regular file"
	case t&fs.ModeSocket != 0:
		what = "a socket, not a regular file"
	case t&fs.ModeDevice != 0:
		what = "a device, not a regular file"
	}
	return e.Path + ": " + what
}

// ReadFile reads the regular file at path, refusing anything else and
// anything larger than kind's limit.
func ReadFile(path string, kind Kind) ([]byte, error) {
	limit, err := kind.Limit()
	if err != nil {
		return nil, err
	}
	b, err := read(path, limit)
	var tl *TooLargeError
	if errors.As(err, &tl) {
		tl.Kind = kind
	}
	return b, err
}

// ReadFileLimit is ReadFile with an explicit limit in bytes.
func ReadFileLimit(path string, limit int64) ([]byte, error) { return read(path, limit) }

func read(path string, limit int64) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO must not wait for a writer; the type is
	// checked on the open file, so a swap after a stat cannot slip through.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if fi.Size() > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	// One allocation sized by the stat; the file may grow while it is
	// read, so read to EOF, at most one byte past the limit to tell.
	b := make([]byte, 0, fi.Size()+1)
	for int64(len(b)) <= limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):min(int64(cap(b)), limit+1)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return b, nil
}
