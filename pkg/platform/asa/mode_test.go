package asa

import (
	"errors"
	"testing"

	"github.com/trustfix/trustfix/pkg/detect"
)

func TestParseMode(t *testing.T) {
	for out, want := range map[string]string{
		"Security context mode: single \n":                       ModeSingle,
		"Security context mode: multiple\n":                      ModeMultiple,
		"asa# show mode\nSecurity context mode: Multiple\nasa# ": ModeMultiple,
	} {
		if got, err := ParseMode(out); err != nil || got != want {
			t.Errorf("%q: %q %v", out, got, err)
		}
	}
	if _, err := ParseMode("ERROR: % Invalid input detected at '^' marker.\n"); !errors.Is(err, detect.ErrCommandFailed) {
		t.Errorf("invalid: %v", err)
	}
	if _, err := ParseMode("something else\n"); !errors.Is(err, ErrNoMode) {
		t.Errorf("other: %v", err)
	}
	if !ParseFIPS("fips enable\n") || !ParseFIPS("asa# show running-config fips\nfips enable\nasa# ") ||
		ParseFIPS("") || ParseFIPS("no fips enable\n") {
		t.Error("ParseFIPS")
	}
}
