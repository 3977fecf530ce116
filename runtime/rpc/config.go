package rpc

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wasifill/wasifill/internal/safeio"
	"github.com/wasifill/wasifill/runtime"
)

// FileConfig is wasifill.yaml: the components a host runs, who may reach
// whom, and the deadlines (docs/deadlines.md has the schema).
type FileConfig struct {
	// Timeout is the host default deadline of an invocation.
	Timeout Duration `yaml:"timeout"`
	// MaxExecution caps extensions (counted from an invocation's start).
	MaxExecution Duration `yaml:"max-execution"`
	// MaxDepth bounds how deeply invocations nest (Config.MaxDepth).
	MaxDepth int `yaml:"max-depth"`
	// MaxInstances bounds the instances of all components together
	// (Config.MaxInstances).
	MaxInstances int `yaml:"max-instances"`
	// SlowFactor and SlowFloor set the slow-call guardrail
	// (Config.SlowFactor, Config.SlowFloor; -1 turns it off).
	SlowFactor int      `yaml:"slow-factor"`
	SlowFloor  Duration `yaml:"slow-floor"`
	// Components by name: a path (relative to the file) and a timeout.
	Components map[string]ComponentConfig `yaml:"components"`
	// Links: which target serves which interface for which caller.
	Links []LinkConfig `yaml:"links"`
	// RemoteTargets lets links name targets the file does not define:
	// they are served on the lattice (set by the CLI with --nats).
	RemoteTargets bool `yaml:"-"`
	// Entry, when set, is the one component calls enter by (the CLI's
	// call and run): see Apply.
	Entry string `yaml:"-"`

	dir string
}

// ComponentConfig is one component of the file.
type ComponentConfig struct {
	Path    string   `yaml:"path"`
	Timeout Duration `yaml:"timeout"`
	// MaxInstances, MinInstances and Idle are the component's Lifecycle
	// (0 or left out: the host's default).
	MaxInstances int      `yaml:"max-instances"`
	MinInstances int      `yaml:"min-instances"`
	Idle         Duration `yaml:"idle"`
}

// lifecycle is the component's Lifecycle over the host's default.
func (cc ComponentConfig) lifecycle(def Lifecycle) Lifecycle {
	if cc.MaxInstances > 0 {
		def.MaxInstances = cc.MaxInstances
	}
	if cc.MinInstances > 0 {
		def.MinInstances = cc.MinInstances
	}
	if cc.Idle > 0 {
		def.Idle = time.Duration(cc.Idle)
	}
	return def
}

// LinkConfig is one link of the file.
type LinkConfig struct {
	Caller    string   `yaml:"caller"`
	Interface string   `yaml:"interface"`
	Target    string   `yaml:"target"`
	Timeout   Duration `yaml:"timeout"`
}

// Duration is a time.Duration written as "500ms", "2s".
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration (like 500ms or 2s)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// ConfigError is a wasifill.yaml that cannot be used.
type ConfigError struct {
	Path string
	Msg  string
}

func (e *ConfigError) Error() string { return e.Path + ": " + e.Msg }

// LoadConfig reads a wasifill.yaml; unknown keys are errors with their
// line numbers, and links must name components the file defines.
func LoadConfig(path string) (*FileConfig, error) {
	c, err := ParseConfig(path)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, &ConfigError{Path: path, Msg: err.Error()}
	}
	return c, nil
}

