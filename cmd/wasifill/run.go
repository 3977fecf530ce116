package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/internal/safeio"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/lattice"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value/wave"
)

// defaultTimeout is the host default deadline of an invocation
// (../shared/DESIGN.md), overridden by WASIFILL_RPC_TIMEOUT_MS or --timeout.
const defaultTimeout = 2 * time.Second

type runFlags struct {
	env      []string
	dirs     []string
	timeout  time.Duration
	memLimit uint32
	config   string
	// components and links add to (or replace) the config file.
	components, links []string
	// timeoutFrom names what set the host default with --config, for
	// error messages.
	timeoutFrom string
	cmd         *cobra.Command
	release     func() // ends the --config invocation
	// nats and lattice: link targets not in the process (serve.go).
	nats    natsFlags
	lattice *lattice.Lattice
	remote  bool // link targets may be on the lattice
}

// done ends what instantiate started.
func (f *runFlags) done() {
	if f.release != nil {
		f.release()
	}
	f.leaveLattice()
}

func (f *runFlags) add(cmd *cobra.Command, timeoutDefault time.Duration) {
	f.cmd = cmd
	cmd.Flags().StringVar(&f.config, "config", "", "wasifill.yaml: components, links and deadlines (then the first argument names a component)")
	cmd.Flags().StringArrayVar(&f.components, "component", nil, "NAME=PATH[@TIMEOUT][,max-instances=N][,min-instances=N][,idle=D]: a component of the host, as in wasifill.yaml (repeatable; docs/operations.md)")
	cmd.Flags().StringArrayVar(&f.links, "link", nil, "CALLER:INTERFACE=TARGET[@TIMEOUT]: a link, as in wasifill.yaml (repeatable)")
	cmd.Flags().StringArrayVar(&f.env, "env", nil, "KEY=VALUE in the guest's environment (repeatable)")
	cmd.Flags().StringArrayVar(&f.dirs, "dir", nil, "HOST[::GUEST]: grant the guest a host directory (repeatable; none by default)")
	cmd.Flags().DurationVar(&f.timeout, "timeout", timeoutDefault, "deadline of the call (0: none); default from WASIFILL_RPC_TIMEOUT_MS")
	cmd.Flags().DurationVar(&f.timeout, "rpc-timeout", timeoutDefault, "the same as --timeout")
	cmd.Flags().Uint32Var(&f.memLimit, "max-memory-pages", 0, fmt.Sprintf("cap every linear memory at this many 64 KiB pages, at most %d (0: the default, %d pages = 1 GiB)",
		runtime.MaxMemoryLimitPages, runtime.DefaultMemoryLimitPages))
}

// instantiate compiles path and instantiates it with WASI 0.2 defined;
// with --config, path names a component of the file, instantiated as an
// invocation of the rpc host (its invokes go through the file's links).
//
// Compiling is not part of the call: the deadline (--timeout, or the
// host's) starts once the code is compiled, and bounds instantiation
// (_initialize included) and the call. With --config, the called
// component's instance is the warm one the host made before the call,
// outside its deadline, as it does for every link target.
func (f *runFlags) instantiate(ctx context.Context, path string, args []string) (*runtime.Runtime, *runtime.Instance, context.Context, error) {
	if err := checkEnv(); err != nil {
		return nil, nil, nil, err
	}
	// Start-up allocates tens of megabytes that mostly live until the
	// process ends (module bytes, compiled forms): collect less often
	// until the guest runs, unless GOGC says otherwise.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	rt, err := f.newRuntime(ctx, args)
	if err != nil {
		return nil, nil, nil, err
	}
	fail := func(err error) (*runtime.Runtime, *runtime.Instance, context.Context, error) {
		rt.Close(ctx)
		return nil, nil, nil, err
	}
	var compiled *runtime.Compiled
	var callCtx context.Context
	if f.config != "" || len(f.components) > 0 || len(f.links) > 0 {
		fc, err := f.fileConfig()
		if err != nil {
			return fail(inputError("%v", err))
		}
		// One call per process: pre-initializing every component (an
		// initialization and a snapshot each) costs more than it saves.
		// One warm instance per target is enough, and still instantiates
		// (and initializes) each before the call, outside its deadline.
		// Only what the call can reach is compiled.
		fc.Entry = path
		hc := f.hostConfig(fc.HostConfig(rpc.Config{}))
		hc.NoPreinitialize = true
		hc.Warm, hc.PoolSize = true, max(hc.PoolSize, 1)
		h := rpc.New(rt, hc)
		if err := f.joinLattice(h); err != nil {
			return fail(err)
		}
		all, err := fc.Apply(ctx, rt, h)
		if err != nil {
			return fail(inputError("%s: %v", f.configName(), err))
		}
		if compiled = all[path]; compiled == nil {
			return fail(inputError("%s has no component %q", f.configName(), path))
		}
		inv, release, err := h.Enter(ctx, path)
		if err != nil {
			return fail(inputError("%v", err))
		}
		f.release = release
		callCtx = inv
		if inst, done := h.TakeIdle(path); inst != nil {
			f.release = func() { done(); release() }
			return rt, inst, callCtx, nil
		}
	} else {
		wasm, err := safeio.ReadFile(path, safeio.Wasm)
		if err != nil {
			return fail(inputError("%v", err))
		}
		if compiled, err = rt.Compile(ctx, wasm); err != nil {
			return fail(inputError("%v", err))
		}
		var cancel context.CancelFunc
		callCtx, cancel = withTimeout(ctx, f.timeout)
		f.release = cancel
	}
	inst, err := rt.Instantiate(callCtx, compiled)
	if err != nil {
		return fail(inputError("%v", err))
	}
	return rt, inst, callCtx, nil
}

