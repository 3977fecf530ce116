package wasip2

import (
	"context"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/value"
)

func TestSocketsNotPermitted(t *testing.T) {
	errorCode := &component.Type{Kind: component.KindEnum, Name: "error-code",
		Labels: []string{"unknown", "access-denied", "not-supported"}}
	withResult := &component.Type{Kind: component.KindFunc,
		Result: &component.Type{Kind: component.KindResult, Err: errorCode}}
	out, err := notPermitted("start-bind", withResult)(context.Background(), nil)
	want := value.Err(value.Enum(1))
	if err != nil || len(out) != 1 || !value.Equal(value.ResultOf(nil, value.EnumOf("error-code", "unknown", "access-denied")), out[0], want) {
		t.Errorf("start-bind = %v, %v; want err(access-denied)", out, err)
	}
	plain := &component.Type{Kind: component.KindFunc}
	if _, err := notPermitted("drop", plain)(context.Background(), nil); err == nil {
		t.Error("a function without an error channel did not refuse")
	}
}
