package witparse

import (
	"fmt"

	"github.com/wasifill/wasifill/witparse/internal/wasmpkg"
)

// Docs and stability of a package decoded from a component, applied to the
// resolved package as wit-parser's PackageMetadata::inject does: named
// items must exist (an error otherwise); stability is set wherever an entry
// exists (cleared when the entry has none); docs are set when given
// (functions: set or cleared).

func stabilityOf(s wasmpkg.Stability) Stability {
	return Stability{Since: s.Since, Feature: s.Feature, Deprecated: s.Deprecated}
}

func injectDocs(r *Resolve, id PackageID, d *wasmpkg.PackageDocs) error {
	pkg := r.Packages[id]
	for _, w := range d.Worlds {
		wid, ok := lookup(pkg.Worlds, w.Name)
		if !ok {
			return fmt.Errorf("package-docs: missing world %q", w.Name)
		}
		if err := injectWorld(r, r.Worlds[wid], &w.Value); err != nil {
			return fmt.Errorf("package-docs: world %q: %w", w.Name, err)
		}
	}
	for _, i := range d.Interfaces {
		iid, ok := lookup(pkg.Interfaces, i.Name)
		if !ok {
			return fmt.Errorf("package-docs: missing interface %q", i.Name)
		}
		if err := injectInterface(r, r.Interfaces[iid], &i.Value); err != nil {
			return fmt.Errorf("package-docs: interface %q: %w", i.Name, err)
		}
	}
	if d.Docs != nil {
		pkg.Docs = *d.Docs
	}
	return nil
}

func lookup[T any](list []Named[T], name string) (T, bool) {
	for _, n := range list {
		if n.Name == name {
			return n.ID, true
		}
	}
	var zero T
	return zero, false
}

func injectInterface(r *Resolve, iface *Interface, d *wasmpkg.InterfaceDocs) error {
	for _, t := range d.Types {
		tid, ok := lookup(iface.Types, t.Name)
		if !ok {
			return fmt.Errorf("missing type %q", t.Name)
		}
		if err := injectType(r.Types[tid], &t.Value); err != nil {
			return err
		}
	}
	for _, f := range d.Funcs {
		fn := findFunc(iface.Functions, f.Name)
		if fn == nil {
			return fmt.Errorf("missing func %q", f.Name)
		}
		injectFunc(fn, f.Value)
	}
	if d.Docs != nil {
		iface.Docs = *d.Docs
	}
	iface.Stability = stabilityOf(d.Stability)
	return nil
}

func findFunc(list []*Function, name string) *Function {
	for _, f := range list {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func injectFunc(f *Function, d wasmpkg.FuncDocs) {
	f.Docs = ""
	if d.Docs != nil {
		f.Docs = *d.Docs
	}
	f.Stability = stabilityOf(d.Stability)
}

func injectType(t *TypeDef, d *wasmpkg.TypeDocs) error {
	if len(d.Items) > 0 {
		var names []*string
		var itemNames []string
		switch t.Kind {
		case KindRecord:
			for i := range t.Fields {
				names, itemNames = append(names, &t.Fields[i].Docs), append(itemNames, t.Fields[i].Name)
			}
		case KindVariant:
			for i := range t.Cases {
				names, itemNames = append(names, &t.Cases[i].Docs), append(itemNames, t.Cases[i].Name)
			}
		case KindEnum, KindFlags:
			for i := range t.Labels {
				names, itemNames = append(names, &t.Labels[i].Docs), append(itemNames, t.Labels[i].Name)
			}
		default:
			return fmt.Errorf("got 'items' for type %q, which has none", t.Name)
		}
		used := 0
		for i, n := range itemNames {
			for _, it := range d.Items {
				if it.Name == n {
					*names[i] = it.Value
					used++
					break
				}
			}
		}
		if used != len(d.Items) {
			return fmt.Errorf("not all 'items' of type %q match its items", t.Name)
		}
	}
	if d.Docs != nil {
		t.Docs = *d.Docs
	}
	t.Stability = stabilityOf(d.Stability)
	return nil
}

func worldEntry(list []WorldEntry, name string) *WorldEntry {
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

func injectWorld(r *Resolve, w *World, d *wasmpkg.WorldDocs) error {
	inject := func(entries wasmpkg.Ordered[wasmpkg.InterfaceDocs], onlyExport bool) error {
		for _, e := range entries {
			var item *WorldEntry
			if !onlyExport {
				item = worldEntry(w.Imports, e.Name)
			}
			if item == nil {
				item = worldEntry(w.Exports, e.Name)
			}
			if item == nil || item.Item.Kind != ItemInterface {
				return fmt.Errorf("missing interface %q", e.Name)
			}
			item.Item.Stability = stabilityOf(e.Value.Stability)
			if err := injectInterface(r, r.Interfaces[item.Item.Interface], &e.Value); err != nil {
				return err
			}
		}
		return nil
	}
	if err := inject(d.Interfaces, false); err != nil {
		return err
	}
	if err := inject(d.InterfaceExports, true); err != nil {
		return err
	}
	for _, t := range d.Types {
		e := worldEntry(w.Imports, t.Name)
		if e == nil || e.Item.Kind != ItemType {
			return fmt.Errorf("missing type %q", t.Name)
		}
		if err := injectType(r.Types[e.Item.Type], &t.Value); err != nil {
			return err
		}
	}
	// Interface entries by their world-key name: the kebab name, or the
	// interface's full name.
	keyed := func(list []WorldEntry, name string) *WorldEntry {
		for i := range list {
			e := &list[i]
			if e.Item.Kind != ItemInterface {
				continue
			}
			if e.Name == name || e.Name == "" && r.InterfaceName(e.Item.Interface) == name {
				return e
			}
		}
		return nil
	}
	for _, s := range []struct {
		list    []WorldEntry
		entries wasmpkg.Ordered[wasmpkg.Stability]
	}{{w.Imports, d.InterfaceImportStability}, {w.Exports, d.InterfaceExportStability}} {
		for _, e := range s.entries {
			item := keyed(s.list, e.Name)
			if item == nil {
				return fmt.Errorf("missing interface `%s`", e.Name)
			}
			item.Item.Stability = stabilityOf(e.Value)
		}
	}
	for _, s := range []struct {
		list    []WorldEntry
		entries wasmpkg.Ordered[string]
	}{{w.Imports, d.InterfaceImportDocs}, {w.Exports, d.InterfaceExportDocs}} {
		for _, e := range s.entries {
			item := keyed(s.list, e.Name)
			if item == nil {
				return fmt.Errorf("missing interface `%s`", e.Name)
			}
			item.Item.Docs = e.Value
		}
	}
	for _, s := range []struct {
		entries    wasmpkg.Ordered[wasmpkg.FuncDocs]
		onlyExport bool
	}{{d.Funcs, false}, {d.FuncExports, true}} {
		for _, f := range s.entries {
			var item *WorldEntry
			if !s.onlyExport {
				item = worldEntry(w.Imports, f.Name)
			}
			if item == nil {
				item = worldEntry(w.Exports, f.Name)
			}
			if item == nil || item.Item.Kind != ItemFunction {
				return fmt.Errorf("missing func %q", f.Name)
			}
			injectFunc(item.Item.Function, f.Value)
		}
	}
	if d.Docs != nil {
		w.Docs = *d.Docs
	}
	w.Stability = stabilityOf(d.Stability)
	return nil
}
