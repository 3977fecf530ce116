package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/runtime/lattice"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// opsFlags are serve's operations flags: the admin endpoint and logs.
type opsFlags struct {
	admin, logFormat, logLevel string
}

func (o *opsFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&o.admin, "admin", "", "HOST:PORT (or :PORT, PORT: on 127.0.0.1) serving /metrics (Prometheus), /healthz and /readyz (default off)")
	fl.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&o.logLevel, "log-level", "info", "log level: debug (a line per invocation), info, warn (a line per failed invocation) or error")
}

// logger is the logger the flags ask for, writing to w.
func (o *opsFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, inputError("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, inputError("--log-format %q: want text or json", o.logFormat)
}

// adminAddr is --admin with 127.0.0.1 when it names no host.
func adminAddr(s string) string {
	if !strings.Contains(s, ":") {
		return "127.0.0.1:" + s
	}
	if strings.HasPrefix(s, ":") {
		return "127.0.0.1" + s
	}
	return s
}

// adminServer serves the admin endpoint of one host.
type adminServer struct {
	srv   *http.Server
	ln    net.Listener
	ready atomic.Bool // components compiled and served
	l     atomic.Pointer[lattice.Lattice]
}

// startAdmin listens on --admin and serves /metrics from h's registry
// (with the process's Go and process collectors), /healthz (the process
// answers) and /readyz (every component compiled and served, and the
// lattice connected).
func startAdmin(addr string, h *rpc.Host, log *slog.Logger) (*adminServer, error) {
	ln, err := net.Listen("tcp", adminAddr(addr))
	if err != nil {
		return nil, inputError("serve: --admin %s: %v", addr, err)
	}
	reg := h.Registry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a := &adminServer{ln: ln}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError)}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if why := a.notReady(); why != "" {
			http.Error(w, why, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	go func() {
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("wasifill serve: admin endpoint", "err", err)
		}
	}()
	return a, nil
}

// notReady says why the host is not ready ("" when it is).
func (a *adminServer) notReady() string {
	if !a.ready.Load() {
		return "not ready: components are being compiled"
	}
	l := a.l.Load()
	if l == nil || !l.Conn().IsConnected() {
		return "not ready: the lattice is not connected"
	}
	return ""
}

// Addr is where the endpoint listens.
func (a *adminServer) Addr() string { return a.ln.Addr().String() }

// close stops the endpoint.
func (a *adminServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	a.srv.Shutdown(ctx)
}