// fileConfig is --config's file with --component and --link added (or
// those flags alone).
func (f *runFlags) fileConfig() (*rpc.FileConfig, error) {
	fc := &rpc.FileConfig{}
	if f.config != "" {
		var err error
		if fc, err = rpc.ParseConfig(f.config); err != nil {
			return nil, err
		}
	}
	fc.RemoteTargets = f.remote || f.nats.url != ""
	f.timeoutFrom = "the file's timeout"
	if fc.Timeout == 0 {
		f.timeoutFrom = "the 2 s default"
	}
	for _, c := range f.components {
		if err := addComponentFlag(fc, c); err != nil {
			return nil, err
		}
	}
	for _, l := range f.links {
		if err := addLinkFlag(fc, l); err != nil {
			return nil, err
		}
	}
	if err := fc.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", f.configName(), err)
	}
	return fc, nil
}

// configName names where the host's configuration came from.
func (f *runFlags) configName() string {
	if f.config != "" {
		return f.config
	}
	return "--component/--link"
}

// hostConfig puts the environment and flags over the file's deadlines:
// --timeout (when given) over WASIFILL_RPC_TIMEOUT_MS over the file over
// the 2 s default; WASIFILL_MAX_EXECUTION_MS caps extensions, and so does
// --timeout: what the user grants the call, extend() cannot pass.
func (f *runFlags) hostConfig(c rpc.Config) rpc.Config {
	if d, err := envMillis("WASIFILL_RPC_TIMEOUT_MS"); err == nil && d > 0 {
		c.DefaultTimeout = d
		f.timeoutFrom = "WASIFILL_RPC_TIMEOUT_MS"
	}
	if d, err := envMillis("WASIFILL_MAX_EXECUTION_MS"); err == nil && d > 0 {
		c.MaxExecution = d
	}
	for _, flag := range []string{"timeout", "rpc-timeout"} {
		if f.cmd != nil && f.cmd.Flags().Changed(flag) && f.timeout > 0 {
			// What the user grants the call: extend() cannot pass it.
			c.DefaultTimeout = f.timeout
			if c.MaxExecution == 0 || f.timeout < c.MaxExecution {
				c.MaxExecution = f.timeout
			}
			f.timeoutFrom = "--" + flag
		}
	}
	return c
}

// newRuntime makes a runtime with WASI 0.2 as the flags say. Compiled code
// and prepared modules are cached in the user's cache directory, so a
// second run starts fast.
func (f *runFlags) newRuntime(ctx context.Context, args []string) (*runtime.Runtime, error) {
	var opts []runtime.Option
	if dir, err := os.UserCacheDir(); err == nil {
		if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "wasifill", "wazero")); err == nil {
			opts = append(opts, runtime.WithCompilationCache(cache),
				runtime.WithPreparedCache(filepath.Join(dir, "wasifill", "prepared")))
		}
	}
	if f.memLimit > 0 {
		opts = append(opts, runtime.WithMemoryLimitPages(f.memLimit))
	}
	rt, err := runtime.New(ctx, opts...)
	if err != nil {
		return nil, inputError("%v", err)
	}
	var env [][2]string
	for _, kv := range f.env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			rt.Close(ctx)
			return nil, inputError("--env wants KEY=VALUE, got %q", kv)
		}
		env = append(env, [2]string{k, v})
	}
	var preopens []wasip2.Preopen
	for _, d := range f.dirs {
		host, guest, ok := strings.Cut(d, "::")
		if !ok {
			guest = host
		}
		preopens = append(preopens, wasip2.Preopen{Host: host, Guest: guest})
	}
	err = wasip2.Define(rt, wasip2.Config{Args: args, Env: env, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Preopens: preopens})
	if err != nil {
		rt.Close(ctx)
		return nil, inputError("--dir: %v", err)
	}
	return rt, nil
}

