package instrument

// Strip-mining: loops whose bound is a local they do not write run in
// chunks of at most LoopBudget·scale iterations (stripScale), their
// back-edge comparing the induction local with the chunk's limit instead
// of the bound, and the check between chunks.

// stripHeader appends the strip-mined loop up to its final "br 0": the
// loop instruction (its bytes, opener), now the loop over chunks, then in
// place of its exit test and body
//
//	br_if exit (i >=u n)           ;; the loop's own exit test
//	charge min((n-i)/(c·scale), LoopBudget)+1 to the loop budget, calling tick at zero
//	limit = min(n, 2^32-c, i + LoopBudget·scale·c saturated)
//	if i >=u limit                 ;; i + c would wrap: no chunk
//	  body; br 1                   ;; one iteration here
//	end
//	block                          ;; the chunk
//	  loop
//	    br_if 1 (i >=u limit)
//	    body
//	    br 0
//	  end
//	end
//	                               ;; (the loop's own "br 0" follows)
//
// While i <u limit <= n the exit test would not branch, so the chunk runs
// without it; i grows by c per iteration without wrapping (i <u limit <=
// 2^32-c), so at most LoopBudget·scale iterations pass between two visits to
// the loop over chunks. An i so large that i + c wraps (beyond 2^32-c)
// leaves no limit above i: that iteration runs as a second copy of the
// body (its write of i included). The body has no branch (peelable), so
// the blocks around it move no label it names; the branches after it drop
// what it leaves on the stack, as the loop's own "br 0" does. The chunk is
// a loop of its own, holding nothing but the body and its test: the code
// between chunks, with its call, lies outside it, so that wazero keeps the
// chunk's values in registers (with the call inside the same loop, the
// tight loop of BenchmarkInterruption ran 1.28× its time unchecked; with
// this shape, within a few per cent).
func (mod *module) stripHeader(out, opener, b []byte, s *strip, budget uint32, saved []slot) []byte {
	get := func(x uint32) { out = appendU32(append(out, opLocalGet), x) }
	top := uint32(1<<32 - uint64(s.step)) // 2^32-c: i <u top cannot wrap
	out = append(out, opener...)
	// The loop's exit test.
	get(s.iv)
	get(s.bound)
	out = append(out, opI32GeU, opBrIf)
	out = appendU32(out, s.exit)
	out = mod.chargeChunk(out, s, budget, saved)
	out = mod.chunkLimit(out, s, top)
	// i + c wraps: one iteration here, then the back-edge, as the loop's
	// own "br 0" would take it.
	get(s.iv)
	get(s.limit)
	out = append(out, opI32GeU, opIf, emptyBlock)
	out = append(out, b[s.test:s.back]...)
	out = append(out, opBr, 1, opEnd)
	// The chunk.
	out = append(out, opBlock, emptyBlock, opLoop, emptyBlock)
	get(s.iv)
	get(s.limit)
	out = append(out, opI32GeU, opBrIf, 1)
	out = append(out, b[s.test:s.back]...)
	return append(out, opBr, 0, opEnd, opEnd)
}

// stripBottom appends the strip-mined bottom-tested loop up to its end:
// the loop instruction (opener), now the loop over chunks, after
// resetting its limit to 0, then
//
//	loop                          ;; the chunk
//	  body, i's operand           ;; the comparison's other operand, n, left out
//	  br_if 0 (i <u limit)        ;; the back-edge within a chunk
//	end
//	if (i op n)                   ;; the loop's own condition
//	  charge min((n-i)/(c·scale), LoopBudget)+1 to the loop budget, calling tick at zero
//	  limit = min(n, 2^32-c, i + LoopBudget·scale·c saturated), 0 if not above i
//	  br 1                        ;; the back-edge after a chunk
//	end                           ;; (the loop's own end follows)
//
// While i <u limit <= n, i op n holds (i <u n implies i != n), so the
// chunk's back-edge is one the loop takes; i grows by c per iteration
// without wrapping (limit <= 2^32-c), so at most LoopBudget·scale iterations
// pass between two visits to the code after the chunk. A limit of 0 (i
// at or beyond n, or too close to 2^32) sends every iteration through the
// loop's own condition. The body has no branch (peelable), so the chunk
// moves no label it names, and leaves nothing on the stack (the loop's
// own end takes none). As in stripHeader, the chunk is a loop of its own,
// with the call between chunks outside it.
func (mod *module) stripBottom(out, opener, b []byte, from int, s *strip, budget uint32, saved []slot) []byte {
	get := func(x uint32) { out = appendU32(append(out, opLocalGet), x) }
	set := func(x uint32) { out = appendU32(append(out, opLocalSet), x) }
	top := uint32(1<<32 - uint64(s.step))
	out = append(out, opI32Const, 0)
	set(s.limit)
	out = append(out, opener...)
	out = append(out, opLoop, emptyBlock)
	out = append(out, b[from:s.body]...)
	out = append(out, b[s.ivFrom:s.ivTo]...)
	get(s.limit)
	out = append(out, opI32LtU, opBrIf, 0, opEnd)
	if s.ivFirst {
		get(s.iv)
		get(s.bound)
	} else {
		get(s.bound)
		get(s.iv)
	}
	out = append(out, s.cond, opIf, emptyBlock)
	out = mod.chargeChunk(out, s, budget, saved)
	out = mod.chunkLimit(out, s, top)
	// Not above i: 0, every iteration through the condition.
	out = appendI32Const(out, 0)
	get(s.limit)
	get(s.iv)
	get(s.limit)
	out = append(out, opI32GeU, opSelect)
	set(s.limit)
	return append(out, opBr, 1, opEnd)
}

