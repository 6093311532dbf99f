package advisory

import (
	"errors"
	"testing"
)

var fuzzSeeds = []string{
	"17.3.4a", "17.03.04a", "16.12.1z2", "16.12.1z", "16.9.1s", "17.6.1", "03.16.05S",
	"7.3.2", "6.1.4", "7.9.2 LNT", "5.2.3.12I", "5.2.3.12I[Default]",
	"9.8(4)10", "9.16(3)19", "9.12(4)", "9.8(3)21 <context>", "2.10(1.159)",
	"12.5(1)SU3", "12.5(1a)", "12.0(1)SU1", "12.0(1) SU1", "14", "14SU1",
	"13.5.3-010", "11.8.3-021", "13.0.0-283", "12.5.3-035",
	"", "17..3", "9.8(4", "12.5(1a)SU1", "abc", "17.3.4 foo bar",
}

// platformIDs are the ids Lookup knows; FuzzParse runs every one.
var platformIDs = []string{"iosxe", "iosxr", "asa", "fxos", "cer", "esa", "wsa"}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		for _, p := range platformIDs {
			a, lerr := Lookup(p, s, "IE-3400-8T2S")
			if (lerr == nil) != (err == nil) {
				t.Fatalf("Lookup(%q, %q): err = %v but Parse err = %v", p, s, lerr, err)
			}
			if a.Notice == "" {
				t.Fatalf("Lookup(%q, %q) names no notice", p, s)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidVersion) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrInvalidVersion", s, err)
			}
			return
		}
		if v.Compare(v) != 0 {
			t.Fatalf("Parse(%q) is not equal to itself", s)
		}
		c := v.Canonical()
		w, err := Parse(c)
		if err != nil {
			t.Fatalf("Parse(%q) ok but its canonical %q fails: %v", s, c, err)
		}
		if v.Compare(w) != 0 || w.Canonical() != c {
			t.Fatalf("canonical round trip of %q: %q → %q", s, c, w.Canonical())
		}
	})
}

func FuzzCompare(f *testing.F) {
	for i, a := range fuzzSeeds {
		f.Add(a, fuzzSeeds[(i+1)%len(fuzzSeeds)])
		f.Add(a, fuzzSeeds[(i+7)%len(fuzzSeeds)])
	}
	anchors := make([]Version, 0, len(fuzzSeeds))
	for _, s := range fuzzSeeds {
		if v, err := Parse(s); err == nil {
			anchors = append(anchors, v)
		}
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, errAB := Compare(a, b)
		ba, errBA := Compare(b, a)
		_, errA := Parse(a)
		_, errB := Parse(b)
		valid := errA == nil && errB == nil
		if (errAB == nil) != valid || (errBA == nil) != valid {
			t.Fatalf("Compare(%q, %q) errors %v / %v, parse errors %v / %v", a, b, errAB, errBA, errA, errB)
		}
		if !valid {
			return
		}
		if ab != -ba {
			t.Fatalf("antisymmetry: Compare(%q, %q) = %d, Compare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		if ab < -1 || ab > 1 {
			t.Fatalf("Compare(%q, %q) = %d, want -1, 0 or 1", a, b, ab)
		}
		va, _ := Parse(a)
		vb, _ := Parse(b)
		if (ab == 0) != (va.Canonical() == vb.Canonical()) {
			t.Fatalf("Compare(%q, %q) = %d but canonicals %q, %q", a, b, ab, va.Canonical(), vb.Canonical())
		}
		// Transitivity against fixed anchors: a <= b <= x implies a <= x.
		for _, x := range anchors {
			if ab <= 0 && vb.Compare(x) <= 0 && va.Compare(x) > 0 {
				t.Fatalf("transitivity: %q <= %q <= %q but %q > %q", a, b, x.Canonical(), a, x.Canonical())
			}
		}
	})
}
