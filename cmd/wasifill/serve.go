package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/lattice"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// natsFlags are the lattice flags of serve and call.
type natsFlags struct {
	url, listen, name, hostName   string
	creds, tlsCert, tlsKey, tlsCA string
	allow                         []string
	cmd                           *cobra.Command
}

func (n *natsFlags) add(cmd *cobra.Command, serve bool) {
	n.cmd = cmd
	fl := cmd.Flags()
	fl.StringVar(&n.url, "nats", "", "NATS server URL(s) of the lattice (comma-separated; a token or user:password in the URL is used)")
	fl.StringVar(&n.name, "lattice", "default", "lattice name: scopes the NATS subjects")
	fl.StringVar(&n.hostName, "host-name", "", "this host's name in call chains (default: hostname/pid)")
	fl.StringVar(&n.creds, "nats-creds", "", "NATS credentials file (JWT and nkey seed)")
	fl.StringVar(&n.tlsCert, "nats-tls-cert", "", "client certificate for NATS TLS (with --nats-tls-key)")
	fl.StringVar(&n.tlsKey, "nats-tls-key", "", "client key for NATS TLS")
	fl.StringVar(&n.tlsCA, "nats-tls-ca", "", "CA certificates that verify the NATS server")
	if serve {
		fl.StringVar(&n.listen, "nats-listen", "127.0.0.1:4222", "without --nats: where the embedded NATS server listens")
		fl.StringArrayVar(&n.allow, "allow", nil, "serve only this caller name (repeatable; a caller name is a claim, not an identity: see docs/lattice.md)")
	}
}

// options are the NATS options the flags ask for.
func (n *natsFlags) options() ([]nats.Option, error) {
	var opts []nats.Option
	if n.creds != "" {
		opts = append(opts, nats.UserCredentials(n.creds))
	}
	if (n.tlsCert == "") != (n.tlsKey == "") {
		return nil, inputError("--nats-tls-cert and --nats-tls-key go together")
	}
	if n.tlsCert != "" {
		opts = append(opts, nats.ClientCert(n.tlsCert, n.tlsKey))
	}
	if n.tlsCA != "" {
		opts = append(opts, nats.RootCAs(n.tlsCA))
	}
	return opts, nil
}

// join connects h to the lattice at url.
func (n *natsFlags) join(url string, h *rpc.Host) (*lattice.Lattice, error) {
	opts, err := n.options()
	if err != nil {
		return nil, err
	}
	l, err := lattice.Connect(url, h, lattice.Options{Lattice: n.name, HostName: n.hostName, Allow: n.allow, NATS: opts})
	if err != nil {
		return nil, inputError("%v", err)
	}
	return l, nil
}

// joinLattice, for call with --nats, reaches link targets that are not
// components of the process over the lattice.
func (f *runFlags) joinLattice(h *rpc.Host) error {
	if f.nats.url == "" {
		return nil
	}
	l, err := f.nats.join(f.nats.url, h)
	if err != nil {
		return err
	}
	f.lattice = l
	return nil
}

// leaveLattice closes what joinLattice opened.
func (f *runFlags) leaveLattice() {
	if f.lattice != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.lattice.Close(ctx)
		f.lattice = nil
	}
}

func newServeCommand() *cobra.Command {
	var f runFlags
	var ops opsFlags
	cmd := &cobra.Command{
		Use: "serve [--config wasifill.yaml] [--component NAME=PATH[@TIMEOUT]]... [--link C:IFACE=T[@TIMEOUT]]... " +
			"[--nats URL | --nats-listen HOST:PORT] [--lattice NAME] [--admin HOST:PORT] [--log-format text|json] [--log-level LEVEL]",
		Short: "Serve components' interfaces on a NATS lattice, deadlines crossing hosts",
		Long: "serve runs the host's components (wasifill.yaml and/or --component) and serves each on the lattice as a\n" +
			"NATS micro service (a queue group shared with every host serving the same name) until SIGINT or SIGTERM\n" +
			"(a component that does not export wasifill:rpc/handler, such as an app that only calls out, is not served);\n" +
			"then it drains: no new invocations, those in flight finish or reach their deadlines, and it exits 0.\n" +
			"Without --nats it starts an embedded NATS server on --nats-listen, so one command is a working lattice.\n" +
			"A link whose target is not a component of this host is reached over the lattice; links are enforced\n" +
			"here, where the caller runs. See docs/lattice.md.\n" +
			"--admin serves Prometheus /metrics, /healthz and /readyz; each failed invocation is logged with its chain\n" +
			"(docs/operations.md).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.serve(cmd, &ops)
		},
	}
	f.add(cmd, 0)
	f.nats.add(cmd, true)
	ops.add(cmd)
	return cmd
}