// chargeChunk charges a chunk's iterations, counted in units of scale
// iterations, at most (n-i)/(c·scale)+1 and LoopBudget+1, to the loop
// budget, calling tick when it is no longer positive: a full chunk calls
// tick once, whatever its scale. It comes before the limit is computed,
// so that the limit is not live across the call (see save.go).
func (mod *module) chargeChunk(out []byte, s *strip, budget uint32, saved []slot) []byte {
	get := func(x uint32) { out = appendU32(append(out, opLocalGet), x) }
	quotient := func() {
		get(s.bound)
		get(s.iv)
		out = append(out, opI32Sub)
		out = appendI32Const(out, int32(s.step*s.scale))
		out = append(out, opI32DivU)
	}
	get(budget)
	out = appendI32Const(out, LoopBudget)
	quotient()
	quotient()
	out = appendI32Const(out, LoopBudget)
	out = append(out, opI32GtU, opSelect, opI32Const, 1, opI32Add, opI32Sub, opLocalTee)
	out = appendU32(out, budget)
	out = append(out, opI32Const, 0, opI32LeS, opIf, emptyBlock)
	out = mod.callSaving(out, mod.tick, saved)
	out = appendI32Const(out, LoopBudget)
	out = appendU32(append(out, opLocalSet), budget)
	return append(out, opEnd)
}

// chunkLimit sets the limit to min(n, top, i + LoopBudget·scale·c), the sum
// saturated at 2^32-1 where it wraps.
func (mod *module) chunkLimit(out []byte, s *strip, top uint32) []byte {
	get := func(x uint32) { out = appendU32(append(out, opLocalGet), x) }
	set := func(x uint32) { out = appendU32(append(out, opLocalSet), x) }
	get(s.iv)
	out = appendI32Const(out, int32(LoopBudget*s.scale*s.step))
	out = append(out, opI32Add)
	set(s.limit)
	out = appendI32Const(out, -1)
	get(s.limit)
	get(s.limit)
	get(s.iv)
	out = append(out, opI32LtU, opSelect)
	set(s.limit)
	get(s.bound)
	get(s.limit)
	get(s.bound)
	get(s.limit)
	out = append(out, opI32LtU, opSelect)
	set(s.limit)
	out = appendI32Const(out, int32(top))
	get(s.limit)
	get(s.limit)
	out = appendI32Const(out, int32(top))
	out = append(out, opI32GtU, opSelect)
	set(s.limit)
	return out
}

// bottomStrip classifies the loop at k (ending at end) as a bottom-tested
// loop with a bound local, "body; br_if 0 (i <u n)" (or n >u i, or
// i != n, either way round), where i is the loop's induction local (see
// induction), n a local the loop does not write, and the body has no
// branch, call or loop (peelable): it is strip-mined (stripBottom).
func (c *classifier) bottomStrip(k, end int) *strip {
	last := end - 1
	if c.op(last) != opBrIf || c.b[c.ins[k].Offset+1] != emptyBlock {
		return nil
	}
	if l, ok := c.imm(last, false); !ok || l != 0 {
		return nil
	}
	cmp := last - 1
	cond := c.op(cmp)
	rhs := cmp - 1
	rhsStart := c.operandStart(rhs)
	lhs := rhsStart - 1
	lhsStart := c.operandStart(lhs)
	if rhsStart <= k+1 || lhsStart <= k {
		return nil
	}
	// Which side is i: the other must be a lone local.get of n.
	var ivStart, ivAt, nAt int
	var ivFirst bool
	switch {
	case (cond == opI32LtU || cond == opI32Ne) && rhsStart == rhs && c.op(rhs) == opLocalGet:
		ivStart, ivAt, nAt, ivFirst = lhsStart, lhs, rhs, true
	case (cond == opI32GtU || cond == opI32Ne) && lhsStart == lhs && c.op(lhs) == opLocalGet:
		ivStart, ivAt, nAt = rhsStart, rhs, lhs
	default:
		return nil
	}
	iv := c.local(ivAt, opLocalGet, opLocalTee)
	bound := c.local(nAt, opLocalGet)
	if iv < 0 || bound < 0 || iv == bound {
		return nil
	}
	write, step := c.induction(k, end, iv)
	if write < 0 || write > ivAt || (write < ivAt && c.op(ivAt) != opLocalGet) || step > maxStripStep {
		return nil
	}
	if c.backEdges(k, last) || c.writes(k, end, bound) || !c.peelable(k+1, last) {
		return nil
	}
	return &strip{iv: uint32(iv), bound: uint32(bound), step: step, bottom: true, scale: c.stripScale(k, end, step),
		body: c.ins[lhsStart].Offset, ivFrom: c.ins[ivStart].Offset, ivTo: c.ins[ivAt].End,
		cond: byte(cond), ivFirst: ivFirst, back: c.ins[end].Offset}
}
