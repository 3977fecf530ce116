//go:build race

package lattice_test

// The race detector slows everything about tenfold: the fault test then
// makes fewer calls, so that what it measures is the lattice, not a
// starved scheduler.
func init() { raceEnabled = true }
