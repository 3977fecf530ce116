package instrument

// Saving locals around the call to yield.
//
// wazero's register allocator stores a value that is live across a call
// to the stack right after each of its definitions; for a value a loop
// carries (a local the loop writes) that is a store on every iteration,
// even when the call sits in a branch that is almost never taken. So the
// call to yield does not keep the locals alive across it: before the call
// the rarely taken branch copies them into save globals (new globals of
// the module, which its code cannot name, shared by all its functions:
// the call does not re-enter the instance) and after it copies them back.
// Locals that are not live across the call are no loop's values, and the
// hot path carries no spill.

// maxSaved bounds the locals one check saves: a function with more keeps
// the rest alive across the call (correct, only slower).
const maxSaved = 64

// The value types a save global can hold, in the order of their globals:
// the numeric types. Vectors and references stay alive across the call
// (correct, only slower): a mutable global of those types would keep the
// runtime from taking snapshots of the instance.
var saveTypes = [...]byte{0x7f, 0x7e, 0x7d, 0x7c} // i32 i64 f32 f64

const numSaveTypes = len(saveTypes)

// saveType is the index of value type t in saveTypes, or -1.
func saveType(t byte) int {
	for i, x := range saveTypes {
		if x == t {
			return i
		}
	}
	return -1
}

// slot is a local and the save global it goes through.
type slot struct {
	local, global uint32
	typ           byte
}

// saved lists the locals among the first n of f (those marked in only, if
// only is not nil) that a check saves around its call, at most maxSaved,
// and their save globals: the k-th saved local of a type goes through the
// k-th save global of that type. Before saveGlobals has run, global
// numbers are relative to their type's first.
func (mod *module) saved(f *body, n int, only []bool) []slot {
	var s []slot
	var next [numSaveTypes]uint32
	for i, t := range f.locals[:n] {
		if len(s) == maxSaved {
			break
		}
		k := saveType(t)
		if k < 0 || (only != nil && !only[i]) {
			continue
		}
		s = append(s, slot{local: uint32(i), global: mod.save[k] + next[k], typ: t})
		next[k]++
	}
	return s
}

// saveGlobals appends to globals the encoded save globals the bodies need
// (mutable, zero), sets mod.save, and returns how many it added.
func (mod *module) saveGlobals(globals []byte, bodies []body) ([]byte, uint32) {
	var need [numSaveTypes]uint32
	count := func(s []slot) {
		var c [numSaveTypes]uint32
		for _, x := range s {
			c[saveType(x.typ)]++
		}
		for k := range need {
			need[k] = max(need[k], c[k])
		}
	}
	for i := range bodies {
		f := &bodies[i]
		if len(f.loops) > 0 {
			count(mod.saved(f, len(f.locals), f.written))
		}
	}
	next, n := mod.budget+1, uint32(0)
	for k, t := range saveTypes {
		mod.save[k] = next
		next += need[k]
		for range need[k] {
			globals = append(globals, t, 0x01)
			switch t {
			case 0x7f:
				globals = append(globals, 0x41, 0)
			case 0x7e:
				globals = append(globals, 0x42, 0)
			case 0x7d:
				globals = append(globals, 0x43, 0, 0, 0, 0)
			case 0x7c:
				globals = append(globals, 0x44, 0, 0, 0, 0, 0, 0, 0, 0)
			}
			globals = append(globals, opEnd)
			n++
		}
	}
	return globals, n
}

// callSaving is a call to fn with the locals in saved copied into their
// save globals before it and back after it.
func (mod *module) callSaving(out []byte, fn uint32, saved []slot) []byte {
	for _, s := range saved {
		out = appendU32(append(out, opLocalGet), s.local)
		out = appendU32(append(out, opGlobalSet), s.global)
	}
	out = appendU32(append(out, opCall), fn)
	for _, s := range saved {
		out = appendU32(append(out, opGlobalGet), s.global)
		out = appendU32(append(out, opLocalSet), s.local)
	}
	return out
}
