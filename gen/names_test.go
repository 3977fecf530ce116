package gen

import "testing"

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"get": "Get", "get-user-id": "GetUserID", "http-url": "HTTPURL", "echo-u32": "EchoU32",
		"[method]counter.add": "Add", "[constructor]counter": "New", "[static]counter.zero": "Zero",
		"io-error": "IOError", "x": "X", "utf8-string": "UTF8String", "3d": "X3d",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"key": "key", "user-id": "userID", "id": "id", "http-server": "httpServer", "type": "type_", "func": "func_",
		"value": "value_",
	} {
		if got := GoLocal(in); got != want {
			t.Errorf("GoLocal(%q) = %q, want %q", in, got, want)
		}
	}
	if got := PackageName("go-reactor"); got != "goreactor" {
		t.Errorf("PackageName = %q", got)
	}
}
