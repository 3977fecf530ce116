// Package instrument rewrites core WebAssembly modules so that a host can
// interrupt them: function entries and loops read an interrupt flag, a
// global the module's own code never names, and trap when it is set.
//
// Checks sit where Wasmtime places its epoch checks: at the start of every
// function body that loops or calls (so recursion without loops is
// caught; a leaf runs only its own straight code) and right after every
// loop instruction (so every back-edge passes one). At a loop header the
// check counts a local down and reads the flag (in tick) every LoopBudget
// iterations: on wazero, a flag read and a counter together cost more
// than either alone, and the counter is needed anyway.
//
// Two kinds of loop carry no check on their back-edge (loops.go): a loop
// whose own code bounds its iterations (an induction local advanced by a
// constant and compared with a constant) is charged its bound once,
// before it is entered; a top-tested loop whose bound is a local it does
// not write is strip-mined: it runs in chunks of LoopBudget iterations,
// up to ten times that for a small body (stripScale), its header
// comparing the induction local with the chunk's limit instead of the
// bound, and the check runs between chunks.
//
// A guest must also leave native code now and then: Go cannot preempt
// machine code wazero generated, so a guest spinning without ever calling
// into Go would hold off a garbage collection's stop-the-world, and with
// it every other goroutine, including the timer that sets the flag. So
// checks also count down a budget global; at zero they call yield, which
// calls the check import (CheckModule, CheckFunc): Go, where the
// scheduler may stop the goroutine and where the host may set the flag.
package instrument

