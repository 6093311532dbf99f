package devsim

import (
	"fmt"
	"strings"
)

// Environment variables the generated inventory names for the lab's
// passwords (the SPEC's defaults, so `export` is all a user needs).
const (
	PasswordEnv       = "TRUSTFIX_PASSWORD"
	EnablePasswordEnv = "TRUSTFIX_ENABLE_PASSWORD"
)

// InventoryOptions shape the inventory written for a running lab.
type InventoryOptions struct {
	// KnownHosts is the known_hosts path the inventory names ("" = default).
	KnownHosts string
	// Timeout is the per-device deadline (default 2m).
	Timeout string
}

// Inventory returns an inventory in the SPEC's format that points at the
// lab: one entry per served device, plus the inventory-only appliances on
// documentation addresses (192.0.2.0/24) that are never contacted.
func (l *Lab) Inventory(opt InventoryOptions) []byte {
	if opt.Timeout == "" {
		opt.Timeout = "2m"
	}
	var b strings.Builder
	b.WriteString("# Written by `trustfix lab`: the simulated devices on loopback.\n")
	fmt.Fprintf(&b, "# Passwords come from $%s and $%s.\n", PasswordEnv, EnablePasswordEnv)
	b.WriteString("defaults:\n")
	fmt.Fprintf(&b, "  username: %s\n", l.Scenario.Defaults.Username)
	fmt.Fprintf(&b, "  password_env: %s\n", PasswordEnv)
	fmt.Fprintf(&b, "  enable_password_env: %s\n", EnablePasswordEnv)
	fmt.Fprintf(&b, "  timeout: %s\n", opt.Timeout)
	// One retry: the lab's unreachable device would otherwise cost three
	// handshake timeouts in every rehearsal.
	b.WriteString("  retries: 1\n")
	b.WriteString("  host_key_policy: accept-new\n")
	if opt.KnownHosts != "" {
		fmt.Fprintf(&b, "  known_hosts: %q\n", opt.KnownHosts)
	}
	b.WriteString("devices:\n")
	for _, d := range l.devices {
		sp := d.spec
		host, port, _ := strings.Cut(d.Addr(), ":")
		fmt.Fprintf(&b, "  - name: %s\n    host: %s\n    port: %s\n    platform: %s\n", sp.Name, host, port, inventoryPlatform(sp))
		if sp.LegacySSH {
			b.WriteString("    legacy_algorithms: true\n")
		}
		if sp.BundleFile != "" {
			fmt.Fprintf(&b, "    bundle_file: %q\n", sp.BundleFile)
		}
		if sp.ImportMethod != "" {
			fmt.Fprintf(&b, "    import_method: %s\n", sp.ImportMethod)
		}
		if j := l.jumpFor(sp); j != "" {
			fmt.Fprintf(&b, "    jump_host: %s\n", j)
		}
	}
	for i, sp := range l.offline {
		fmt.Fprintf(&b, "  - name: %s\n    host: 192.0.2.%d\n    platform: %s\n    version: %q\n", sp.Name, 10+i, sp.Platform, sp.Version)
	}
	return []byte(b.String())
}

func inventoryPlatform(sp Spec) string {
	if sp.InventoryPlatform != "" {
		return sp.InventoryPlatform
	}
	switch sp.Platform {
	case IOS, FTD:
		return "auto"
	}
	return sp.Platform
}

// jumpFor is the jump_host value of a device behind the lab's jump host.
func (l *Lab) jumpFor(sp Spec) string {
	if !sp.BehindJump || l.jump == nil {
		return ""
	}
	return l.jump.Spec().Username + "@" + l.jump.Addr()
}
