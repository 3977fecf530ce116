// Package wasip2 implements a subset of WASI 0.2 as host functions for
// the wasifill runtime: enough for components built from Go (wasip1 +
// the preview1 adapter), C and Rust to run as commands and reactors.
//
//   - cli: environment, exit, stdin/stdout/stderr, terminal-* (never a terminal)
//   - io: error, poll, streams
//   - clocks: monotonic-clock, wall-clock
//   - random: random, insecure, insecure-seed
//   - filesystem: types, preopens: only the directories Config.Preopens
//     grants, each confined with os.Root (no way out through ".." or links)
//   - sockets: every function answers err(access-denied), or traps
//
// Functions of these interfaces left out trap with a
// runtime.NotImplementedError naming them.
package wasip2

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/internal/rootfs"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// Version is the WASI version the interfaces are registered under; the
// runtime serves every 0.2.x import with them.
const Version = "0.2.12"

// Config is what the guest sees of its environment.
type Config struct {
	Args   []string
	Env    [][2]string
	Stdin  io.Reader // nil: empty
	Stdout io.Writer // nil: discarded
	Stderr io.Writer // nil: discarded
	// Preopens are the host directories the guest may use; none by
	// default.
	Preopens []Preopen
}

// ExitError is a guest's call to wasi:cli/exit: Code 0 for exit(ok),
// 1 for exit(err), or the code of exit-with-code.
type ExitError struct{ Code uint32 }

func (e *ExitError) Error() string { return fmt.Sprintf("wasi: exit(%d)", e.Code) }

// host is the state behind one Define: streams and pollables by rep.
type host struct {
	rt    *runtime.Runtime
	cfg   Config
	start time.Time

	mu        sync.Mutex
	next      uint32
	inputs    map[uint32]io.Reader
	outputs   map[uint32]io.Writer
	pollables map[uint32]time.Time // ready at; the zero time is always ready
	errors    map[uint32]string

	roots       []*os.Root
	preopenErr  error
	descriptors map[uint32]*descriptor
	dirStreams  map[uint32]*dirStream

	// stdio, behind pumps (blocking.go), shared by WASI 0.2 and preview 1
	stdin          *inputPump
	stdout, stderr *outputPump
	p1             preview1Run
}

func name(iface string) string { return iface + "@" + Version }

// Define registers the WASI 0.2 host functions with rt. A preopen whose
// host directory cannot be opened is an error.
func Define(rt *runtime.Runtime, cfg Config) error {
	h := &host{rt: rt, cfg: cfg, start: time.Now(), inputs: map[uint32]io.Reader{},
		outputs: map[uint32]io.Writer{}, pollables: map[uint32]time.Time{}, errors: map[uint32]string{}}
	if h.cfg.Stdin == nil {
		h.cfg.Stdin = eofReader{}
	}
	if h.cfg.Stdout == nil {
		h.cfg.Stdout = io.Discard
	}
	if h.cfg.Stderr == nil {
		h.cfg.Stderr = io.Discard
	}
	h.stdin, h.stdout, h.stderr = newInputPump(h.cfg.Stdin), newOutputPump(h.cfg.Stdout), newOutputPump(h.cfg.Stderr)
	register(rt, h)
	p1, err := preview1Config(h)
	if err != nil {
		return err
	}
	rt.SetCoreModuleConfig(p1)
	h.defineCLI()
	h.defineIO()
	h.defineClocks()
	h.defineRandom()
	h.defineFilesystem()
	h.defineSockets()
	return h.preopenErr
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func (h *host) rep() uint32 {
	h.next++
	return h.next
}

func ret(vs ...value.Value) ([]value.Value, error) { return vs, nil }

func (h *host) defineCLI() {
	h.rt.DefineInstance(name("wasi:cli/environment"), map[string]runtime.HostFunc{
		"get-environment": func(context.Context, []value.Value) ([]value.Value, error) {
			env := []value.Value{}
			for _, kv := range h.cfg.Env {
				env = append(env, []value.Value{kv[0], kv[1]})
			}
			return ret(env)
		},
		"get-arguments": func(context.Context, []value.Value) ([]value.Value, error) {
			args := []value.Value{}
			for _, a := range h.cfg.Args {
				args = append(args, a)
			}
			return ret(args)
		},
		"initial-cwd": func(context.Context, []value.Value) ([]value.Value, error) { return ret(value.None) },
	})
	h.rt.DefineInstance(name("wasi:cli/exit"), map[string]runtime.HostFunc{
		"exit": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			if args[0].(value.Result).IsErr {
				return nil, &ExitError{Code: 1}
			}
			return nil, &ExitError{Code: 0}
		},
		"exit-with-code": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			return nil, &ExitError{Code: uint32(args[0].(uint8))}
		},
	})
	stream := func(iface, fn string, out io.Writer, in io.Reader) {
		h.rt.DefineInstance(name(iface), map[string]runtime.HostFunc{
			fn: func(context.Context, []value.Value) ([]value.Value, error) {
				h.mu.Lock()
				defer h.mu.Unlock()
				r := h.rep()
				if in != nil {
					h.inputs[r] = in
					return ret(h.rt.NewHandle(name("wasi:io/streams"), "input-stream", r))
				}
				h.outputs[r] = out
				return ret(h.rt.NewHandle(name("wasi:io/streams"), "output-stream", r))
			},
		})
	}
	stream("wasi:cli/stdin", "get-stdin", nil, h.stdin)
	stream("wasi:cli/stdout", "get-stdout", h.stdout, nil)
	stream("wasi:cli/stderr", "get-stderr", h.stderr, nil)
	none := func(context.Context, []value.Value) ([]value.Value, error) { return ret(value.None) }
	h.rt.DefineInstance(name("wasi:cli/terminal-stdin"), map[string]runtime.HostFunc{"get-terminal-stdin": none})
	h.rt.DefineInstance(name("wasi:cli/terminal-stdout"), map[string]runtime.HostFunc{"get-terminal-stdout": none})
	h.rt.DefineInstance(name("wasi:cli/terminal-stderr"), map[string]runtime.HostFunc{"get-terminal-stderr": none})
	h.rt.DefineInstance(name("wasi:cli/terminal-input"), map[string]runtime.HostFunc{})
	h.rt.DefineInstance(name("wasi:cli/terminal-output"), map[string]runtime.HostFunc{})
}

