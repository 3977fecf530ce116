package rust

import (
	"fmt"
	"strings"
)

// The emitted Rust is rustfmt-clean by construction: short statements one
// per line, blocks for every match arm, and calls and signatures laid out
// as rustfmt lays them out (one line when they fit, else one item a line).
const (
	maxWidth     = 100 // rustfmt's max_width
	fnCallWidth  = 60  // rustfmt's fn_call_width: wider argument lists go vertical
	shortArg     = 10  // rustfmt's short_array_element_width_threshold
	indentString = "    "
)

// code accumulates Rust lines at an indentation depth.
type code struct {
	b      strings.Builder
	indent int
}

// line writes one line at the current depth.
func (c *code) line(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if s != "" {
		c.b.WriteString(strings.Repeat(indentString, c.indent))
	}
	c.b.WriteString(s + "\n")
}

// open writes a line ending a block opener ("match x {") and indents.
func (c *code) open(format string, args ...any) {
	c.line(format, args...)
	c.indent++
}

// close dedents and writes the closing line ("}" or "},").
func (c *code) close(s string) {
	c.indent--
	c.line("%s", s)
}

// docs writes WIT docs as /// lines.
func (c *code) docs(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			c.line("///")
			continue
		}
		c.line("/// %s", l)
	}
}

// call writes prefix + name(args) + suffix as a statement, as rustfmt
// lays it out: on one line if it fits; else, when every argument is short
// (at most shortArg bytes, like "f3" or "ret as i32"), packed into lines;
// else one argument a line.
func (c *code) call(prefix, name string, args []string, suffix string) {
	joined := strings.Join(args, ", ")
	one := prefix + name + "(" + joined + ")" + suffix
	if len(joined) <= fnCallWidth && c.indent*len(indentString)+len(one) <= maxWidth {
		c.line("%s", one)
		return
	}
	c.open("%s%s(", prefix, name)
	short := true
	for _, a := range args {
		short = short && len(a) <= shortArg
	}
	if !short {
		for _, a := range args {
			c.line("%s,", a)
		}
		c.close(")" + suffix)
		return
	}
	room := maxWidth - c.indent*len(indentString)
	line := ""
	for _, a := range args {
		if line != "" && len(line)+len(a)+2 > room {
			c.line("%s", line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += a + ","
	}
	c.line("%s", line)
	c.close(")" + suffix)
}

// head writes a function head ending in " {" and indents (see signature).
func (c *code) head(prefix string, params []string, result string) {
	c.signature(prefix, params, result, " {")
	c.indent++
}

// attr writes #[name(args)], on three lines when it does not fit in one.
func (c *code) attr(name, args string) {
	one := "#[" + name + "(" + args + ")]"
	if c.indent*len(indentString)+len(one) <= maxWidth {
		c.line("%s", one)
		return
	}
	c.line("#[%s(", name)
	c.indent++
	c.line("%s", args)
	c.indent--
	c.line(")]")
}

// signature writes a function head (prefix "pub unsafe extern \"C\" fn f",
// params "p0: i32", result "" or "i32") ending in end (" {" or ";"),
// vertically when it does not fit in a line.
func (c *code) signature(prefix string, params []string, result, end string) {
	res := ""
	if result != "" {
		res = " -> " + result
	}
	one := prefix + "(" + strings.Join(params, ", ") + ")" + res + end
	if c.indent*len(indentString)+len(one) <= maxWidth {
		c.line("%s", one)
		return
	}
	c.open("%s(", prefix)
	for _, p := range params {
		c.line("%s,", p)
	}
	c.indent--
	c.line(")%s%s", res, end)
}
