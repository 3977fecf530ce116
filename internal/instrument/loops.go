package instrument

// Loops with a known bound.
//
// A loop whose iterations are bounded by its own code needs no check on
// each back-edge: the iterations it can run are charged to the loop
// budget once, before it is entered (see preCharge), and it runs
// unchecked. A bottom-tested loop qualifies (bottomTested) when all of
// these hold:
//
//   - it has no parameters, and its body ends with "br_if 0", its only
//     back-edge: no other instruction in the body (at any depth) names
//     its label;
//   - the br_if's condition is an unsigned comparison of an i32 local i
//     (the induction variable) with a constant K: i <u K, i <=u K, their
//     mirrored forms, or i != K when i's value on entry is known (i
//     itself is i != 0: K = 2^32);
//   - the body writes i exactly once, with i + c (c a positive i32
//     constant), in the body's own instruction sequence (not in a nested
//     block, so every iteration that reaches the br_if runs it), before
//     the comparison reads i.
//
// Then every iteration that goes on adds exactly c to i without wrapping
// (for i <u K: i + c <u K + c <= 2^32), so the loop runs at most
// ceil(K/c)+1 times per entry (fewer when i's entry value is known). A
// top-tested loop (topTested: an exit test "i >=u K; br_if" first, "br 0"
// last) runs at most ceil(K/c) times. Loops whose bound times their body's
// size is too large (maxStaticIterations, maxStaticWork) keep their
// check, so a guest still reads its flag within a bounded amount of work.
//
// A loop whose bound is a local n that the loop does not write, with a
// body without branches or calls, is strip-mined instead (stripHeader for
// top-tested loops, stripBottom for bottom-tested ones). Everything else
// keeps the check at its header, exactly as before.

// Bounds on loops that run unchecked: the iterations charged at entry,
// and those iterations times the instructions of the body (what runs
// between two flag checks at most, beside a checked loop's 1,000
// iterations of its body).
const (
	maxStaticIterations = 1 << 17
	maxStaticWork       = 1 << 22
)

// Opcodes the loop classifier reads.
const (
	opBlock      = 0x02
	opElse       = 0x05
	opTry        = 0x06
	opCatch      = 0x07
	opThrow      = 0x08
	opRethrow    = 0x09
	opThrowRef   = 0x0a
	opBrIf       = 0x0d
	opBrTable    = 0x0e
	opReturn     = 0x0f
	opDelegate   = 0x18
	opCatchAll   = 0x19
	opTryTable   = 0x1f
	opI32Ne      = 0x47
	opI32LtU     = 0x49
	opI32GtU     = 0x4b
	opI32LeU     = 0x4d
	opI32GeU     = 0x4f
	opI32Add     = 0x6a
	opSelect     = 0x1b
	opI32DivU    = 0x6e
	opBrOnNull   = 0xd5
	opBrOnNonNul = 0xd6
)

// loopInfo is one loop instruction of a function body.
type loopInfo struct {
	at, end int    // where the loop instruction starts and ends (after its block type)
	params  bool   // whether the loop has parameters
	charge  uint32 // iterations charged at entry; 0 for a loop checked at its header
	strip   *strip // how the loop runs in chunks, if it does (charge is then 0)

	// everyIteration: the loop's body (nested loops included) has a
	// costly instruction, so it calls tick at every iteration instead
	// (it is neither charged nor strip-mined).
	everyIteration bool
}

// costly reports whether in is an instruction whose time its operands
// decide rather than its count: memory.grow, bulk memory and table
// operations (init, copy, fill, grow) and atomic waits. One can run for
// many milliseconds, so a loop around one reads the flag at every
// iteration and a function with one reads it at entry, leaf or not.
func costly(in Instr) bool {
	switch in.Prefix {
	case 0:
		return in.Code == 0x40 // memory.grow
	case 0xfc:
		switch in.Code {
		case 8, 10, 11, 12, 14, 15, 17: // memory.init, .copy, .fill; table.init, .copy, .grow, .fill
			return true
		}
	case 0xfe:
		return in.Code == 1 || in.Code == 2 // memory.atomic.wait32, wait64
	}
	return false
}

