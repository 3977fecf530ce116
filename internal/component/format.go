package component

import (
	"fmt"
	"strings"
)

// FormatWorld writes a component type as a WIT-like world: each imported
// or exported instance as a block listing its types and functions, and
// world-level functions as in WIT. It is for people (wasifill inspect);
// `wasm-tools component wit` gives the exact WIT package.
func FormatWorld(name string, t *Type) string {
	var b strings.Builder
	fmt.Fprintf(&b, "world %s {\n", name)
	for _, e := range t.Imports {
		writeExtern(&b, "import", e)
	}
	for _, e := range t.Exports {
		writeExtern(&b, "export", e)
	}
	b.WriteString("}\n")
	return b.String()
}

func writeExtern(b *strings.Builder, dir string, e Extern) {
	name := e.Name
	if e.Version != "" {
		name += "@" + e.Version
	}
	switch e.Kind {
	case ExternInstance:
		if len(e.Type.Exports) == 0 {
			fmt.Fprintf(b, "  %s %s {}\n", dir, name)
			return
		}
		fmt.Fprintf(b, "  %s %s {\n", dir, name)
		for _, x := range e.Type.Exports {
			b.WriteString("    ")
			b.WriteString(formatItem(x))
			b.WriteString("\n")
		}
		b.WriteString("  }\n")
	default:
		fmt.Fprintf(b, "  %s %s\n", dir, formatItem(Extern{Name: name, Kind: e.Kind, Type: e.Type}))
	}
}

// formatItem writes one item of an interface in WIT syntax.
func formatItem(x Extern) string {
	switch x.Kind {
	case ExternFunc:
		return fmt.Sprintf("%s: %s;", x.Name, x.Type)
	case ExternType:
		t := x.Type
		switch t.Kind {
		case KindResource:
			return fmt.Sprintf("resource %s;", x.Name)
		case KindRecord, KindVariant, KindEnum, KindFlags:
			s := t.Structure()
			kw, body, _ := strings.Cut(s, " ")
			return fmt.Sprintf("%s %s %s", kw, x.Name, body)
		}
		return fmt.Sprintf("type %s = %s;", x.Name, t.Structure())
	}
	return fmt.Sprintf("%s: %s;", x.Name, x.Kind)
}
