package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// addComponentFlag adds a component given as
// NAME=PATH[@TIMEOUT][,KEY=VALUE]... (the CLI's --component), a path
// relative to the working directory; the keys are wasifill.yaml's
// lifecycle keys (max-instances, min-instances, idle), e.g.
// kv=kv.wasm@300ms,max-instances=8,idle=30s.
func addComponentFlag(c *rpc.FileConfig, s string) error {
	name, rest, ok := strings.Cut(s, "=")
	if !ok || name == "" || rest == "" {
		return fmt.Errorf("--component %q: want NAME=PATH[@TIMEOUT][,KEY=VALUE]*", s)
	}
	var cc rpc.ComponentConfig
	rest, err := cutLifecycle(rest, &cc)
	if err != nil {
		return fmt.Errorf("--component %q: %w", s, err)
	}
	path, timeout, err := cutTimeout(rest)
	if err != nil {
		return fmt.Errorf("--component %q: %w", s, err)
	}
	if c.Components == nil {
		c.Components = map[string]rpc.ComponentConfig{}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("--component %q: %w", s, err)
	}
	cc.Path, cc.Timeout = abs, timeout
	c.Components[name] = cc
	return nil
}

// cutLifecycle takes the ,KEY=VALUE options off the end of a
// --component's PATH[@TIMEOUT] (a comma followed by anything else is
// part of the path) into cc.
func cutLifecycle(s string, cc *rpc.ComponentConfig) (string, error) {
	for {
		comma := strings.LastIndex(s, ",")
		if comma < 0 {
			return s, nil
		}
		key, val, _ := strings.Cut(s[comma+1:], "=")
		var err error
		switch key {
		case "max-instances":
			cc.MaxInstances, err = strconv.Atoi(val)
		case "min-instances":
			cc.MinInstances, err = strconv.Atoi(val)
		case "idle":
			var d time.Duration
			if d, err = time.ParseDuration(val); err == nil && d < 0 {
				err = fmt.Errorf("negative")
			}
			cc.Idle = rpc.Duration(d)
		default:
			return s, nil
		}
		if err != nil {
			return "", fmt.Errorf("%s=%q: not a count (max-instances, min-instances) or a duration (idle)", key, val)
		}
		s = s[:comma]
	}
}

// addLinkFlag adds a link given as CALLER:INTERFACE=TARGET[@TIMEOUT] (the
// CLI's --link), e.g. app:acme:kv/store@1.0.0=kv@300ms.
func addLinkFlag(c *rpc.FileConfig, s string) error {
	caller, rest, ok := strings.Cut(s, ":")
	eq := strings.LastIndex(rest, "=")
	if !ok || eq <= 0 || eq == len(rest)-1 {
		return fmt.Errorf("--link %q: want CALLER:INTERFACE=TARGET[@TIMEOUT]", s)
	}
	target, timeout, err := cutTimeout(rest[eq+1:])
	if err != nil {
		return fmt.Errorf("--link %q: %w", s, err)
	}
	c.Links = append(c.Links, rpc.LinkConfig{Caller: caller, Interface: rest[:eq], Target: target, Timeout: timeout})
	return nil
}

// cutTimeout splits "x@300ms" into x and its timeout (0 without one).
func cutTimeout(s string) (string, rpc.Duration, error) {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s, 0, nil
	}
	d, err := time.ParseDuration(s[at+1:])
	if err != nil || d < 0 {
		return "", 0, fmt.Errorf("%q is not a duration (like 500ms or 2s)", s[at+1:])
	}
	return s[:at], rpc.Duration(d), nil
}