// strip is a top-tested loop with a bound the loop does not write, run in
// chunks of at most LoopBudget·scale iterations (see stripHeader).
type strip struct {
	iv, bound uint32 // the induction local and the bound local
	step      uint32 // what each iteration adds to iv
	scale     uint32 // a chunk runs LoopBudget·scale iterations (stripScale)
	exit      uint32 // the label the exit test branches to, from the loop body
	test      int    // where the exit test ends (after its br_if)
	back      int    // where the final "br 0" starts
	peel      bool   // whether the body (test to back) can run again inside the header
	limit     uint32 // the local holding the chunk's limit (set by the rewrite)

	// A bottom-tested loop ("body; br_if 0 (i op n)"): the body runs up to
	// cond, the iv operand of the comparison is at ivFrom:ivTo, then the
	// comparison cond (lt_u, gt_u or ne) with iv first or not.
	bottom       bool
	body, ivFrom int
	ivTo         int
	cond         byte
	ivFirst      bool
}

// flatInstr is an instruction of a body with where its block ends, for
// block, loop, if, try and try_table (the index of the end or delegate;
// -1 for others or when the body ends first).
type flatInstr struct {
	Instr
	match int
}

// classifier holds one function body's instructions for classify.
type classifier struct {
	b      []byte // the body (offsets in instrs are from its start)
	ins    []flatInstr
	params int // parameters among the locals: their entry values are unknown
	budget int // instructions the classifier may still scan
}

// newClassifier matches the blocks of instrs, a body's instructions.
func newClassifier(b []byte, instrs []Instr, params int) *classifier {
	c := &classifier{b: b, ins: make([]flatInstr, len(instrs)), params: params, budget: 8*len(instrs) + 4096}
	var open []int
	for k, in := range instrs {
		c.ins[k] = flatInstr{Instr: in, match: -1}
		if in.Prefix != 0 {
			continue
		}
		switch in.Code {
		case opBlock, opLoop, opIf, opTry, opTryTable:
			open = append(open, k)
		case opEnd, opDelegate:
			if n := len(open); n > 0 {
				c.ins[open[n-1]].match = k
				open = open[:n-1]
			}
		}
	}
	return c
}

// op is the one-byte opcode of instruction k, or -1 for a prefixed one
// or an index out of range.
func (c *classifier) op(k int) int {
	if k < 0 || k >= len(c.ins) || c.ins[k].Prefix != 0 {
		return -1
	}
	return int(c.ins[k].Code)
}

// imm is the first immediate of instruction k, read as an unsigned or
// (signed) as an i32 constant.
func (c *classifier) imm(k int, signed bool) (uint32, bool) {
	r := &reader{b: c.b, pos: c.ins[k].Offset + 1}
	if signed {
		v, err := r.sleb(32)
		return uint32(int32(v)), err == nil
	}
	v, err := r.u32()
	return v, err == nil
}

// local is the local instruction k reads (local.get) or writes
// (local.set, local.tee), or -1.
func (c *classifier) local(k int, ops ...int) int64 {
	op := c.op(k)
	for _, o := range ops {
		if op == o {
			if v, ok := c.imm(k, false); ok {
				return int64(v)
			}
		}
	}
	return -1
}

// constAt is the value of instruction k if it is an i32.const.
func (c *classifier) constAt(k int) (uint32, bool) {
	if c.op(k) != opI32Const {
		return 0, false
	}
	return c.imm(k, true)
}

// classify returns the iterations to charge at the entry of the loop
// instruction at index k, or how to strip-mine it, or neither when it
// keeps its check.
func (c *classifier) classify(k int) (uint32, *strip) {
	end := c.ins[k].match
	if end < 0 || c.op(end) != opEnd || end-k < 5 {
		return 0, nil
	}
	if c.op(end-1) == opBr {
		return c.topTested(k, end)
	}
	if n := c.bottomTested(k, end); n > 0 {
		return n, nil
	}
	return 0, c.bottomStrip(k, end)
}

