package dwarfcheck

// SetMaxRanges sets maxRanges for a test and returns a function that
// restores it.
func SetMaxRanges(n int) (restore func()) {
	old := maxRanges
	maxRanges = n
	return func() { maxRanges = old }
}
