package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// certs is a CA and two certificates it signed, written as PEM files.
type certs struct{ ca, serverCert, serverKey, clientCert, clientKey string }

func writeCerts(t *testing.T, dir, prefix string) certs {
	t.Helper()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, prefix+name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: prefix + "ca"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64, usage x509.ExtKeyUsage) (string, string) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "localhost"},
			DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			KeyUsage: x509.KeyUsageDigitalSignature, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return write(usageName(usage)+".pem", "CERTIFICATE", der), write(usageName(usage)+"-key.pem", "EC PRIVATE KEY", kder)
	}
	c := certs{ca: write("ca.pem", "CERTIFICATE", caDER)}
	c.serverCert, c.serverKey = leaf(2, x509.ExtKeyUsageServerAuth)
	c.clientCert, c.clientKey = leaf(3, x509.ExtKeyUsageClientAuth)
	return c
}

func usageName(u x509.ExtKeyUsage) string {
	if u == x509.ExtKeyUsageServerAuth {
		return "server"
	}
	return "client"
}

// --nats-tls-cert/-key/-ca reach a NATS server that requires mutual TLS;
// without a client certificate, or trusting another CA, joining fails.
func TestNATSTLSFlags(t *testing.T) {
	dir := t.TempDir()
	good, other := writeCerts(t, dir, "a-"), writeCerts(t, dir, "b-")
	tlsConfig, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: good.serverCert, KeyFile: good.serverKey, CaFile: good.ca, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	tlsConfig.MinVersion = tls.VersionTLS12
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true, TLSConfig: tlsConfig, TLSVerify: true, TLSTimeout: 2})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("the NATS server did not start")
	}
	url := "tls://" + s.Addr().String()
	rt, err := runtime.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	for _, c := range []struct {
		name   string
		flags  natsFlags
		joined bool
	}{
		{"client certificate and CA", natsFlags{tlsCert: good.clientCert, tlsKey: good.clientKey, tlsCA: good.ca}, true},
		{"no client certificate", natsFlags{tlsCA: good.ca}, false},
		{"another CA", natsFlags{tlsCert: good.clientCert, tlsKey: good.clientKey, tlsCA: other.ca}, false},
		{"a certificate of another CA", natsFlags{tlsCert: other.clientCert, tlsKey: other.clientKey, tlsCA: good.ca}, false},
	} {
		c.flags.name, c.flags.hostName = "tls", "h"
		l, err := c.flags.join(url, rpc.New(rt, rpc.Config{}))
		if (err == nil) != c.joined {
			t.Errorf("%s: joined %v, err %v; want joined %v", c.name, err == nil, err, c.joined)
		}
		if l != nil {
			l.Close(context.Background())
		}
	}
	if _, err := (&natsFlags{tlsCert: good.clientCert}).options(); err == nil || !strings.Contains(err.Error(), "go together") {
		t.Errorf("a certificate without its key: %v", err)
	}
}
