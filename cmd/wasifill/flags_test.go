package main

import (
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// Components and links given as CLI flags.
func TestConfigFlags(t *testing.T) {
	var c rpc.FileConfig
	for _, f := range []string{"app=build/app.wasm", "kv=kv.wasm@300ms"} {
		if err := addComponentFlag(&c, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"app:acme:kv/store@1.0.0=kv", "app:x:y/z=kv@50ms"} {
		if err := addLinkFlag(&c, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if kv := c.Components["kv"]; time.Duration(kv.Timeout) != 300*time.Millisecond || !strings.HasSuffix(kv.Path, "/kv.wasm") {
		t.Errorf("kv = %+v", kv)
	}
	want := []rpc.LinkConfig{{Caller: "app", Interface: "acme:kv/store@1.0.0", Target: "kv"},
		{Caller: "app", Interface: "x:y/z", Target: "kv", Timeout: rpc.Duration(50 * time.Millisecond)}}
	if len(c.Links) != 2 || c.Links[0] != want[0] || c.Links[1] != want[1] {
		t.Errorf("links = %+v, want %+v", c.Links, want)
	}
	for _, bad := range []string{"app", "=a.wasm", "a=b.wasm@soon"} {
		if err := addComponentFlag(&c, bad); err == nil || !strings.Contains(err.Error(), "--component") {
			t.Errorf("--component %q: err = %v", bad, err)
		}
	}
	for _, bad := range []string{"app", "app:iface", "app:iface=", "app:i=kv@later"} {
		if err := addLinkFlag(&c, bad); err == nil || !strings.Contains(err.Error(), "--link") {
			t.Errorf("--link %q: err = %v", bad, err)
		}
	}
	addLinkFlag(&c, "app:i=nobody")
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `target "nobody"`) {
		t.Errorf("a link to nobody: %v", err)
	}
}

// --component takes the lifecycle keys after the path: a comma followed by
// anything else is part of the path, and bad values are refused.
func TestComponentFlagLifecycle(t *testing.T) {
	fc := &rpc.FileConfig{}
	if err := addComponentFlag(fc, "e2=/x/echo.wasm@300ms,max-instances=2,idle=1s"); err != nil {
		t.Fatal(err)
	}
	want := rpc.ComponentConfig{Path: "/x/echo.wasm", Timeout: rpc.Duration(300 * time.Millisecond), MaxInstances: 2, Idle: rpc.Duration(time.Second)}
	if got := fc.Components["e2"]; got != want {
		t.Errorf("--component = %+v, want %+v", got, want)
	}
	if err := addComponentFlag(fc, "e3=/x/a,b.wasm,idle=2s"); err != nil || fc.Components["e3"].Path != "/x/a,b.wasm" || fc.Components["e3"].Idle != rpc.Duration(2*time.Second) {
		t.Errorf("a path with a comma: %+v, %v", fc.Components["e3"], err)
	}
	for _, bad := range []string{
		"x=a.wasm,max-instances=-1", "x=a.wasm,max-instances=two", "x=a.wasm,idle=-1s", "x=a.wasm,idle=soon",
	} {
		c := &rpc.FileConfig{}
		err := addComponentFlag(c, bad)
		if err == nil {
			err = c.Validate()
		}
		if err == nil {
			t.Errorf("--component %s: accepted", bad)
		}
	}
}
