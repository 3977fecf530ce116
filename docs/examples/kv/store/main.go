// Command store is the example's store, in plain Go on the generated
// guest bindings: an in-memory map. Asking it for "slow" makes it spin
// forever — to show a deadline stopping it.
package main

import (
	"sort"
	"strings"

	"kvstore/bindings"
)

type store struct{ data map[string][]byte }

// Get returns the value of key; "slow" never answers.
func (s *store) Get(key string) bindings.Result[bindings.Option[[]byte], bindings.Error] {
	if key == "slow" {
		for n := 0; ; n++ {
			if n < 0 {
				break
			}
		}
	}
	v, ok := s.data[key]
	return bindings.Result[bindings.Option[[]byte], bindings.Error]{Ok: bindings.Option[[]byte]{Some: ok, Value: v}}
}

// Set stores value under key.
func (s *store) Set(key string, value []byte) bindings.Result[struct{}, bindings.Error] {
	s.data[key] = value
	return bindings.Result[struct{}, bindings.Error]{}
}

// Keys lists the keys starting with prefix.
func (s *store) Keys(prefix string) bindings.Result[[]string, bindings.Error] {
	var out []string
	for k := range s.data {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return bindings.Result[[]string, bindings.Error]{Ok: out}
}

func init() {
	bindings.RegisterStore(&store{data: map[string][]byte{"ann": []byte("likes green tea"), "bob": []byte("is out")}})
}

func main() {}