import (
	"fmt"
	"slices"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// FlagExport is the export name of the interrupt flag: a mutable i32
// global, 0 while the guest may run. The name is reserved: a module that
// imports or exports it is refused.
const FlagExport = "wasifill:interrupt"

// Budget is how many function entries pass between two calls into Go.
const Budget = 10000

// LoopBudget is how many iterations of a loop pass between two checks of
// the flag; each such check counts LoopWeight against Budget, so a loop
// calls into Go every Budget/LoopWeight·LoopBudget iterations (100,000).
const (
	LoopBudget = 1000
	LoopWeight = 100
)

// Core module section ids.
const (
	secGlobal = 6
	secExport = 7
	secElem   = 9
	secCode   = 10
)

// module is what the rewrite needs to know of a module.
type module struct {
	funcs    uint32   // functions, imported and defined
	imported uint32   // imported functions
	check    uint32   // the check import
	globals  uint32   // globals, imported and defined
	params   [][]byte // the parameter types of each defined function
	flag     uint32   // the new globals and function
	budget   uint32
	yield    uint32
	tick     uint32
	types    []wasmbin.CoreFuncType
	save     [numSaveTypes]uint32 // the first save global of each type
}

// AddInterruptChecks rewrites m in place. It appends, so that no index
// moves: the flag global (exported as FlagExport) and a budget global,
// the yield function (and its type, if the module has none like it), a
// declarative element segment that lets the yield function take its own
// reference, and in each function with loops one i32 local (and one more
// per strip-mined loop). It puts a check at the start of every function
// body and after every loop instruction (or, for loops with a known
// bound, before the loop or between its chunks; see loops.go). Code that
// refers to any of the new items, or exports that do, are refused: the
// guest cannot see or change them. DWARF sections are dropped: their code
// offsets no longer hold.
func AddInterruptChecks(m *wasmbin.Binary) error {
	if m.Kind != wasmbin.KindCoreModule {
		return fmt.Errorf("instrument: not a core module")
	}
	mod, err := inspect(m)
	if err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	if len(mod.params) == 0 {
		return nil // no code: nothing can run
	}
	var code *wasmbin.Section
	for _, s := range m.Sections {
		if s.ID == secCode {
			code = s
		}
	}
	if code == nil {
		return fmt.Errorf("instrument: %d functions without a code section", len(mod.params))
	}
	bodies, err := mod.plan(code.Payload)
	if err != nil {
		return fmt.Errorf("instrument: code section: %w", err)
	}
	if err := mod.addCheckImport(m); err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	// The flag, the budget, then the save globals.
	globals := []byte{0x7f, 0x01, 0x41, 0x00, opEnd, 0x7f, 0x01}
	globals = append(appendI32Const(globals, Budget), opEnd)
	globals, n := mod.saveGlobals(globals, bodies)
	if err := appendEntries(m, secGlobal, 2+n, globals); err != nil {
		return fmt.Errorf("instrument: global section: %w", err)
	}
	export := appendU32(nil, uint32(len(FlagExport)))
	export = append(export, FlagExport...)
	export = append(export, byte(wasmbin.ExternGlobal))
	export = appendU32(export, mod.flag)
	if err := appendEntry(m, secExport, export); err != nil {
		return fmt.Errorf("instrument: export section: %w", err)
	}
	code.Payload, code.SizeBytes = mod.emit(code.Payload, bodies), nil
	m.RemoveCustomSections(".debug_")
	for _, b := range [][]byte{mod.yieldBody(), mod.tickBody()} {
		if _, err := m.AppendFunc(wasmbin.CoreFuncType{}, 0, b); err != nil {
			return fmt.Errorf("instrument: %w", err)
		}
	}
	return nil
}

// inspect counts the module's items and refuses one that names the
// reserved export or exports an item the rewrite adds.
func inspect(m *wasmbin.Binary) (*module, error) {
	imports, err := m.CoreImports()
	if err != nil {
		return nil, err
	}
	mod := &module{}
	for _, im := range imports {
		if im.Name == FlagExport || im.Module == FlagExport {
			return nil, fmt.Errorf("the module imports %q, a name the runtime reserves", FlagExport)
		}
		switch im.Kind {
		case wasmbin.ExternGlobal:
			mod.globals++
		case wasmbin.ExternFunc:
			mod.imported++
		}
	}
	for _, s := range m.Sections {
		if s.ID == secGlobal {
			r := &reader{b: s.Payload}
			n, err := r.u32()
			if err != nil {
				return nil, err
			}
			mod.globals += n
		}
	}
	types, err := m.CoreFuncTypes()
	if err != nil {
		return nil, err
	}
	funcs, err := m.FuncTypeIndices()
	if err != nil {
		return nil, err
	}
	mod.funcs = uint32(len(funcs))
	for _, t := range funcs[len(funcs)-definedFuncs(m, len(funcs)):] {
		if int(t) >= len(types) {
			return nil, fmt.Errorf("function of type %d, which is not defined", t)
		}
		mod.params = append(mod.params, types[t].Params)
	}
	// The check import comes after the other imports; yield and tick
	// after the module's functions, which all move up by one.
	mod.flag, mod.budget = mod.globals, mod.globals+1
	mod.check, mod.yield, mod.tick = mod.imported, mod.funcs+1, mod.funcs+2
	mod.types = types
	exports, err := m.CoreExports()
	if err != nil {
		return nil, err
	}
	for _, e := range exports {
		if e.Name == FlagExport {
			return nil, fmt.Errorf("the module exports %q, a name the runtime reserves", FlagExport)
		}
		if (e.Kind == wasmbin.ExternGlobal && e.Index >= mod.globals) || (e.Kind == wasmbin.ExternFunc && e.Index >= mod.funcs) {
			return nil, fmt.Errorf("export %q refers to an item the module does not define", e.Name)
		}
	}
	return mod, nil
}

// definedFuncs is how many of the module's n functions it defines.
func definedFuncs(m *wasmbin.Binary, n int) int {
	for _, s := range m.Sections {
		if s.ID == 3 {
			r := &reader{b: s.Payload}
			if d, err := r.u32(); err == nil && int(d) <= n {
				return int(d)
			}
		}
	}
	return 0
}

// appendEntry adds an encoded entry to the vector section id, making the
// section if there is none.
func appendEntry(m *wasmbin.Binary, id byte, entry []byte) error {
	return appendEntries(m, id, 1, entry)
}

// appendEntries adds n encoded entries to the vector section id, making
// the section if there is none.
func appendEntries(m *wasmbin.Binary, id byte, n uint32, entries []byte) error {
	for _, s := range m.Sections {
		if s.ID != id {
			continue
		}
		r := &reader{b: s.Payload}
		have, err := r.u32()
		if err != nil {
			return err
		}
		if uint64(have)+uint64(n) >= 1<<32 {
			return fmt.Errorf("section %d is full", id)
		}
		p := appendU32(make([]byte, 0, len(s.Payload)+len(entries)+5), have+n)
		p = append(p, s.Payload[r.pos:]...)
		s.Payload, s.SizeBytes = append(p, entries...), nil
		return nil
	}
	s := &wasmbin.Section{ID: id, Payload: append(appendU32(nil, n), entries...)}
	// Known sections go in module order: global (6) before export (7),
	// export and element (9) before data count (12), code (10) and
	// data (11); tags (13) come before globals.
	at := len(m.Sections)
	for i, x := range m.Sections {
		if x.ID != wasmbin.SecCustom && x.ID != 13 && x.ID >= id {
			at = i
			break
		}
	}
	m.Sections = append(m.Sections[:at], append([]*wasmbin.Section{s}, m.Sections[at:]...)...)
	return nil
}

// flagCheck is "global.get $flag; if; unreachable; end".
func (mod *module) flagCheck(out []byte) []byte {
	out = appendU32(append(out, opGlobalGet), mod.flag)
	return append(out, opIf, emptyBlock, opUnreachable, opEnd)
}

// entryCheck is the flag check, then one off the budget global (which
// starts at Budget), calling yield when it is no longer positive.
func (mod *module) entryCheck(out []byte) []byte {
	out = mod.flagCheck(out)
	out = appendU32(append(out, opGlobalGet), mod.budget)
	out = append(out, opI32Const, 1, opI32Sub, opGlobalSet)
	out = appendU32(out, mod.budget)
	out = appendU32(append(out, opGlobalGet), mod.budget)
	out = append(out, opI32Const, 0, opI32LeS, opIf, emptyBlock, opCall)
	out = appendU32(out, mod.yield)
	return append(out, opEnd)
}

// loopCheck is one off the budget local; at zero, tick is called with the
// locals in saved going through save globals, the budget local is
// refilled, and (with again) the loop starts over: "br 1" from the if to
// the loop, so that the rarely taken branch does not join the loop body
// again (for wazero, a join costs more than the check). A loop with
// parameters cannot start over from inside the if (they would be gone),
// so its check falls through instead.
func (mod *module) loopCheck(out []byte, local uint32, saved []slot, again bool) []byte {
	out = appendU32(append(out, opLocalGet), local)
	out = append(out, opI32Const, 1, opI32Sub, opLocalTee)
	out = appendU32(out, local)
	out = append(out, opI32Eqz, opIf, emptyBlock)
	out = mod.callSaving(out, mod.tick, saved)
	out = appendI32Const(out, LoopBudget)
	out = appendU32(append(out, opLocalSet), local)
	if again {
		out = append(out, opBr, 1)
	}
	return append(out, opEnd)
}

// preCharge is the loop budget's charge for a loop with a static bound of
// n iterations, before the loop is entered: n off the loop budget; when it
// is no longer positive, tick is called (with the locals in saved going
// through save globals) after charging the budget global for the
// iterations beyond LoopBudget as tick charges it for LoopBudget, and the
// loop budget is refilled. So a guest reads its flag at least every
// max(LoopBudget, n) iterations and calls into Go as often, per
// iteration, as with checked loops.
func (mod *module) preCharge(out []byte, local, n uint32, saved []slot) []byte {
	out = appendU32(append(out, opLocalGet), local)
	out = appendI32Const(out, int32(n))
	out = append(out, opI32Sub, opLocalTee)
	out = appendU32(out, local)
	out = append(out, opI32Const, 0, opI32LeS, opIf, emptyBlock)
	if extra := n / LoopBudget * LoopWeight; extra > 0 {
		out = appendU32(append(out, opGlobalGet), mod.budget)
		out = appendI32Const(out, int32(extra))
		out = append(out, opI32Sub, opGlobalSet)
		out = appendU32(out, mod.budget)
	}
	out = mod.callSaving(out, mod.tick, saved)
	out = appendI32Const(out, LoopBudget)
	out = appendU32(append(out, opLocalSet), local)
	return append(out, opEnd)
}

// tickBody is the flag check, then LoopWeight off the budget global,
// calling yield when it is no longer positive.
func (mod *module) tickBody() []byte {
	out := mod.flagCheck(nil)
	out = appendU32(append(out, opGlobalGet), mod.budget)
	out = appendI32Const(out, LoopWeight)
	out = append(out, opI32Sub, opGlobalSet)
	out = appendU32(out, mod.budget)
	out = appendU32(append(out, opGlobalGet), mod.budget)
	out = append(out, opI32Const, 0, opI32LeS, opIf, emptyBlock, opCall)
	out = appendU32(out, mod.yield)
	return append(out, opEnd)
}

// yieldBody refills the budget global, calls the check import (Go: the
// host may set the flag there) and checks the flag.
func (mod *module) yieldBody() []byte {
	out := appendI32Const(nil, Budget)
	out = appendU32(append(out, opGlobalSet), mod.budget)
	out = appendU32(append(out, opCall), mod.check)
	return mod.flagCheck(out)
}

func appendI32Const(out []byte, v int32) []byte {
	return wasmbin.AppendSLEB64(append(out, opI32Const), int64(v))
}

// body is what the rewrite knows of one function body: where its parts
// are in the code section, the types of its locals (parameters first),
// where each of its loop instructions ends, and which locals it writes.
type body struct {
	start, end int        // the body (after its size) in the code section
	groupsAt   int        // the first local group, from start
	code       int        // the first instruction, from start
	groups     int        // local groups
	locals     []byte     // the value type of each local; 0 for a reference type
	loops      []loopInfo // each loop instruction, from start
	written    []bool     // whether each local is the target of a local.set or local.tee
	strips     int        // loops strip-mined, each with a limit local
	calls      bool       // whether it has any call instruction
	costly     bool       // whether it has a costly instruction (see costly)
	funcRefs   []int      // where each instruction that names a function starts, from start
}

// plan reads the code section payload: every function body, checked for
// references to the items the rewrite adds.
func (mod *module) plan(payload []byte) ([]body, error) {
	r := &reader{b: payload}
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	if n != len(mod.params) {
		return nil, r.fail("%d function bodies for %d functions", n, len(mod.params))
	}
	bodies := make([]body, n)
	for i := range bodies {
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		start := r.pos
		if err := r.skip(int(size)); err != nil {
			return nil, err
		}
		bodies[i] = body{start: start, end: r.pos}
		if err := mod.readBody(&bodies[i], payload[start:r.pos], mod.params[i]); err != nil {
			return nil, fmt.Errorf("function body %d: %w", i, err)
		}
	}
	if r.pos != len(payload) {
		return nil, r.fail("%d bytes after the last function body", len(payload)-r.pos)
	}
	return bodies, nil
}

// maxLocals bounds a function's locals (wazero's own limit is lower).
const maxLocals = 1 << 20

// maxStrips bounds the loops of one function that are strip-mined (each
// takes a local); the others keep their checks.
const maxStrips = 64

// readBody fills in f from the function body b, of a function with the
// given parameter types.
func (mod *module) readBody(f *body, b []byte, params []byte) error {
	r := &reader{b: b}
	groups, err := r.count(2)
	if err != nil {
		return err
	}
	f.groups, f.groupsAt = groups, r.pos
	f.locals = append(f.locals, params...)
	for i := 0; i < groups; i++ {
		n, err := r.u32()
		if err != nil {
			return err
		}
		if uint64(len(f.locals))+uint64(n) > maxLocals {
			return r.fail("more than %d locals", maxLocals)
		}
		t := r.b[min(r.pos, len(r.b)-1)]
		if err := r.valType(); err != nil {
			return err
		}
		if t == refNull || t == ref || saveType(t) < 0 {
			t = 0
		}
		for range n {
			f.locals = append(f.locals, t)
		}
	}
	for i, t := range f.locals[:len(params)] {
		if saveType(t) < 0 {
			f.locals[i] = 0
		}
	}
	f.code = r.pos
	f.written = make([]bool, len(f.locals))
	// Refuse references to the new items; note where each loop
	// instruction is and which locals are written.
	var instrs []Instr
	var loopAt []int   // the index in instrs of each loop
	var costlyAt []int // the index in instrs of each costly instruction
	err = Expr(b, f.code, func(in Instr) error {
		instrs = append(instrs, in)
		if costly(in) {
			f.costly = true
			costlyAt = append(costlyAt, len(instrs)-1)
		}
		if in.Prefix != 0 {
			return nil
		}
		var limit uint64
		if in.Code >= opCall && in.Code <= opReturnCallRef {
			f.calls = true
		}
		switch in.Code {
		case opLoop:
			p, err := mod.blockParams(b, in.Offset+1)
			if err != nil {
				return err
			}
			f.loops = append(f.loops, loopInfo{at: in.Offset, end: in.End, params: p})
			loopAt = append(loopAt, len(instrs)-1)
			return nil
		case opLocalGet, opLocalSet, opLocalTee:
			limit = uint64(len(f.locals))
		case opGlobalGet, opGlobalSet:
			limit = uint64(mod.globals)
		case opCall, opReturnCall, opRefFunc:
			limit = uint64(mod.funcs)
		default:
			return nil
		}
		ir := &reader{b: b, pos: in.Offset + 1}
		idx, err := ir.u32()
		if err != nil || uint64(idx) >= limit {
			return &DecodeError{Offset: in.Offset, Msg: fmt.Sprintf("instruction 0x%02x refers to an item the module does not define", in.Code)}
		}
		switch in.Code {
		case opLocalSet, opLocalTee:
			f.written[idx] = true
		case opCall, opReturnCall, opRefFunc:
			f.funcRefs = append(f.funcRefs, in.Offset)
		}
		return nil
	})
	if err != nil || len(loopAt) == 0 {
		return err
	}
	// Loops with a static bound are charged at entry instead.
	c := newClassifier(b, instrs, len(params))
	for i, k := range loopAt {
		l := &f.loops[i]
		// The first costly instruction after the loop instruction, if
		// any, is inside the loop when it comes before the loop's end.
		if at, _ := slices.BinarySearch(costlyAt, k+1); at < len(costlyAt) {
			l.everyIteration = c.ins[k].match < 0 || costlyAt[at] < c.ins[k].match
		}
		if l.params || l.everyIteration {
			continue
		}
		if l.charge, l.strip = c.classify(k); l.strip != nil {
			if f.strips == maxStrips {
				l.strip = nil
				continue
			}
			// Its limit: a local after the loop budget.
			l.strip.limit = uint32(len(f.locals)) + 1 + uint32(f.strips)
			f.strips++
		}
	}
	return nil
}

// blockParams reports whether the block type at pos in b has parameters.
func (mod *module) blockParams(b []byte, pos int) (bool, error) {
	r := &reader{b: b, pos: pos}
	if pos < len(b) && b[pos] >= 0x40 && b[pos] < 0x80 {
		return false, nil // empty, or one value type (negative as an s33)
	}
	t, err := r.sleb(33)
	if err != nil || t < 0 || t >= int64(len(mod.types)) {
		return false, &DecodeError{Offset: pos, Msg: "a loop of a type the module does not define"}
	}
	return len(mod.types[t].Params) > 0, nil
}

// emit returns the code section payload with the checks in.
func (mod *module) emit(payload []byte, bodies []body) []byte {
	out := appendU32(make([]byte, 0, len(payload)+len(payload)/4+64*len(bodies)), uint32(len(bodies)))
	var buf []byte
	for i := range bodies {
		f := &bodies[i]
		buf = mod.instrumentBody(buf[:0], payload[f.start:f.end], f)
		out = appendU32(out, uint32(len(buf)))
		out = append(out, buf...)
	}
	return out
}

// instrumentBody appends to out the function body b with the checks in
// and its function indices renumbered.
func (mod *module) instrumentBody(out, b []byte, f *body) []byte {
	leaf := len(f.loops) == 0 && !f.calls && !f.costly
	var budget uint32
	switch {
	case leaf: // it returns after its straight code, soon: no check
		out = append(out, b[:f.code]...)
	case len(f.loops) == 0:
		out = append(out, b[:f.code]...)
		out = mod.entryCheck(out)
	default:
		// One more local: the loop budget, at index len(f.locals).
		budget = uint32(len(f.locals))
		out = appendU32(out, uint32(f.groups+1))
		out = append(out, b[f.groupsAt:f.code]...)
		out = append(appendU32(out, uint32(1+f.strips)), 0x7f)
		out = mod.entryCheck(out)
		out = appendI32Const(out, LoopBudget)
		out = appendU32(append(out, opLocalSet), budget)
	}
	saved := mod.saved(f, len(f.locals), f.written)
	copied, loop, ref := f.code, 0, 0
	for loop < len(f.loops) || ref < len(f.funcRefs) {
		if ref == len(f.funcRefs) || (loop < len(f.loops) && f.loops[loop].at < f.funcRefs[ref]) {
			l := f.loops[loop]
			if l.strip != nil && l.strip.bottom {
				out = append(out, b[copied:l.at]...)
				out = mod.stripBottom(out, b[l.at:l.end], b, l.end, l.strip, budget, saved)
				copied = l.strip.back
			} else if l.strip != nil {
				out = append(out, b[copied:l.at]...)
				out = mod.stripHeader(out, b[l.at:l.end], b, l.strip, budget, saved)
				copied = l.strip.back
			} else if l.everyIteration {
				// A costly instruction in the body: tick at every
				// iteration, so that the flag is read between two.
				out = append(out, b[copied:l.end]...)
				out = appendU32(append(out, opCall), mod.tick)
				copied = l.end
			} else if l.charge > 0 {
				// Before the loop: its iterations, charged at once.
				out = append(out, b[copied:l.at]...)
				out = mod.preCharge(out, budget, l.charge, saved)
				copied = l.at
			} else {
				out = append(out, b[copied:l.end]...)
				out = mod.loopCheck(out, budget, saved, !l.params)
				copied = l.end
			}
			loop++
			continue
		}
		at := f.funcRefs[ref]
		r := &reader{b: b, pos: at + 1}
		idx, _ := r.u32() // read before, in readBody
		out = append(out, b[copied:at]...)
		out = appendU32(append(out, b[at]), mod.shift(idx))
		copied = r.pos
		ref++
	}
	return append(out, b[copied:]...)
}
