package rpc

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
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
	// Components by name: a path (relative to the file) and a timeout.
	Components map[string]ComponentConfig `yaml:"components"`
	// Links: which target serves which interface for which caller.
	Links []LinkConfig `yaml:"links"`
	// RemoteTargets lets links name targets the file does not define:
	// they are served on the lattice (set by the CLI with --nats).
	RemoteTargets bool `yaml:"-"`

	dir string
}

// ComponentConfig is one component of the file.
type ComponentConfig struct {
	Path    string   `yaml:"path"`
	Timeout Duration `yaml:"timeout"`
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
	for name, cc := range c.Components {
		if cc.Path == "" {
			return fmt.Errorf("component %s has no path", name)
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
	return defaults
}

// Apply compiles the file's components into h (as targets) and adds its
// links; it returns the compiled components by name, as the host runs
// them (pre-initialized when they could be).
func (c *FileConfig) Apply(ctx context.Context, rt *runtime.Runtime, h *Host) (map[string]*runtime.Compiled, error) {
	names := make([]string, 0, len(c.Components))
	for n := range c.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string]*runtime.Compiled{}
	for _, n := range names {
		cc := c.Components[n]
		p := cc.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.dir, p)
		}
		b, err := safeio.ReadFile(p, safeio.Wasm)
		if err != nil {
			return nil, fmt.Errorf("component %s: %w", n, err)
		}
		compiled, err := rt.Compile(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("component %s: %w", n, err)
		}
		h.AddComponent(n, compiled, time.Duration(cc.Timeout))
		out[n] = h.compiledOf(n) // pre-initialized, when it could be
	}
	for _, l := range c.Links {
		h.Link(l.Caller, l.Interface, l.Target, time.Duration(l.Timeout))
	}
	return out, nil
}
