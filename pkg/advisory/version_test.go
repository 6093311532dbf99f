package advisory

import (
	"errors"
	"strings"
	"testing"
)

// Each chain is in strictly ascending order; every pair is checked, so the
// test covers transitivity as well as neighbours.
var ascending = map[string][]string{
	"iosxe": {"03.16.05S", "16.1.1", "16.9.1", "16.9.1a", "16.9.1d", "16.9.1s", "16.9.8",
		"16.12.1", "16.12.1s", "16.12.1y", "16.12.1z", "16.12.1z1", "16.12.1z2", "16.12.5",
		"16.12.5b", "16.12.6", "17.3.3", "17.3.4", "17.03.04a", "17.3.4b", "17.4.1b",
		"17.6.1", "17.6.1a", "17.7.1", "17.10.1", "17.15.4"},
	"iosxr": {"5.2.3", "5.2.3.12", "5.2.3.12I", "6.1.4", "6.1.31", "6.8.1", "7.3.2",
		"7.5.1", "7.9.2 LNT", "7.10.1"},
	"asa": {"9.1(7)32", "9.8(3)21", "9.8(4)", "9.8(4)1", "9.8(4)10", "9.8(4)32",
		"9.12(4)", "9.12(4)2", "9.16(3)19", "9.18(1)"},
	"fxos": {"2.3(1.58)", "2.10(1.159)", "2.10(1.207)", "2.10(2.1)", "2.16(0.128)"},
	"cer": {"11.5(1)SU9", "12.0(1)", "12.0(1)SU1", "12.0(1) SU2", "12.5(1)", "12.5(1a)",
		"12.5(1)SU1", "12.5(1)SU3", "12.5(1)SU4", "12.5(1)SU5", "12.5(1)SU10", "14",
		"14SU1", "14 SU2", "14SU3", "15"},
	"asyncos": {"11.0.0-264", "11.7.2-011", "11.8.3-021", "12.5.2", "12.5.2-011",
		"12.5.3-035", "12.5.3-100", "13.0.0-283", "13.0.4-007", "13.5.3", "13.5.3-010",
		"13.5.3-020", "13.5.4-020", "14.0.0-698"},
}

func TestCompareAscending(t *testing.T) {
	for name, chain := range ascending {
		t.Run(name, func(t *testing.T) {
			for i, a := range chain {
				for j, b := range chain {
					got, err := Compare(a, b)
					if err != nil {
						t.Fatalf("Compare(%q, %q): %v", a, b, err)
					}
					if want := cmpInt(i, j); got != want {
						t.Errorf("Compare(%q, %q) = %d, want %d", a, b, got, want)
					}
				}
			}
		})
	}
}

func TestCompareEqual(t *testing.T) {
	for _, tc := range []struct{ a, b, canonical string }{
		{"17.03.04a", "17.3.4a", "17.3.4a"},
		{"16.09.01s", "16.9.1s", "16.9.1s"},
		{"17.06.01", "17.6.1", "17.6.1"},
		{"16.12.1Z2", "16.12.1z2", "16.12.1z2"},
		{"7.9.2 LNT", "7.9.2", "7.9.2"},
		{"5.2.3.12I[Default]", "5.2.3.12i", "5.2.3.12i"},
		{"9.8(4)10", "9.8.4.10", "9.8.4.10"},
		{"9.8(3)21 <context>", "9.8(3)21", "9.8.3.21"},
		{"9.12(4)", "9.12.4", "9.12.4"},
		{"2.10(1.159)", "2.10.1.159", "2.10.1.159"},
		{"12.0(1) SU1", "12.0(1)SU1", "12.0.1su1"},
		{"12.5(1)su3", "12.5.1SU3", "12.5.1su3"},
		{"12.5(1)SU03", "12.5(1)SU3", "12.5.1su3"},
		{"14 SU1", "14SU1", "14su1"},
		{"14", "14", "14"},
		{"13.5.3-010", "13.5.3-10", "13.5.3.10"},
		{"  17.3.4a\t", "17.3.4a", "17.3.4a"},
		{"0.0.0", "00.000.0", "0.0.0"},
	} {
		got, err := Compare(tc.a, tc.b)
		if err != nil || got != 0 {
			t.Errorf("Compare(%q, %q) = %d, %v; want 0", tc.a, tc.b, got, err)
		}
		v, err := Parse(tc.a)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.a, err)
		}
		if c := v.Canonical(); c != tc.canonical || v.String() != c {
			t.Errorf("Parse(%q).Canonical() = %q, want %q", tc.a, c, tc.canonical)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, s := range []string{
		"", "   ", "abc", "v17.3.4", "Version 17.3.4", ".17.3", "17..3", "17.3.",
		"17.3.4-", "17.3.4-abc", "13.5.3-010-2", "9.8(4", "9.8()", "9.8(4)(5)", "9.8(.4)",
		"12.5(1a)SU1", "17.3.4 foo bar", "17.3.4!", "17.3.4_1", "-1", "+17", "17.3.4\x00",
		"１７.3", "17.3.4 [Default", "7.9.2 LNT]", "12.0(1) 1", "12.0(1) SU", "9.8(4)10 x y",
		strings.Repeat("1.", 60) + "1",
	} {
		v, err := Parse(s)
		if !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("Parse(%q) = %q, %v; want ErrInvalidVersion", s, v.Canonical(), err)
			continue
		}
		if !strings.Contains(err.Error(), "invalid version") {
			t.Errorf("Parse(%q) error %q does not say what is wrong", s, err)
		}
		if _, err := Compare(s, "17.3.4"); !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("Compare(%q, 17.3.4): err = %v, want ErrInvalidVersion", s, err)
		}
		if _, err := Compare("17.3.4", s); !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("Compare(17.3.4, %q): err = %v, want ErrInvalidVersion", s, err)
		}
	}
}

func TestParseHugeNumbers(t *testing.T) {
	// Numbers are compared as digit strings: no overflow, no limit but length.
	a, b := "99999999999999999999999.1", "100000000000000000000000.0"
	if got, err := Compare(a, b); err != nil || got != -1 {
		t.Errorf("Compare(%q, %q) = %d, %v; want -1", a, b, got, err)
	}
}

func TestZeroVersion(t *testing.T) {
	var zero Version
	v, err := Parse("0")
	if err != nil {
		t.Fatal(err)
	}
	if zero.Compare(v) != -1 || v.Compare(zero) != 1 || zero.Compare(zero) != 0 || zero.Canonical() != "" {
		t.Errorf("zero Version must sort first and print empty")
	}
}
