package wasmpkg

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// DocsSection is the name of the custom section in which wit-component
// stores a package's docs and stability (wit-parser's metadata.rs):
// a version byte (0 or 1) and then JSON.
const DocsSection = "package-docs"

// Stability is a decoded stability attribute: Since (stable) or Feature
// (unstable), and Deprecated; all empty for none ("unknown").
type Stability struct {
	Since, Feature, Deprecated string
}

// UnmarshalJSON reads serde's encoding of wit-parser's Stability:
// "unknown", {"stable": {"since", "deprecated"?}} or
// {"unstable": {"feature", "deprecated"?}}.
func (s *Stability) UnmarshalJSON(b []byte) error {
	var word string
	if json.Unmarshal(b, &word) == nil {
		if word != "unknown" {
			return fmt.Errorf("unknown stability %q", word)
		}
		*s = Stability{}
		return nil
	}
	var v struct {
		Stable *struct {
			Since      string  `json:"since"`
			Deprecated *string `json:"deprecated"`
		} `json:"stable"`
		Unstable *struct {
			Feature    string  `json:"feature"`
			Deprecated *string `json:"deprecated"`
		} `json:"unstable"`
	}
	if err := strictUnmarshal(b, &v); err != nil {
		return err
	}
	switch {
	case v.Stable != nil && v.Unstable == nil:
		*s = Stability{Since: v.Stable.Since}
		if v.Stable.Deprecated != nil {
			s.Deprecated = *v.Stable.Deprecated
		}
		if s.Since == "" {
			return fmt.Errorf("stable without a version")
		}
	case v.Unstable != nil && v.Stable == nil:
		*s = Stability{Feature: v.Unstable.Feature}
		if v.Unstable.Deprecated != nil {
			s.Deprecated = *v.Unstable.Deprecated
		}
		if s.Feature == "" {
			return fmt.Errorf("unstable without a feature")
		}
	default:
		return fmt.Errorf("stability must be `stable` or `unstable`")
	}
	return nil
}

// PackageDocs is the content of the package-docs section.
type PackageDocs struct {
	Docs       *string                `json:"docs"`
	Worlds     Ordered[WorldDocs]     `json:"worlds"`
	Interfaces Ordered[InterfaceDocs] `json:"interfaces"`
}

// WorldDocs is a world's entry (v1 names; "interfaces" and "funcs" hold
// imports, or exports not also imported under the same name).
type WorldDocs struct {
	Docs                     *string                `json:"docs"`
	Stability                Stability              `json:"stability"`
	Interfaces               Ordered[InterfaceDocs] `json:"interfaces"`
	Types                    Ordered[TypeDocs]      `json:"types"`
	Funcs                    Ordered[FuncDocs]      `json:"funcs"`
	InterfaceExports         Ordered[InterfaceDocs] `json:"interface_exports"`
	FuncExports              Ordered[FuncDocs]      `json:"func_exports"`
	InterfaceImportStability Ordered[Stability]     `json:"interface_import_stability"`
	InterfaceExportStability Ordered[Stability]     `json:"interface_export_stability"`
	InterfaceImportDocs      Ordered[string]        `json:"interface_import_docs"`
	InterfaceExportDocs      Ordered[string]        `json:"interface_export_docs"`
}

// InterfaceDocs is an interface's entry.
type InterfaceDocs struct {
	Docs      *string           `json:"docs"`
	Stability Stability         `json:"stability"`
	Funcs     Ordered[FuncDocs] `json:"funcs"`
	Types     Ordered[TypeDocs] `json:"types"`
}

// TypeDocs is a type's entry; Items are the docs of record fields,
// variant and enum cases and flags, by name.
type TypeDocs struct {
	Docs      *string         `json:"docs"`
	Stability Stability       `json:"stability"`
	Items     Ordered[string] `json:"items"`
}

// FuncDocs is a function's entry: docs alone (the v0 form, a string or
// null) or docs and stability. Injecting it sets both, absent ones cleared.
type FuncDocs struct {
	Docs      *string
	Stability Stability
}

// UnmarshalJSON reads either form (serde's untagged enum).
func (f *FuncDocs) UnmarshalJSON(b []byte) error {
	var s *string
	if json.Unmarshal(b, &s) == nil {
		*f = FuncDocs{Docs: s}
		return nil
	}
	var v struct {
		Docs      *string   `json:"docs"`
		Stability Stability `json:"stability"`
	}
	if err := strictUnmarshal(b, &v); err != nil {
		return err
	}
	*f = FuncDocs{Docs: v.Docs, Stability: v.Stability}
	return nil
}

// Ordered is a JSON object kept in its order (wit-parser's IndexMap).
type Ordered[V any] []Entry[V]

// Entry is one member of an Ordered object.
type Entry[V any] struct {
	Name  string
	Value V
}

// UnmarshalJSON reads an object member by member.
func (o *Ordered[V]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return fmt.Errorf("expected an object")
	}
	*o = nil
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name := t.(string) // object keys are strings
		if seen[name] {
			return fmt.Errorf("duplicate key %q", name)
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var v V
		if err := strictUnmarshal(raw, &v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*o = append(*o, Entry[V]{name, v})
	}
	_, err = dec.Token()
	return err
}

// strictUnmarshal refuses unknown fields (serde's deny_unknown_fields).
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

// DecodeDocs reads a package-docs section's content.
func DecodeDocs(data []byte) (*PackageDocs, error) {
	if len(data) == 0 || data[0] > 1 {
		var v any = nil
		if len(data) > 0 {
			v = data[0]
		}
		return nil, fmt.Errorf("expected package-docs version 1, got %v", v)
	}
	var d PackageDocs
	if err := strictUnmarshal(data[1:], &d); err != nil {
		return nil, fmt.Errorf("package-docs: %w", err)
	}
	return &d, nil
}

// componentDocs finds and decodes the package-docs section, if any; more
// than one is an error, as in wit-parser.
func componentDocs(c *wasmbin.Component) (*PackageDocs, error) {
	var out *PackageDocs
	for _, def := range c.Defs {
		if cs, ok := def.(*wasmbin.CustomDef); ok && cs.Name == DocsSection {
			if out != nil {
				return nil, fmt.Errorf("multiple %q sections", DocsSection)
			}
			d, err := DecodeDocs(cs.Data)
			if err != nil {
				return nil, err
			}
			out = d
		}
	}
	return out, nil
}
