package runtime_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/testenv"
)

// embedder uses the runtime (and componentize) as a program outside this
// module would: only
// exported names of public packages, so no type of an internal package
// may be needed to call anything (Go refuses the import of one).
const embedder = `package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/wasifill/wasifill/componentize"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

func main() {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		panic(err)
	}
	defer rt.Close(ctx)
	rt.DefineInstanceMaker("acme:app/log@1.0.0", func(name string, params, results []*value.Type) runtime.HostFunc {
		return func(context.Context, []value.Value) ([]value.Value, error) { return nil, nil }
	})
	wit, pkg, err := witparse.Load(os.Args[1], witparse.Options{})
	if err != nil {
		panic(err)
	}
	core, _ := os.ReadFile(os.Args[2])
	world := wit.Packages[pkg].Worlds[0].ID
	c, err := rt.CompileCore(ctx, core, wit, world)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Exports())
	comp, err := componentize.New(core, componentize.Options{WIT: wit, WorldID: world})
	if err != nil {
		panic(err)
	}
	if c, err = rt.Compile(ctx, comp); err != nil {
		panic(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		panic(err)
	}
	for _, name := range inst.Funcs() {
		f, _ := inst.Func(name)
		fmt.Println(name, f.Params(), f.Results())
	}
	var abi *runtime.ABIError
	var trap *runtime.TrapError
	_, err = inst.Call(ctx, inst.Funcs()[0])
	if errors.As(err, &abi) && abi.Kind == runtime.ErrOutOfBounds || errors.As(err, &trap) {
		fmt.Println("trap")
	}
}
`

// TestEmbedderNeedsNoInternalTypes builds and vets a program in a module
// of its own that embeds the runtime: every exported function it calls
// takes and returns types a user can name.
func TestEmbedderNeedsNoInternalTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED LOUDLY: -short; the embedder program was not built")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := testenv.WriteFiles(t, map[string][]byte{
		"go.mod": []byte("module example.com/embedder\n\ngo 1.26\n\nrequire github.com/wasifill/wasifill v0.0.0\n\n" +
			"replace github.com/wasifill/wasifill => " + root + "\n"),
		"go.sum":  testenv.ReadFile(t, filepath.Join(root, "go.sum")),
		"main.go": []byte(embedder),
	})
	for _, args := range [][]string{{"vet", "."}, {"build", "-o", os.DevNull, "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