// bottomTested returns the iterations to charge at the entry of the loop
// at k (ending at end), or 0.
func (c *classifier) bottomTested(k, end int) uint32 {
	last := end - 1
	if c.op(last) != opBrIf {
		return 0
	}
	if l, ok := c.imm(last, false); !ok || l != 0 {
		return 0
	}
	// The condition: a comparison of the induction local with a constant,
	// or the local itself (i != 0: clang counts a negative offset up to 0).
	cmp := last - 1
	cond := c.op(cmp)
	if cond == opLocalGet || cond == opLocalTee {
		return c.bounded(k, end, cmp, opI32Ne, 1<<32)
	}
	if cond != opI32LtU && cond != opI32GtU && cond != opI32LeU && cond != opI32GeU && cond != opI32Ne {
		return 0
	}
	rhs := cmp - 1
	rhsStart := c.operandStart(rhs)
	lhs := rhsStart - 1
	if rhsStart <= k+1 || c.operandStart(lhs) <= k {
		return 0
	}
	ivAt, bound := lhs, rhs
	if _, ok := c.constAt(lhs); ok {
		// K op i: mirror to i op' K.
		ivAt, bound = rhs, lhs
		switch cond {
		case opI32GtU:
			cond = opI32LtU
		case opI32GeU:
			cond = opI32LeU
		case opI32LtU, opI32LeU:
			return 0 // K <u i: i grows away from the bound
		}
	} else if cond == opI32GtU || cond == opI32GeU {
		return 0
	}
	k32, ok := c.constAt(bound)
	if !ok {
		return 0
	}
	return c.bounded(k, end, ivAt, cond, uint64(k32))
}

// bounded returns the iterations to charge for the bottom-tested loop at
// k (ending at end) that goes on while i cond K, its induction local read
// (or written) at ivAt, or 0.
func (c *classifier) bounded(k, end, ivAt, cond int, K uint64) uint32 {
	last := end - 1
	iv := c.local(ivAt, opLocalGet, opLocalTee)
	if iv < 0 {
		return 0
	}
	// The one write of iv, in the body's own sequence, adding c.
	write, step := c.induction(k, end, iv)
	if write < 0 || write > ivAt || (write < ivAt && c.op(ivAt) != opLocalGet) {
		return 0
	}
	if c.backEdges(k, last) {
		return 0
	}
	start, known := c.entryValue(k, iv)
	var n uint64
	s, d := uint64(start), uint64(step)
	switch cond {
	case opI32LeU:
		K++ // i <=u K is i <u K+1 (2^32 when K is the largest: always true)
		fallthrough
	case opI32LtU:
		if K+d > 1<<32 {
			return 0 // i + c may wrap below K
		}
		n = (K+d-1)/d + 1
		if known && s+d < 1<<32 {
			n = 1
			if s < K {
				n = (K - s + d - 1) / d
			}
		}
	case opI32Ne:
		// From a known start, i reaches K exactly, without wrapping.
		if !known || s >= K || (K-s)%d != 0 {
			return 0
		}
		n = (K - s) / d
	}
	if n == 0 || n > maxStaticIterations || n*uint64(end-k) > maxStaticWork {
		return 0
	}
	return uint32(n)
}

// operandStart is the index of the first instruction of the operand
// whose last instruction is k: local.get and i32.const alone, local.tee
// and i32.add with their operands; -1 for anything else.
func (c *classifier) operandStart(k int) int {
	for depth := 0; depth < 4; depth++ {
		switch c.op(k) {
		case opLocalGet, opI32Const:
			return k
		case opLocalTee:
			k--
			continue
		case opI32Add:
			b := c.operandStart(k - 1)
			if b < 0 {
				return -1
			}
			return c.operandStart(b - 1)
		}
		return -1
	}
	return -1
}

// induction finds the only write of local iv in the loop body (from the
// loop instruction at k to its end): its index and the constant it adds.
// It returns -1 if iv is written more than once, in a nested block, or
// with anything but iv + c (c a positive i32).
func (c *classifier) induction(k, end int, iv int64) (int, uint32) {
	write, depth := -1, 0
	if c.budget -= end - k; c.budget < 0 {
		return -1, 0
	}
	for j := k + 1; j < end; j++ {
		switch c.op(j) {
		case opBlock, opLoop, opIf, opTry, opTryTable:
			depth++
		case opEnd, opDelegate:
			depth--
		case opLocalSet, opLocalTee:
			if c.local(j, opLocalSet, opLocalTee) != iv {
				continue
			}
			if write >= 0 || depth != 0 {
				return -1, 0
			}
			write = j
		}
	}
	if write < 0 {
		return -1, 0
	}
	// iv + c or c + iv, right before the write.
	if c.op(write-1) != opI32Add {
		return -1, 0
	}
	a, b := write-3, write-2
	if c.local(a, opLocalGet) != iv {
		a, b = b, a
	}
	if a <= k || b <= k || c.local(a, opLocalGet) != iv {
		return -1, 0
	}
	step, ok := c.constAt(b)
	if !ok || int32(step) <= 0 {
		return -1, 0
	}
	return write, step
}

