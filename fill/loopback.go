package fill

import (
	"encoding/binary"
	"fmt"

	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Loopback returns a component that exports wasifill:rpc/transport by
// calling wasifill:rpc/handler: plugged between an import fill and an
// export fill, it makes one closed component of both with no wasifill
// host, to run fills in any component runtime (Wasmtime, jco). It passes
// every invocation, whatever its interface, to the one handler.
func Loopback() ([]byte, error) {
	world, err := rpcWorldAt(2)
	if err != nil {
		return nil, err
	}
	i32 := byte(0x7f)
	w := &moduleWriter{
		imports: []wasmbin.CoreImport{{Module: rpcwit.Handler, Name: "handle", Kind: wasmbin.ExternFunc, Desc: []byte{0, 0}}},
	}
	w.typeIndex(wasmbin.CoreFuncType{Params: []byte{i32, i32, i32, i32, i32, i32, i32}}) // 0: handle, lowered
	invokeT := w.typeIndex(wasmbin.CoreFuncType{Params: []byte{i32, i32, i32, i32, i32, i32}, Results: []byte{i32}})
	reallocT := w.typeIndex(wasmbin.CoreFuncType{Params: []byte{i32, i32, i32, i32}, Results: []byte{i32}})
	postT := w.typeIndex(wasmbin.CoreFuncType{Params: []byte{i32}})
	const invoke, realloc, post = 1, 2, 3
	// invoke: ret = realloc(0, 0, 4, 16); handle(params..., ret); ret.
	c := code{1, 1, i32}.i32(0).i32(0).i32(4).i32(16).u32(opCall, realloc).u32(0x21, 6)
	for j := uint32(0); j <= 6; j++ {
		c = c.u32(opLocalGet, j)
	}
	c = c.u32(opCall, 0).u32(opLocalGet, 6).append(opEnd)
	// cabi_realloc: bump from the top kept at address 0; traps past memory.
	r := code{1, 1, i32}.i32(0).i32(0).mem(0x28, 2).u32(opLocalGet, 2).append(0x6a).i32(1).append(0x6b).
		i32(0).u32(opLocalGet, 2).append(0x6b).append(0x71).u32(0x22, 4).u32(opLocalGet, 3).append(0x6a).mem(0x36, 2).
		i32(0).mem(0x28, 2).append(0x3f, 0).i32(16).append(0x74, 0x4b, 0x04, emptyBlock, opUnreachable, opEnd).
		u32(opLocalGet, 0).append(0x04, emptyBlock).u32(opLocalGet, 4).u32(opLocalGet, 0).u32(opLocalGet, 1).
		append(0xfc, 10, 0, 0, opEnd).u32(opLocalGet, 4).append(opEnd)
	// post-return: the call is over, empty the memory.
	p := code{0}.i32(0).i32(16).mem(0x36, 2).append(opEnd)
	w.funcs = []uint32{invokeT, reallocT, postT}
	w.bodies = [][]byte{c, r, p}
	w.exports = []wasmbin.CoreExport{
		{Name: "memory", Kind: wasmbin.ExternMemory},
		{Name: "cabi_realloc", Kind: wasmbin.ExternFunc, Index: realloc},
		{Name: rpcwit.Transport + "#invoke", Kind: wasmbin.ExternFunc, Index: invoke},
		{Name: "cabi_post_" + rpcwit.Transport + "#invoke", Kind: wasmbin.ExternFunc, Index: post},
	}
	mod := w.encode(&runtimeModule{}, 16, [][]byte{activeData(0, binary.LittleEndian.AppendUint32(nil, 16))})
	comp, err := componentize.New(mod, componentize.Options{World: world})
	if err != nil {
		return nil, fmt.Errorf("fill: loopback: %w", err)
	}
	return comp, nil
}

func (c code) append(ops ...byte) code { return append(c, ops...) }
