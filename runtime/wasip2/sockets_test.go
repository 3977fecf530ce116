package wasip2

import (
	"context"
	"testing"

	"github.com/wasifill/wasifill/value"
)

func TestSocketsNotPermitted(t *testing.T) {
	errorCode := value.EnumOf("error-code", "unknown", "access-denied", "not-supported")
	result := value.ResultOf(nil, errorCode)
	out, err := notPermitted("start-bind", nil, []*value.Type{result})(context.Background(), nil)
	want := value.Err(value.Enum(1))
	if err != nil || len(out) != 1 || !value.Equal(result, out[0], want) {
		t.Errorf("start-bind = %v, %v; want err(access-denied)", out, err)
	}
	if _, err := notPermitted("drop", nil, nil)(context.Background(), nil); err == nil {
		t.Error("a function without an error channel did not refuse")
	}
}
