package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// addComponentFlag adds a component given as NAME=PATH[@TIMEOUT] (the
// CLI's --component), a path relative to the working directory.
func addComponentFlag(c *rpc.FileConfig, s string) error {
	name, rest, ok := strings.Cut(s, "=")
	if !ok || name == "" || rest == "" {
		return fmt.Errorf("--component %q: want NAME=PATH[@TIMEOUT]", s)
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
	c.Components[name] = rpc.ComponentConfig{Path: abs, Timeout: timeout}
	return nil
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
