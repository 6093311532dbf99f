package devsim

import (
	"strings"
	"testing"
)

// Look-alikes that detection must refuse: classic IOS and FTD.

func TestClassicIOSIsNotIOSXE(t *testing.T) {
	d := one(t, "c2960x-legacy-01")
	c := xeLogin(t, d)
	c.cmd("terminal length 0", "c2960x-legacy-01#")
	got := c.cmd("show version", "c2960x-legacy-01#")
	if !strings.HasPrefix(got, "show version\nCisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3, RELEASE SOFTWARE (fc2)\n") ||
		strings.Contains(got, "IOS XE") || strings.Contains(got, "IOS-XE") {
		t.Fatalf("classic show version:\n%s", got)
	}
}

func TestFTDBarePrompt(t *testing.T) {
	d := one(t, "ftd-branch-1")
	c := dial(t, d)
	if got := c.expect("\n> "); !strings.HasSuffix(got, "(build 84)\n\n> ") {
		t.Fatalf("login: %q", got)
	}
	got := c.cmd("show version", "\n> ")
	if !strings.Contains(got, "\nModel                     : Cisco Firepower Threat Defense for VMware (75) Version 7.0.1 (Build 84)\n") {
		t.Fatalf("show version:\n%s", got)
	}
	if got := c.cmd("configure terminal", "\n> "); got != "configure terminal\nSyntax error: Incomplete command\n> " {
		t.Fatalf("FTD has no configure terminal: %q", got)
	}
}
