package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// --nats-creds joins a NATS server that trusts an operator (JWT
// authentication): with the user's credentials file it connects; with
// another operator's user, or none, it is refused.
func TestNATSCredsFlag(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// operator signs account signs user; writeCreds returns the user's
	// credentials file and, for the trusted operator, its claims and the
	// account's JWT.
	writeCreds := func(name string) (string, *jwt.OperatorClaims, string, string) {
		okp, err := nkeys.CreateOperator()
		must(err)
		opPub, _ := okp.PublicKey()
		oc := jwt.NewOperatorClaims(opPub)
		ojwt, err := oc.Encode(okp)
		must(err)
		oc, err = jwt.DecodeOperatorClaims(ojwt)
		must(err)
		akp, err := nkeys.CreateAccount()
		must(err)
		aPub, _ := akp.PublicKey()
		ajwt, err := jwt.NewAccountClaims(aPub).Encode(okp)
		must(err)
		ukp, err := nkeys.CreateUser()
		must(err)
		uPub, _ := ukp.PublicKey()
		ujwt, err := jwt.NewUserClaims(uPub).Encode(akp)
		must(err)
		seed, err := ukp.Seed()
		must(err)
		creds, err := jwt.FormatUserConfig(ujwt, seed)
		must(err)
		p := filepath.Join(dir, name+".creds")
		must(os.WriteFile(p, creds, 0o600))
		return p, oc, aPub, ajwt
	}
	good, oc, aPub, ajwt := writeCreds("good")
	other, _, _, _ := writeCreds("other")
	resolver := &server.MemAccResolver{}
	must(resolver.Store(aPub, ajwt))
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		TrustedOperators: []*jwt.OperatorClaims{oc}, AccountResolver: resolver})
	must(err)
	go s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("the NATS server did not start")
	}
	rt, err := runtime.New(context.Background())
	must(err)
	t.Cleanup(func() { rt.Close(context.Background()) })
	for _, c := range []struct {
		name   string
		creds  string
		joined bool
	}{{"the user's credentials", good, true}, {"another operator's user", other, false}, {"no credentials", "", false}} {
		n := natsFlags{creds: c.creds, name: "creds", hostName: "h"}
		l, err := n.join(s.ClientURL(), rpc.New(rt, rpc.Config{}))
		if (err == nil) != c.joined {
			t.Errorf("%s: joined %v, err %v; want joined %v", c.name, err == nil, err, c.joined)
		}
		if l != nil {
			l.Close(context.Background())
		}
	}
}