// backEdges reports whether any instruction of the loop body at k, other
// than its last one (at last), names the loop's label, or is one the
// classifier does not follow.
func (c *classifier) backEdges(k, last int) bool {
	if c.budget -= last - k; c.budget < 0 {
		return true
	}
	depth := uint32(0) // blocks open inside the loop body
	for j := k + 1; j < last; j++ {
		in := c.ins[j]
		if in.Prefix != 0 {
			continue // no prefixed instruction the walker knows takes a label
		}
		r := &reader{b: c.b, pos: in.Offset + 1}
		switch in.Code {
		case opBlock, opLoop, opIf, opTry:
			depth++
		case opEnd:
			depth--
		case opDelegate:
			// Its label counts from outside the try (or, read the other
			// way, from inside): either naming the loop is refused.
			l, err := r.u32()
			if err != nil || l == depth || l+1 == depth {
				return true
			}
			depth--
		case opBr, opBrIf, opRethrow, opBrOnNull, opBrOnNonNul:
			if l, err := r.u32(); err != nil || l == depth {
				return true
			}
		case opBrTable:
			n, err := r.count(1)
			if err != nil {
				return true
			}
			for range n + 1 {
				if l, err := r.u32(); err != nil || l == depth {
					return true
				}
			}
		case opTryTable:
			if r.blockType() != nil {
				return true
			}
			n, err := r.count(2)
			if err != nil {
				return true
			}
			for range n {
				kind, err := r.byte()
				if err != nil {
					return true
				}
				if kind <= 0x01 {
					if _, err := r.u32(); err != nil {
						return true
					}
				}
				// Catch labels count from outside the try_table.
				if l, err := r.u32(); err != nil || l == depth {
					return true
				}
			}
			depth++
		}
	}
	return depth != 0
}

// entryValue is the value of local iv when the loop at k is entered, if
// every path to it sets iv to a constant (or the function's start, for a
// local that is not a parameter: zero) with nothing in between that
// could be reached otherwise or write iv.
func (c *classifier) entryValue(k int, iv int64) (uint32, bool) {
	for j := k - 1; j >= 0; j-- {
		if c.budget--; c.budget < 0 {
			return 0, false
		}
		if c.ins[j].Prefix != 0 {
			continue // no prefixed instruction branches or writes a local
		}
		switch c.op(j) {
		case opLocalSet, opLocalTee:
			if c.local(j, opLocalSet, opLocalTee) == iv {
				return c.constAt(j - 1)
			}
		case opBlock, opIf:
			// Its body is entered only from here.
		case opEnd, opElse, opLoop, opTry, opTryTable, opCatch, opCatchAll, opDelegate,
			opBr, opBrTable, opReturn, opUnreachable, opThrow, opRethrow, opThrowRef,
			opReturnCall, 0x13, opReturnCallRef:
			return 0, false // a join, or code reached only by a jump
		}
	}
	if iv < int64(c.params) {
		return 0, false
	}
	return 0, true // a local that is not a parameter starts at zero
}

// Top-tested loops: the body starts with the exit test
//
//	local.get i; (i32.const K | local.get n); i32.ge_u; br_if D  (D > 0)
//
// (or its mirror, "K/n; local.get i; i32.le_u"), ends with "br 0", its
// only back-edge, and writes i once, in its own sequence, adding a
// positive constant c. The body runs only while i <u K (or n), and i
// grows by exactly c per iteration without wrapping (i <u K implies
// i + c <u K + c <= 2^32), so with a constant K it runs at most
// ceil(K/c) times (fewer from a known start): it is charged at entry.
// With a bound local n that the loop does not write, it is strip-mined.

