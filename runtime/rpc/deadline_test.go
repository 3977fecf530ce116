package rpc_test

import (
	"context"
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// deadlineOp is the params of the deadline guest: op 1 extends by ms and
// returns, op 2 extends by ms (ignoring a refusal) and spins.
func deadlineOp(op byte, ms uint64) []byte {
	p := make([]byte, 9)
	p[0] = op
	binary.LittleEndian.PutUint64(p[1:], ms)
	return p
}

// The caller's deadline is a hard bound: extend cannot pass it, and a
// guest that spins after asking is stopped at the caller's deadline, not
// at what it asked for.
func TestExtendCannotPassCallersDeadline(t *testing.T) {
	_, h, c := setup(t, rpc.Config{MaxExecution: 30 * time.Second})
	h.AddComponent("d", c["deadline"], 0)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := h.Call(ctx, "d", "i", "f", deadlineOp(1, 10000))
	if re := rpcError(t, err); re.Kind != rpc.Denied || !strings.Contains(re.Msg, "the caller's deadline") {
		t.Errorf("extend(10000) under a 300ms caller: %v", err)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = h.Call(ctx, "d", "i", "f", deadlineOp(2, 10000))
	took := time.Since(start)
	re := rpcError(t, err)
	if re.Kind != rpc.DeadlineExceeded || !strings.Contains(re.Msg, "set by the caller's deadline)") {
		t.Errorf("extend(10000) then spin: %v", err)
	}
	// The guest asked for 10 s more; the caller granted 300 ms. The bound
	// is generous for a busy machine and far below 10 s.
	if took > 5*time.Second {
		t.Errorf("extend(10000) then spin under a 300ms caller ran %v", took)
	}
}

// A callee may extend its own link bound, within what its caller granted;
// the chain then says the deadline was the link timeout, extended.
func TestExtendMovesOnlyTheCalleesOwnBound(t *testing.T) {
	_, h, c := setup(t, rpc.Config{MaxExecution: 30 * time.Second})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("d", c["deadline"], 0)
	h.Link("a", "next", "d", 200*time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	left := remaining(t, func() ([]byte, error) { return h.Call(ctx, "a", "i", "f", deadlineOp(1, 300)) })
	if left < 300*time.Millisecond || left > 500*time.Millisecond {
		t.Errorf("extend(300) of a 200ms link: %v left, want about 500ms", left)
	}
	_, err := h.Call(ctx, "a", "i", "f", deadlineOp(1, 5000))
	if re := rpcError(t, err); re.Kind != rpc.Denied || !strings.Contains(re.Msg, "the caller's deadline") {
		t.Errorf("extend(5000) of a link under a 3s caller: %v", err)
	}

	// Extend, then spin: stopped at the extended link bound, and the
	// chain names it.
	inv, release, err := h.Enter(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	start := time.Now()
	_, err = h.Invoke(inv, "a", "next", "f", deadlineOp(2, 300))
	took := time.Since(start)
	if rpcError(t, err).Kind != rpc.DeadlineExceeded || took < 450*time.Millisecond {
		t.Errorf("extend(300) then spin: %v after %v", err, took)
	}
	chain := rpc.Chain(inv)
	if len(chain) != 2 || chain[1].DeadlineSetBy() != "the link timeout + extend() to 500 ms" || chain[1].DeadlineFrom != rpc.OriginLinkTimeout || chain[1].Deadline != 500*time.Millisecond {
		t.Errorf("chain = %+v", chain)
	}
}

// extend(2^64−1) is refused by the host maximum (not wrapped into a
// negative duration that would move the deadline earlier).
func TestExtendHugeIsRefused(t *testing.T) {
	_, h, c := setup(t, rpc.Config{MaxExecution: time.Second})
	h.AddComponent("d", c["deadline"], 300*time.Millisecond)
	for _, ms := range []uint64{math.MaxUint64, 1 << 63, 1 << 53} {
		_, err := h.Call(context.Background(), "d", "i", "f", deadlineOp(1, ms))
		if re := rpcError(t, err); re.Kind != rpc.Denied || !strings.Contains(re.Msg, "at most 1000 ms (the host maximum)") {
			t.Errorf("extend(%d): %v", ms, err)
		}
	}
}

// A provider that ignores its context (blocked on something that never
// comes) does not hold a nested invoke past the deadline.
func TestBlockedProviderReturnsAtDeadline(t *testing.T) {
	_, h, c := setup(t, rpc.Config{})
	never := make(chan struct{})
	defer close(never)
	h.AddComponent("a", c["relay"], 0)
	h.AddProvider("stuck", func(context.Context, string, string, []byte) ([]byte, error) {
		<-never
		return nil, nil
	}, 0)
	h.Link("a", "next", "stuck", 200*time.Millisecond)
	start := time.Now()
	_, err := h.Call(context.Background(), "a", "i", "f", nil)
	took := time.Since(start)
	if rpcError(t, err).Kind != rpc.DeadlineExceeded || took < 200*time.Millisecond || took > 5*time.Second {
		t.Errorf("invoke of a stuck provider behind a 200ms link: %v after %v", err, took)
	}
	// Called directly too.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := h.Call(ctx, "stuck", "i", "f", nil); rpcError(t, err).Kind != rpc.DeadlineExceeded {
		t.Errorf("stuck provider called directly: %v", err)
	}
}

// Instances interrupted at their deadline give their memory back to the
// host budget once closed, as those that return do: the budget does not
// leak away under interruptions.
func TestInterruptedInstancesGiveMemoryBack(t *testing.T) {
	rt, h, c := setup(t, rpc.Config{})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("spin", c["spin"], 0)
	h.AddComponent("echo", c["echo"], 0)
	h.Link("a", "next", "spin", 20*time.Millisecond)
	for range 10 {
		if _, err := h.Call(context.Background(), "a", "i", "f", nil); err == nil {
			t.Fatal("a spinning callee answered")
		}
		if _, err := h.Call(context.Background(), "echo", "i", "f", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	h.Close(context.Background())
	if open, used := rt.OpenInstances(), rt.MemoryInUse(); open != 0 || used != 0 {
		t.Errorf("after the calls: %d instances open, %d bytes of memory counted", open, used)
	}
}
