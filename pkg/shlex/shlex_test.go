package shlex

import (
	"slices"
	"testing"
)

// The expected words were printed by Python 3.11's
// shlex.split(line, comments=True).
func TestSplitAsPython(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`sw1 a=1 b="x y"`, []string{"sw1", "a=1", "b=x y"}},
		{`h x='a b' # c`, []string{"h", "x=a b"}},
		{`a#b c`, []string{"a"}},
		{`h x=a\ b`, []string{"h", "x=a b"}},
		{`h x="a\"b"`, []string{"h", `x=a"b`}},
		{`h x=#y`, []string{"h", "x="}},
		{`h  ""`, []string{"h", ""}},
		{`-o ProxyCommand="ssh -W %h:%p -q bastion01"`, []string{"-o", "ProxyCommand=ssh -W %h:%p -q bastion01"}},
	} {
		got, err := Split(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q: %q %v, want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{`a 'b`, `a "b`, `a\`} {
		if _, err := Split(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
