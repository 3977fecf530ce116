// Package gen holds what every wasifill generator shares: Go and Rust
// names for WIT identifiers, which functions and types a world asks a
// generator to cover (and the fill's own world), the bound on what a type
// costs to write out, and the error for what a generator refuses.
// docs/gen.md's support matrix, which TestSupportMatrix enforces, says
// what each generator covers.
package gen

import (
	"strings"
	"unicode"
)

// initialisms are words Go spells in capitals (Effective Go, golint's list).
var initialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "dns": true, "eof": true, "guid": true,
	"html": true, "http": true, "https": true, "id": true, "io": true, "ip": true, "json": true, "lhs": true,
	"qps": true, "ram": true, "rhs": true, "rpc": true, "sla": true, "smtp": true, "sql": true, "ssh": true,
	"tcp": true, "tls": true, "ttl": true, "udp": true, "ui": true, "uid": true, "uuid": true, "uri": true,
	"url": true, "utf8": true, "vm": true, "xml": true, "xmpp": true, "xsrf": true, "xss": true, "wasm": true,
}

// GoName turns a kebab-case WIT identifier into an exported Go name:
// "get-user-id" → "GetUserID", "http-url" → "HTTPURL". Resource function
// names ("[method]r.f", "[static]r.f", "[constructor]r") give the
// function part.
func GoName(id string) string {
	id = FuncPart(id)
	var b strings.Builder
	for _, w := range strings.Split(id, "-") {
		if w == "" {
			continue
		}
		if initialisms[strings.ToLower(w)] {
			b.WriteString(strings.ToUpper(w))
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" || !unicode.IsLetter([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

// GoLocal is GoName starting in lower case (for parameters and locals),
// avoiding Go keywords.
func GoLocal(id string) string {
	n := GoName(id)
	r := []rune(n)
	// Lower a leading initialism as a whole: "ID" → "id", "HTTPServer" → "httpServer".
	i := 0
	for i < len(r) && unicode.IsUpper(r[i]) {
		i++
	}
	switch {
	case i == len(r):
		n = strings.ToLower(n)
	case i > 1:
		n = strings.ToLower(string(r[:i-1])) + string(r[i-1:])
	default:
		n = strings.ToLower(string(r[:1])) + string(r[1:])
	}
	if goKeywords[n] {
		n += "_"
	}
	return n
}

var goKeywords = map[string]bool{
	"break": true, "case": true, "chan": true, "const": true, "continue": true, "default": true, "defer": true,
	"else": true, "fallthrough": true, "for": true, "func": true, "go": true, "goto": true, "if": true,
	"import": true, "interface": true, "map": true, "package": true, "range": true, "return": true,
	"select": true, "struct": true, "switch": true, "type": true, "var": true,
	// predeclared names a generated parameter must not shadow
	"ctx": true, "err": true, "rt": true, "p": true, "inst": true, "args": true, "out": true, "any": true,
	"cl": true, "zero": true, "r": true,
	"string": true, "int": true, "bool": true, "error": true, "len": true, "new": true, "value": true,
}

// FuncPart is the function part of a WIT function name: "f" of
// "[method]r.f" and "[static]r.f", "new" of "[constructor]r".
func FuncPart(name string) string {
	switch {
	case strings.HasPrefix(name, "[constructor]"):
		return "new"
	case strings.HasPrefix(name, "[method]"), strings.HasPrefix(name, "[static]"):
		_, f, _ := strings.Cut(name[strings.Index(name, "]")+1:], ".")
		return f
	}
	return name
}

// PackageName makes a Go package name of a WIT name: "go-reactor" →
// "goreactor".
func PackageName(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) && b.Len() > 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "bindings"
	}
	return b.String()
}