func (h *host) defineClocks() {
	h.rt.DefineInstance(name("wasi:clocks/monotonic-clock"), map[string]runtime.HostFunc{
		"now":        func(context.Context, []value.Value) ([]value.Value, error) { return ret(uint64(time.Since(h.start))) },
		"resolution": func(context.Context, []value.Value) ([]value.Value, error) { return ret(uint64(1)) },
		"subscribe-instant": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			return ret(h.pollable(afterNanos(h.start, args[0].(uint64))))
		},
		"subscribe-duration": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			return ret(h.pollable(afterNanos(time.Now(), args[0].(uint64))))
		},
	})
	wall := func(t time.Time) value.Value {
		return []value.Value{uint64(t.Unix()), uint32(t.Nanosecond())}
	}
	h.rt.DefineInstance(name("wasi:clocks/wall-clock"), map[string]runtime.HostFunc{
		"now":        func(context.Context, []value.Value) ([]value.Value, error) { return ret(wall(time.Now())) },
		"resolution": func(context.Context, []value.Value) ([]value.Value, error) { return ret(wall(time.Unix(0, 1))) },
	})
}

func (h *host) defineRandom() {
	bytes := func(n uint64) ([]byte, error) {
		if n > 1<<20 {
			return nil, fmt.Errorf("wasi: random: %d bytes asked for at once", n)
		}
		b := make([]byte, n)
		_, err := rand.Read(b)
		return b, err
	}
	u64 := func() uint64 {
		var b [8]byte
		rand.Read(b[:])
		return binary.LittleEndian.Uint64(b[:])
	}
	h.rt.DefineInstance(name("wasi:random/random"), map[string]runtime.HostFunc{
		"get-random-bytes": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			b, err := bytes(args[0].(uint64))
			return []value.Value{b}, err
		},
		"get-random-u64": func(context.Context, []value.Value) ([]value.Value, error) { return ret(u64()) },
	})
	h.rt.DefineInstance(name("wasi:random/insecure"), map[string]runtime.HostFunc{
		"get-insecure-random-bytes": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			b, err := bytes(args[0].(uint64))
			return []value.Value{b}, err
		},
		"get-insecure-random-u64": func(context.Context, []value.Value) ([]value.Value, error) { return ret(mrand.Uint64()) },
	})
	h.rt.DefineInstance(name("wasi:random/insecure-seed"), map[string]runtime.HostFunc{
		"insecure-seed": func(context.Context, []value.Value) ([]value.Value, error) {
			return ret([]value.Value{u64(), u64()})
		},
	})
}

// preview1Config gives wasip1 core modules (run without an adapter, on
// wazero's preview 1) the same arguments, environment and stdio, and the
// same directories, each confined by an os.Root (rootfs) as the WASI 0.2
// filesystem is; stdio and sleeps end at the deadline of the Run
// (preview1.go).
func preview1Config(h *host) (wazero.ModuleConfig, error) {
	cfg := h.cfg
	m := wazero.NewModuleConfig().WithArgs(cfg.Args...).WithStdin(p1Reader{h.stdin, &h.p1}).WithStdout(p1Writer{h.stdout, &h.p1}).
		WithStderr(p1Writer{h.stderr, &h.p1}).WithSysWalltime().WithSysNanotime().WithNanosleep(h.p1.sleep).WithRandSource(rand.Reader)
	for _, kv := range cfg.Env {
		m = m.WithEnv(kv[0], kv[1])
	}
	fs := wazero.NewFSConfig()
	for _, p := range cfg.Preopens {
		var err error
		if fs, err = rootfs.Mount(fs, p.Host, p.Guest); err != nil {
			return nil, err
		}
	}
	return m.WithFSConfig(fs), nil
}
