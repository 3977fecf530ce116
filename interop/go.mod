module github.com/wasifill/wasifill/interop

go 1.26.0

require (
	github.com/bytecodealliance/wasmtime-go/v39 v39.0.1
	github.com/wasifill/wasifill v0.0.0
)

replace github.com/wasifill/wasifill => ../
