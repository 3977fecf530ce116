package rpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// syncBuffer is a bytes.Buffer a logger may write from any goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Split(strings.TrimSpace(s.b.String()), "\n")
}

// At the default level, a failed invocation is one line with its chain,
// a successful one none; at debug level successes are logged too.
func TestLogs(t *testing.T) {
	var buf syncBuffer
	level := new(slog.LevelVar)
	_, h, c := setup(t, rpc.Config{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("spin", c["spin"], 0)
	h.AddComponent("echo", c["echo"], 0)
	h.Link("a", "next", "spin", 50*time.Millisecond)
	ctx := context.Background()
	for i := range 3 {
		if _, err := h.Call(ctx, "echo", "i", "f", []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Call(ctx, "a", "i", "f", nil); err == nil {
		t.Fatal("the spinning callee answered")
	}
	lines := buf.lines()
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1: %q", len(lines), lines)
	}
	var rec struct {
		Level, Msg, Component, Interface, Function, Outcome, Err string
		Chain                                                    []struct {
			Depth        int
			Target, Call string
			DeadlineMS   int64  `json:"deadline_ms"`
			From         string `json:"deadline_from"`
			Err          string
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatalf("%v: %s", err, lines[0])
	}
	if rec.Level != "WARN" || rec.Msg != "invocation failed" || rec.Component != "a" || rec.Interface != "i" || rec.Function != "f" || rec.Err == "" {
		t.Errorf("log line = %+v", rec)
	}
	var spin bool
	for _, hop := range rec.Chain {
		if hop.Depth == 1 && hop.Target == "spin" && hop.Call == "next#f" && hop.DeadlineMS == 50 && hop.From == "the link timeout" &&
			strings.Contains(hop.Err, "deadline-exceeded") {
			spin = true
		}
	}
	if !spin {
		t.Errorf("the chain does not show spin's deadline: %s", lines[0])
	}
	level.Set(slog.LevelDebug)
	if _, err := h.Call(ctx, "echo", "i", "f", []byte{9}); err != nil {
		t.Fatal(err)
	}
	if lines := buf.lines(); len(lines) != 2 || !strings.Contains(lines[1], `"msg":"invocation"`) || !strings.Contains(lines[1], `"component":"echo"`) {
		t.Errorf("at debug level, a success: %q", lines)
	}
}
