package wave_test

import (
	"testing"

	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
)

// BenchmarkParseFormat parses and prints a medium record, as `wasifill
// call` does with its arguments and result.
func BenchmarkParseFormat(b *testing.B) {
	typ, err := value.ParseType(`record { name: string, tags: list<string>, scores: list<f64>,
		state: variant { idle, busy(u32), failed(string) }, owner: option<record { id: u64, email: string }> }`)
	if err != nil {
		b.Fatal(err)
	}
	text := `{name: "wasifill \u{1f680}", tags: ["fill", "rpc", "deadline"], scores: [1.5, -2, 3.25, nan],
		state: busy(42), owner: some({id: 9007199254740993, email: "ops@example.org"})}`
	b.ReportAllocs()
	for b.Loop() {
		v, err := wave.Parse(typ, text)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := wave.Format(typ, v); err != nil {
			b.Fatal(err)
		}
	}
}
