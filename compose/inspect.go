package compose

import (
	"fmt"
	"sort"
	"strings"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Report describes a wasm binary: what `wasifill inspect` prints.
type Report struct {
	Kind     string            `json:"kind"` // "core module" or "component"
	Size     int               `json:"size"`
	Imports  []string          `json:"imports"`
	Exports  []string          `json:"exports"`
	Custom   []string          `json:"custom_sections,omitempty"`
	Contents map[string]int    `json:"contents,omitempty"` // components: core modules, nested components, instances ...
	Producer map[string]string `json:"producers,omitempty"`
	// World is the component's type as a WIT-like world; for a core
	// module, the world(s) its component-type sections embed.
	World string `json:"world,omitempty"`
}

// Inspect decodes a core module or component and reports on it.
func Inspect(b []byte) (_ *Report, err error) {
	defer guard.Recover("inspect", &err)
	kind, ok := wasmbin.KindOf(b)
	if !ok {
		_, err := wasmbin.Decode(b)
		if err == nil {
			err = fmt.Errorf("not a wasm binary")
		}
		return nil, err
	}
	bin, err := wasmbin.Decode(b)
	if err != nil {
		return nil, err
	}
	if err := wasmbin.Validate(bin); err != nil {
		return nil, err
	}
	r := &Report{Kind: kind.String(), Size: len(b), Producer: map[string]string{}}
	for _, s := range bin.Sections {
		if s.ID == wasmbin.SecCustom {
			r.Custom = append(r.Custom, fmt.Sprintf("%s (%d bytes)", s.Name, len(s.Data)))
			if s.Name == "producers" {
				parseProducers(s.Data, r.Producer)
			}
		}
	}
	if kind == wasmbin.KindCoreModule {
		return r, inspectCore(bin, r)
	}
	c, err := wasmbin.DecodeComponent(b)
	if err != nil {
		return nil, err
	}
	t, err := component.Resolve(c)
	if err != nil {
		return nil, err
	}
	for _, e := range t.Imports {
		r.Imports = append(r.Imports, fmt.Sprintf("%s %s", e.Kind, versioned(e)))
	}
	for _, e := range t.Exports {
		r.Exports = append(r.Exports, fmt.Sprintf("%s %s", e.Kind, versioned(e)))
	}
	counts, err := component.Counts(c)
	if err != nil {
		return nil, err
	}
	r.Contents = map[string]int{}
	for s, n := range counts {
		if n > 0 {
			r.Contents[s.String()] = n
		}
	}
	r.World = component.FormatWorld("root", t)
	return r, nil
}

func versioned(e component.Extern) string {
	if e.Version != "" {
		return e.Name + "@" + e.Version
	}
	return e.Name
}

func inspectCore(bin *wasmbin.Binary, r *Report) error {
	imports, err := bin.CoreImports()
	if err != nil {
		return err
	}
	for _, im := range imports {
		r.Imports = append(r.Imports, fmt.Sprintf("%s %s.%s", im.Kind, im.Module, im.Name))
	}
	exports, err := bin.CoreExports()
	if err != nil {
		return err
	}
	for _, ex := range exports {
		r.Exports = append(r.Exports, fmt.Sprintf("%s %s", ex.Kind, ex.Name))
	}
	var worlds []string
	for _, s := range bin.CustomSections("component-type") {
		w, err := embeddedWorlds(s.Data)
		if err != nil {
			return fmt.Errorf("custom section %s: %w", s.Name, err)
		}
		worlds = append(worlds, w...)
	}
	r.World = strings.Join(worlds, "\n")
	return nil
}

// embeddedWorlds formats the worlds a component-type custom section
// carries: a component exporting each world as a component type.
func embeddedWorlds(data []byte) ([]string, error) {
	c, err := wasmbin.DecodeComponent(data)
	if err != nil {
		return nil, err
	}
	t, err := component.Resolve(c)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range component.EmbeddedWorlds(t) {
		out = append(out, component.FormatWorld(w.Name, w.Type))
	}
	return out, nil
}

// parseProducers reads the producers custom section (tool-conventions):
// vec(field name, vec(name, version)); malformed data is ignored.
func parseProducers(data []byte, into map[string]string) {
	p := &byteReader{b: data}
	fields := p.u32()
	for i := uint32(0); i < fields && p.ok(); i++ {
		field := p.name()
		n := p.u32()
		var vals []string
		for j := uint32(0); j < n && p.ok(); j++ {
			name, ver := p.name(), p.name()
			vals = append(vals, strings.TrimSpace(name+" "+ver))
		}
		if p.ok() {
			sort.Strings(vals)
			into[field] = strings.Join(vals, ", ")
		}
	}
}

// byteReader reads LEB128 numbers and names, remembering the first error.
type byteReader struct {
	b   []byte
	bad bool
}

func (r *byteReader) ok() bool { return !r.bad }

func (r *byteReader) u32() uint32 {
	var x uint32
	for i := 0; i < 5; i++ {
		if len(r.b) == 0 {
			r.bad = true
			return 0
		}
		c := r.b[0]
		r.b = r.b[1:]
		x |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return x
		}
	}
	r.bad = true
	return 0
}

func (r *byteReader) name() string {
	n := r.u32()
	if r.bad || uint64(n) > uint64(len(r.b)) {
		r.bad = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// Text formats the report for a terminal.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kind: %s (%d bytes)\n", r.Kind, r.Size)
	if len(r.Contents) > 0 {
		var keys []string
		for k := range r.Contents {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d %s", r.Contents[k], k))
		}
		fmt.Fprintf(&b, "contents: %s\n", strings.Join(parts, ", "))
	}
	list := func(title string, items []string) {
		fmt.Fprintf(&b, "%s (%d):\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(&b, "  %s\n", it)
		}
	}
	list("imports", r.Imports)
	list("exports", r.Exports)
	if len(r.Custom) > 0 {
		list("custom sections", r.Custom)
	}
	if len(r.Producer) > 0 {
		var keys []string
		for k := range r.Producer {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("producers:\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "  %s: %s\n", k, r.Producer[k])
		}
	}
	if r.World != "" {
		b.WriteString("wit:\n")
		for _, line := range strings.Split(strings.TrimRight(r.World, "\n"), "\n") {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	return b.String()
}
