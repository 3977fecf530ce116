package wasmpkg

import (
	"strings"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// stubs writes the other packages the items import interfaces from, as
// nested packages holding just the types the items use — what
// wit-parser's decoder puts into the Resolve it returns. An interface
// imported by several items gets the union of their types.
func (d *decoder) stubs() error {
	type iface struct {
		name  string
		seen  map[string]bool
		lines strings.Builder
	}
	type pkg struct {
		name   string
		ifaces []*iface
		byName map[string]*iface
	}
	var pkgs []*pkg
	byPkg := map[string]*pkg{}
	total := 0
	for _, f := range d.foreign {
		p, item, version, ok := splitName(f.name)
		if !ok || p+version == d.pkg {
			continue
		}
		pk := byPkg[p+version]
		if pk == nil {
			pk = &pkg{name: p + version, byName: map[string]*iface{}}
			byPkg[pk.name] = pk
			pkgs = append(pkgs, pk)
		}
		in := pk.byName[item]
		if in == nil {
			in = &iface{name: item, seen: map[string]bool{}}
			pk.byName[item] = in
			pk.ifaces = append(pk.ifaces, in)
		}
		d.cur = pk.name
		sc := &scope{parent: f.sc}
		for i := range f.body.Decls {
			decl := &f.body.Decls[i]
			if decl.Kind != wasmbin.DeclExport {
				if err := d.decl(sc, decl, f.name); err != nil {
					return err
				}
				continue
			}
			if decl.Extern.Kind != wasmbin.ExternTypeType {
				continue
			}
			e, err := exportedType(sc, decl, f.name)
			if err != nil {
				return err
			}
			sc.types = append(sc.types, e)
			if in.seen[decl.Name.Name] {
				continue
			}
			in.seen[decl.Name.Name] = true
			// Write the declaration into the interface's own buffer.
			saved, before := d.out, in.lines.Len()
			d.out = &in.lines
			err = d.typeDecl(sc, decl.Name.Name, e, f.name, "    ", nil)
			d.out = saved
			total += in.lines.Len() - before
			if err != nil {
				return err
			}
			if d.out.Len()+total > MaxText {
				return errTooLarge
			}
		}
	}
	d.cur = d.pkg
	for _, pk := range pkgs {
		d.printf("package %s {\n", pk.name)
		for _, in := range pk.ifaces {
			d.printf("  interface %s {\n%s  }\n", ident(in.name), in.lines.String())
		}
		d.printf("}\n\n")
	}
	return d.err
}