// topTested classifies the loop at k, whose last instruction is "br 0":
// the iterations to charge (constant bound), or how to strip-mine it
// (bound local), or neither.
func (c *classifier) topTested(k, end int) (uint32, *strip) {
	last := end - 1
	if l, ok := c.imm(last, false); !ok || l != 0 || end-k < 7 {
		return 0, nil
	}
	if c.b[c.ins[k].Offset+1] != emptyBlock {
		return 0, nil
	}
	// The exit test: four instructions right after the loop instruction.
	a, b, cmp, br := k+1, k+2, k+3, k+4
	if c.op(br) != opBrIf {
		return 0, nil
	}
	exit, ok := c.imm(br, false)
	if !ok || exit == 0 {
		return 0, nil
	}
	switch c.op(cmp) {
	case opI32GeU:
	case opI32LeU:
		a, b = b, a
	default:
		return 0, nil
	}
	iv := c.local(a, opLocalGet)
	if iv < 0 {
		return 0, nil
	}
	write, step := c.induction(k, end, iv)
	if write < 0 || c.backEdges(k, last) {
		return 0, nil
	}
	if k32, ok := c.constAt(b); ok {
		K, d := uint64(k32), uint64(step)
		if K+d > 1<<32 {
			return 0, nil
		}
		n := (K + d - 1) / d
		if s, known := c.entryValue(k, iv); known {
			n = 0
			if uint64(s) < K {
				n = (K - uint64(s) + d - 1) / d
			}
		}
		n = max(n, 1)
		if n > maxStaticIterations || n*uint64(end-k) > maxStaticWork {
			return 0, nil
		}
		return uint32(n), nil
	}
	bound := c.local(b, opLocalGet)
	if bound < 0 || bound == iv || step > maxStripStep || c.writes(k, end, bound) {
		return 0, nil
	}
	st := &strip{iv: uint32(iv), bound: uint32(bound), step: step, exit: exit,
		test: c.ins[br].End, back: c.ins[last].Offset, scale: c.stripScale(k, last, step)}
	st.peel = c.peelable(br+1, last)
	if !st.peel {
		return 0, nil
	}
	return 0, st
}

// maxStripStep bounds the step of a strip-mined loop: LoopBudget steps
// fit in an i32 (and LoopBudget·scale steps, stripScale sees to it).
const maxStripStep = (1<<31 - 1) / LoopBudget

// A chunk of a strip-mined loop runs LoopBudget·scale iterations between
// two checks, scale being stripWork over the instructions of one
// iteration, between 1 and maxStripScale: a small body runs longer chunks
// (the code between chunks, a few dozen instructions and a branch the
// predictor misses, cost the tight loop of BenchmarkLoopLayouts 7–9% with
// chunks of LoopBudget iterations, nothing measurable with ten times
// that), while no chunk of a scaled loop runs more than about
// LoopBudget·stripWork instructions, what a chunk of a body of stripWork
// instructions runs unscaled.
const (
	stripWork     = 200
	maxStripScale = 10
)

// stripScale is the scale of a strip-mined loop whose iteration is the
// instructions from..to (exclusive) and whose induction steps by step,
// never so large that LoopBudget·scale steps overflow an i32. (A body
// with a costly instruction is not strip-mined at all.)
func (c *classifier) stripScale(from, to int, step uint32) uint32 {
	scale := uint32(stripWork / max(to-from, 1))
	return max(1, min(scale, maxStripScale, maxStripStep/step))
}

// maxPeel bounds the bytes of a body the header runs a second copy of.
const maxPeel = 1024

// peelable reports whether instructions from..to (exclusive) can be
// copied into the loop header unchanged: they name no label, function or
// loop (each of which would need rewriting there) and are few.
func (c *classifier) peelable(from, to int) bool {
	if from >= to || c.ins[to-1].End-c.ins[from].Offset > maxPeel {
		return false
	}
	for j := from; j < to; j++ {
		if c.ins[j].Prefix != 0 {
			continue
		}
		switch c.ins[j].Code {
		case opLoop, opBr, opBrIf, opBrTable, opBrOnNull, opBrOnNonNul, opTry, opTryTable,
			opCatch, opCatchAll, opDelegate, opRethrow, opRefFunc:
			return false
		}
		if c.ins[j].Code >= opCall && c.ins[j].Code <= opReturnCallRef {
			return false
		}
	}
	return true
}

// writes reports whether the loop body from k to end writes local x.
func (c *classifier) writes(k, end int, x int64) bool {
	if c.budget -= end - k; c.budget < 0 {
		return true
	}
	for j := k + 1; j < end; j++ {
		if c.local(j, opLocalSet, opLocalTee) == x {
			return true
		}
	}
	return false
}
