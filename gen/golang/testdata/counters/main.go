// Package main implements world resources (the counters the Rust fixture
// implements) in Go on the guest bindings wasifill gen go writes; the
// gen/golang and interop tests build it.
package main

import "user/bindings"

type counter struct{ v uint64 }

func (c *counter) Add(n uint64) uint64 { c.v += n; return c.v }
func (c *counter) Get() uint64         { return c.v }
func (c *counter) Drop()               { live-- }

var live uint32

type counters struct{}

func (counters) NewCounter(start uint64) bindings.Counter { live++; return &counter{v: start} }
func (c counters) CounterZero() bindings.Counter          { return c.NewCounter(0) }
func (counters) Total(a, b bindings.Counter) uint64       { return a.Get() + b.Get() }
func (counters) Live() uint32                             { return live }

func init() { bindings.RegisterCounters(counters{}) }

func main() {}