// envTimeout is WASIFILL_RPC_TIMEOUT_MS, else the host default (a bad
// value is reported when a command runs: checkEnv).
func envTimeout() time.Duration {
	if d, err := envMillis("WASIFILL_RPC_TIMEOUT_MS"); err == nil && d > 0 {
		return d
	}
	return defaultTimeout
}

// maxEnvMillis is the largest duration in milliseconds a time.Duration
// holds (about 292 years).
const maxEnvMillis = math.MaxInt64 / int64(time.Millisecond)

// envMillis reads the environment variable name as a whole positive
// number of milliseconds: 0 when it is unset or empty, an error when it
// is anything but 1..maxEnvMillis (never a wrapped value).
func envMillis(name string) (time.Duration, error) {
	s := os.Getenv(name)
	if s == "" {
		return 0, nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms <= 0 || ms > maxEnvMillis {
		return 0, fmt.Errorf("%s=%q: want a whole number of milliseconds from 1 to %d", name, s, maxEnvMillis)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// checkEnv reports a bad deadline in the environment.
func checkEnv() error {
	for _, name := range []string{"WASIFILL_RPC_TIMEOUT_MS", "WASIFILL_MAX_EXECUTION_MS"} {
		if _, err := envMillis(name); err != nil {
			return inputError("%v", err)
		}
	}
	return nil
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

func newRunCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run APP.wasm [-- ARGS...]",
		Short: "Run a command component (wasi:cli/run)",
		Long: "run instantiates a command component with WASI 0.2 (stdio, environment, clocks, random, and the\n" +
			"directories --dir grants) and calls wasi:cli/run. The exit code is the guest's (0 ok, 1 error); a trap\n" +
			"exits 1. A wasip1 core module runs on wazero's preview 1 instead, keeping its exit codes below 126\n" +
			"(proc_exit with 126 or more is a trap, as WASI preview 1 says: exit 1).",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := context.Background()
			rt, inst, callCtx, err := f.instantiate(ctx, args[0], append([]string{args[0]}, args[1:]...))
			if err != nil {
				return err
			}
			defer rt.Close(context.Background())
			defer f.done()
			code, err := wasip2.Run(callCtx, inst)
			if err != nil {
				return &exitError{code: 1, msg: "wasifill run: " + describeRunError(ctx, err)}
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f.add(cmd, 0)
	return cmd
}

func newCallCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "call [--config wasifill.yaml] [--component N=PATH] [--link C:I=T] [--nats URL [--lattice NAME]] APP.wasm|COMPONENT 'ns:pkg/iface#func(ARGS)'",
		Short: "Call one export of a component with WAVE arguments; print the result as WAVE",
		Long: "call instantiates the component (with WASI 0.2) and calls one exported function:\n" +
			"'ns:pkg/iface@1.0.0#func(1, \"a\")' inside an exported interface, or 'func(...)' at world level.\n" +
			"The call has a deadline (default 2s, WASIFILL_RPC_TIMEOUT_MS, --timeout); a guest that overruns it\n" +
			"is interrupted. Errors (traps, deadlines) exit 1.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			call, err := wave.ParseCall(args[1])
			if err != nil {
				return inputError("call: %v", err)
			}
			name := call.Function
			if call.Interface != "" {
				name = call.Interface + "#" + call.Function
			}
			ctx := context.Background()
			rt, inst, callCtx, err := f.instantiate(ctx, args[0], []string{args[0]})
			if err != nil {
				return err
			}
			defer rt.Close(context.Background())
			defer f.done()
			fn, ok := inst.Func(name)
			if !ok {
				return inputError("call: %s exports no function %s", args[0], name)
			}
			vals, err := wave.ParseValues(fn.Params(), call.Args)
			if err != nil {
				return inputError("call: arguments of %s: %v", name, err)
			}
			out, err := fn.Call(callCtx, vals...)
			if err != nil {
				settleDeadline(callCtx, err)
				return &exitError{code: 1, msg: "wasifill call: " + f.describeCallError(callCtx, name, err)}
			}
			for i, v := range out {
				text, err := wave.Format(fn.Results()[i], v)
				if err != nil {
					return inputError("call: result: %v", err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), text)
			}
			return nil
		},
	}
	f.add(cmd, envTimeout())
	f.nats.add(cmd, false)
	return cmd
}

// settleDeadline waits, when err is a missed deadline, for ctx's timer:
// the runtime fails a call by the clock (a result after the deadline is
// not one) even when the timer that ends the invocation has not run yet
// on a busy machine, and the error is described from the ended
// invocation.
func settleDeadline(ctx context.Context, err error) {
	if _, ok := ctx.Deadline(); ok && errors.Is(err, context.DeadlineExceeded) {
		<-ctx.Done()
	}
}

// describeRunError says what stopped a guest, naming a missed deadline.
func describeRunError(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "deadline exceeded: " + err.Error()
	}
	return err.Error()
}