// ParseConfig reads a wasifill.yaml as LoadConfig does, leaving Validate
// to the caller (who may set RemoteTargets first).
func ParseConfig(path string) (*FileConfig, error) {
	b, err := safeio.ReadFile(path, safeio.Config)
	if err != nil {
		return nil, &ConfigError{Path: path, Msg: err.Error()}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c FileConfig
	if err := dec.Decode(&c); err != nil {
		return nil, &ConfigError{Path: path, Msg: err.Error()}
	}
	c.dir = filepath.Dir(path)
	return &c, nil
}

// Validate checks that every component has a path and that links name
// components of the configuration.
func (c *FileConfig) Validate() error {
	if c.MaxDepth < 0 {
		return fmt.Errorf("max-depth %d is negative", c.MaxDepth)
	}
	if c.SlowFactor < -1 || c.SlowFactor > 1000 {
		return fmt.Errorf("slow-factor %d is not between 1 and 1000 (or -1: off)", c.SlowFactor)
	}
	if c.MaxInstances < 0 || c.MaxInstances > maxLifecycleInstances {
		return fmt.Errorf("max-instances %d is not between 0 and %d", c.MaxInstances, maxLifecycleInstances)
	}
	for name, cc := range c.Components {
		if cc.Path == "" {
			return fmt.Errorf("component %s has no path", name)
		}
		lc := Lifecycle{MaxInstances: cc.MaxInstances, MinInstances: cc.MinInstances, Idle: time.Duration(cc.Idle)}
		if err := lc.validate(); err != nil {
			return fmt.Errorf("component %s: %w", name, err)
		}
	}
	for i, l := range c.Links {
		if _, ok := c.Components[l.Target]; !ok && !c.RemoteTargets {
			return fmt.Errorf("link %d: target %q is not a component of the file", i+1, l.Target)
		}
		if _, ok := c.Components[l.Caller]; !ok && l.Caller != "" {
			return fmt.Errorf("link %d: caller %q is not a component of the file", i+1, l.Caller)
		}
		if l.Interface == "" {
			return fmt.Errorf("link %d has no interface", i+1)
		}
	}
	return nil
}

// HostConfig is the Config the file asks for, over defaults.
func (c *FileConfig) HostConfig(defaults Config) Config {
	if c.Timeout > 0 {
		defaults.DefaultTimeout = time.Duration(c.Timeout)
	}
	if c.MaxExecution > 0 {
		defaults.MaxExecution = time.Duration(c.MaxExecution)
	}
	if c.MaxDepth > 0 {
		defaults.MaxDepth = c.MaxDepth
	}
	if c.MaxInstances > 0 {
		defaults.MaxInstances = c.MaxInstances
	}
	if c.SlowFactor != 0 {
		defaults.SlowFactor = c.SlowFactor
	}
	if c.SlowFloor > 0 {
		defaults.SlowFloor = time.Duration(c.SlowFloor)
	}
	return defaults
}

// Apply compiles the file's components into h (as targets) and adds its
// links; it returns the compiled components by name, as the host runs
// them (pre-initialized when they could be). Components compile
// concurrently (each one's core modules too).
//
// With Entry set, Apply prepares for calls into that component alone:
// components no chain of links from it reaches are left out (unless
// RemoteTargets, when the lattice may call any of them).
func (c *FileConfig) Apply(ctx context.Context, rt *runtime.Runtime, h *Host) (map[string]*runtime.Compiled, error) {
	names := c.needed()
	compiled := make([]*runtime.Compiled, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() {
			p := c.Components[n].Path
			if !filepath.IsAbs(p) {
				p = filepath.Join(c.dir, p)
			}
			b, err := safeio.ReadFile(p, safeio.Wasm)
			if err == nil {
				compiled[i], err = rt.Compile(ctx, b)
			}
			if err != nil {
				errs[i] = fmt.Errorf("component %s: %w", n, err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	// Adding a target instantiates its warm instances (Config.Warm) or
	// pre-initializes it: concurrently too.
	for i, n := range names {
		cc := c.Components[n]
		wg.Go(func() {
			errs[i] = h.AddComponentLifecycle(n, compiled[i], time.Duration(cc.Timeout), cc.lifecycle(h.cfg.Lifecycle))
		})
	}
	wg.Wait()
	out := map[string]*runtime.Compiled{}
	for i, n := range names {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[n] = h.compiledOf(n) // pre-initialized, when it could be
	}
	for _, l := range c.Links {
		if _, ok := out[l.Caller]; ok {
			h.Link(l.Caller, l.Interface, l.Target, time.Duration(l.Timeout))
		}
	}
	return out, nil
}

// needed lists, sorted, the components Apply compiles: all of them, or
// with Entry set (and no RemoteTargets) those the links reach from it.
func (c *FileConfig) needed() []string {
	var names []string
	if c.Entry == "" || c.RemoteTargets {
		for n := range c.Components {
			names = append(names, n)
		}
		sort.Strings(names)
		return names
	}
	seen := map[string]bool{}
	queue := []string{c.Entry}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if _, ok := c.Components[n]; !ok || seen[n] {
			continue
		}
		seen[n] = true
		names = append(names, n)
		for _, l := range c.Links {
			if l.Caller == n {
				queue = append(queue, l.Target)
			}
		}
	}
	sort.Strings(names)
	return names
}
