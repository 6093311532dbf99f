package inventory

import (
	"errors"
	"slices"
	"testing"
)

func TestLimit(t *testing.T) {
	inv, err := Load("../../testdata/inventory/good/precedence.yaml", testPlatforms, fullEnv)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pattern string
		want    []string
	}{
		{"", []string{"sw1", "sw2", "xr1", "xr2", "lab1", "asa1"}},
		{"  ", []string{"sw1", "sw2", "xr1", "xr2", "lab1", "asa1"}},
		{"asa1", []string{"asa1"}},
		{"asa1,sw1", []string{"sw1", "asa1"}}, // inventory order
		{" asa1 , sw1 ,", []string{"sw1", "asa1"}},
		{"sw*", []string{"sw1", "sw2"}},
		{"xr?", []string{"xr1", "xr2"}},
		{"[sx][wr]1", []string{"sw1", "xr1"}},
		{"core", []string{"xr1", "xr2"}},
		{"campus", []string{"sw2", "xr1", "xr2", "lab1"}},
		{"core,xr1,x*", []string{"xr1", "xr2"}}, // once each
		{"campus,!core", []string{"sw2", "lab1"}},
		{"lab,empty", []string{"lab1"}},
		{"!campus", []string{"sw1", "asa1"}},
		{"!campus,!asa1", []string{"sw1"}},
	}
	for _, tt := range tests {
		got, err := inv.Limit(tt.pattern)
		if err != nil {
			t.Errorf("Limit(%q): %v", tt.pattern, err)
			continue
		}
		var names []string
		for _, d := range got {
			names = append(names, d.Name)
		}
		if !slices.Equal(names, tt.want) {
			t.Errorf("Limit(%q) = %v, want %v", tt.pattern, names, tt.want)
		}
	}

	errs := []struct{ pattern, want string }{
		{"cmapus", `--limit "cmapus": matches no device or group (did you mean "campus"?)`},
		{"sw1,nosuch", `--limit "nosuch": matches no device or group`},
		{"zz*", `--limit "zz*": matches no device or group`},
		{"sw[", `--limit "sw[": bad pattern: syntax error in pattern`},
		{"!nosuch", `--limit "!nosuch": matches no device or group`},
		{"sw1,!", `--limit "!": empty exclusion`},
		{"core,!xr*", `--limit "core,!xr*": selects no device`},
	}
	for _, tt := range errs {
		_, err := inv.Limit(tt.pattern)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Limit(%q) err = %v, want %s", tt.pattern, err, tt.want)
		}
		var le *LimitError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &le) {
			t.Errorf("Limit(%q) err is not a *LimitError matching ErrInvalid", tt.pattern)
		}
	}

	// The result is a copy: changing it leaves the inventory alone.
	all, _ := inv.Limit("")
	all[0].Name = "changed"
	if inv.Devices[0].Name != "sw1" {
		t.Error("Limit returned the inventory's own slice")
	}
}
