// Package rpcwit holds the wasifill:rpc contract: its WIT text and the
// names every part of wasifill reads from it (the runtime's rpc host, the
// Go and Rust fill generators), so each rule lives in one place.
package rpcwit

import _ "embed"

// WIT is the wasifill:rpc contract, as `wasifill wit deps` writes it.
//
//go:embed rpc.wit
var WIT string

// The interfaces of the contract.
const (
	Transport = "wasifill:rpc/transport@0.1.0"
	Handler   = "wasifill:rpc/handler@0.1.0"
	Deadline  = "wasifill:rpc/deadline@0.1.0"
	Types     = "wasifill:rpc/types@0.1.0"
)

// ErrorCases are the cases of rpc-error, in the order the WIT declares
// them (their indices are the wire discriminants). A fill maps an
// rpc-error onto a function's own error case of the same name.
var ErrorCases = [...]string{"deadline-exceeded", "not-found", "trap", "decode", "transport", "denied"}

// WIT02 is version 0.2.0 of the contract: 0.1.0 with transport.send
// (fire and forget). Hosts serve both versions.
//
//go:embed rpc-0.2.0.wit
var WIT02 string

// The interfaces of version 0.2.0.
const (
	Transport02 = "wasifill:rpc/transport@0.2.0"
	Handler02   = "wasifill:rpc/handler@0.2.0"
	Deadline02  = "wasifill:rpc/deadline@0.2.0"
	Types02     = "wasifill:rpc/types@0.2.0"
)
