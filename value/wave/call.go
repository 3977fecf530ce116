package wave

import (
	"strings"
)

// Call is a function call written as text, as `wasifill call` takes it:
// `ns:pkg/iface@1.0.0#func(args)` for an interface's function, or
// `func(args)` for a function the world exports directly.
type Call struct {
	Interface string // "" for a world-level function
	Function  string
	Args      string // the WAVE arguments between the parentheses
}

// ParseCall splits a call into interface, function and arguments. The
// arguments are parsed later, against the function's parameter types, with
// ParseValues.
func ParseCall(s string) (Call, error) {
	var c Call
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return c, &SyntaxError{Offset: len(s), Msg: "a call looks like iface#func(args) or func(args)"}
	}
	target, args := s[:open], s[open+1:len(s)-1]
	if i := strings.LastIndexByte(target, '#'); i >= 0 {
		c.Interface, target = target[:i], target[i+1:]
		if c.Interface == "" {
			return c, &SyntaxError{Offset: 0, Msg: "empty interface name before '#'"}
		}
	}
	name := strings.TrimPrefix(target, "%")
	if name == "" || !validCallName(name) {
		return c, &SyntaxError{Offset: len(c.Interface), Msg: "invalid function name " + `"` + target + `"`}
	}
	c.Function, c.Args = name, args
	return c, nil
}

// validCallName accepts WIT function names, including the mangled names of
// resource functions ([method]r.f, [static]r.f, [constructor]r).
func validCallName(name string) bool {
	for _, prefix := range []string{"[method]", "[static]", "[constructor]"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			for _, part := range strings.Split(rest, ".") {
				if !validLabel(part) {
					return false
				}
			}
			return true
		}
	}
	return validLabel(name)
}
