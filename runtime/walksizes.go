package runtime

import (
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Instantiating a component walks its definitions, appending to index
// spaces and filling export maps whose final sizes depend only on the
// component: the first instantiation records them, and later ones
// allocate each at its size once instead of growing it.

// walkSizes are the sizes a component's index spaces and exports reach.
type walkSizes struct {
	exports, funcs, instances, components, coreModules, coreInstances int
	lifted, lowered                                                   int    // canon lift and lower definitions
	core                                                              [5]int // core funcs, tables, memories, globals, tags
}

// walkSizes returns what an earlier instantiation of comp recorded (nil:
// none yet).
func (c *Compiled) walkSizes(comp *wasmbin.Component) *walkSizes {
	if c == nil || c.sizes == nil {
		return nil
	}
	if v, ok := c.sizes.Load(comp); ok {
		return v.(*walkSizes)
	}
	return nil
}

// learnSizes records the sizes s reached walking comp.
func (c *Compiled) learnSizes(comp *wasmbin.Component, s *state) {
	if c == nil || c.sizes == nil {
		return
	}
	sz := &walkSizes{exports: len(s.exports), funcs: len(s.funcs), instances: len(s.instances),
		components: len(s.components), coreModules: len(s.coreModules), coreInstances: len(s.coreInstances), lifted: s.nLifted, lowered: s.nLowered}
	for i := range sz.core {
		sz.core[i] = len(s.core[wasmbin.CoreSortBase+wasmbin.Sort(i)])
	}
	c.sizes.LoadOrStore(comp, sz)
}

// presize makes s's index spaces and exports with room for sz (nil:
// empty, to grow).
func (s *state) presize(sz *walkSizes) {
	if sz == nil {
		s.core = map[wasmbin.Sort][]coreItem{}
		s.exports = map[string]item{}
		return
	}
	s.core = make(map[wasmbin.Sort][]coreItem, len(sz.core))
	for i, n := range sz.core {
		if n > 0 {
			s.core[wasmbin.CoreSortBase+wasmbin.Sort(i)] = make([]coreItem, 0, n)
		}
	}
	s.exports = make(map[string]item, sz.exports)
	s.funcs = make([]*Func, 0, sz.funcs)
	s.instances = make([]*componentInstance, 0, sz.instances)
	s.components = make([]*componentDef, 0, sz.components)
	s.coreModules = make([]*wasmbin.Binary, 0, sz.coreModules)
	s.coreInstances = make([]coreInstance, 0, sz.coreInstances)
	if sz.lifted > 0 {
		s.lifted = make([]liftedFunc, 0, sz.lifted)
	}
	if sz.lowered > 0 {
		s.lowerings = make([]lowering, 0, sz.lowered)
	}
}

// bundleNames returns the inline exports of a core instance definition
// by name (a name exported twice is its last export's, as a map filled in
// order keeps it), made once per definition and compiled component.
func (c *Compiled) bundleNames(exports []wasmbin.CoreInlineExport) map[string]wasmbin.CoreInlineExport {
	if len(exports) == 0 {
		return nil
	}
	if c != nil && c.sizes != nil {
		if v, ok := c.sizes.Load(&exports[0]); ok {
			return v.(map[string]wasmbin.CoreInlineExport)
		}
	}
	names := make(map[string]wasmbin.CoreInlineExport, len(exports))
	for _, e := range exports {
		names[e.Name] = e
	}
	if c != nil && c.sizes != nil {
		c.sizes.LoadOrStore(&exports[0], names)
	}
	return names
}