// serve is `wasifill serve`.
func (f *runFlags) serve(cmd *cobra.Command, ops *opsFlags) error {
	log, err := ops.logger(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if f.nats.url != "" && cmd.Flags().Changed("nats-listen") {
		return inputError("serve: --nats joins a server, --nats-listen starts one: give one of them")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f.remote = true
	fc, err := f.fileConfig()
	if err != nil {
		return inputError("serve: %v", err)
	}
	if len(fc.Components) == 0 {
		return inputError("serve: no components (--config or --component)")
	}
	rt, err := f.newRuntime(ctx, nil)
	if err != nil {
		return err
	}
	defer rt.Close(context.Background())
	hc := f.hostConfig(fc.HostConfig(rpc.Config{Logger: log}))
	h := rpc.New(rt, hc)
	defer h.Close(context.Background())
	var admin *adminServer
	if ops.admin != "" {
		if admin, err = startAdmin(ops.admin, h, log); err != nil {
			return err
		}
		defer admin.close()
	}
	compiled, err := fc.Apply(ctx, rt, h)
	if err != nil {
		return inputError("serve: %s: %v", f.configName(), err)
	}
	url := f.nats.url
	var srv *server.Server
	if url == "" {
		if srv, err = lattice.StartServer(lattice.ServerOptions{Listen: f.nats.listen}); err != nil {
			return inputError("serve: %v", err)
		}
		defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
		url = srv.ClientURL()
	}
	l, err := f.nats.join(url, h)
	if err != nil {
		return err
	}
	if admin != nil {
		admin.l.Store(l)
	}
	// Components that export wasifill:rpc/handler are served; the others
	// (an app that only calls out) have nothing to serve.
	var names, others []string
	for n, c := range compiled {
		if exportsHandler(c) {
			names = append(names, n)
		} else {
			others = append(others, n)
		}
	}
	sort.Strings(names)
	sort.Strings(others)
	if len(names) == 0 {
		l.Close(context.Background())
		return inputError("serve: no component exports %s: nothing to serve", rpc.Handler)
	}
	for _, n := range names {
		if err := l.Serve(n); err != nil {
			l.Close(context.Background())
			return inputError("serve: %v", err)
		}
	}
	embedded := srv != nil
	attrs := []any{"lattice", f.nats.name, "host", l.HostName(), "nats", url, "embedded", embedded,
		"components", names, "not-served", others}
	if admin != nil {
		admin.ready.Store(true)
		attrs = append(attrs, "admin", admin.Addr())
	}
	log.Info("wasifill serve: ready", attrs...)
	<-ctx.Done()
	stop()
	if admin != nil {
		admin.ready.Store(false) // draining: /readyz turns traffic away
	}
	// In-flight invocations end by their deadlines, which MaxExecution caps.
	drainCtx, cancel := context.WithTimeout(context.Background(), hc.MaxExecution+5*time.Second)
	defer cancel()
	log.Info("wasifill serve: draining")
	if err := l.Close(drainCtx); err != nil {
		log.Warn("wasifill serve: drain", "err", err)
	}
	log.Info("wasifill serve: stopped")
	return nil
}

// exportsHandler reports whether c exports wasifill:rpc/handler (any
// 0.1 version).
func exportsHandler(c *runtime.Compiled) bool {
	for _, name := range c.Exports() {
		if strings.HasPrefix(name, strings.TrimSuffix(rpc.Handler, "0.1.0")) {
			return true
		}
	}
	return false
}

// describeHop names a hop's target and, when another host served it, the host.
func describeHop(h rpc.Hop) string {
	if h.Host == "" {
		return h.Target
	}
	return fmt.Sprintf("%s (on %s)", h.Target, h.Host)
}
