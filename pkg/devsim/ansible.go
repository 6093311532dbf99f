package devsim

import (
	"fmt"
	"strings"
)

// AnsibleInventory returns the same inventory as Inventory, written the way
// a network team's Ansible YAML inventory describes the devices: a group per
// platform family with its ansible_network_os, ansible_host, ansible_port
// and ansible_user, and trustfix_<field> variables for what Ansible has no
// word for (password variables, the exact platform, legacy algorithms,
// bundle file, import method, an appliance's version). `trustfix plan -i`
// gives the same plan for both.
func (l *Lab) AnsibleInventory(opt InventoryOptions) []byte {
	if opt.Timeout == "" {
		opt.Timeout = "2m"
	}
	var b strings.Builder
	b.WriteString("# Written by `trustfix lab`: the simulated devices on loopback, as an\n")
	b.WriteString("# Ansible YAML inventory. Passwords come from the environment variables\n")
	fmt.Fprintf(&b, "# named by trustfix_password_env ($%s) and trustfix_enable_password_env ($%s).\n", PasswordEnv, EnablePasswordEnv)
	b.WriteString("all:\n  vars:\n")
	fmt.Fprintf(&b, "    ansible_connection: ansible.netcommon.network_cli\n")
	fmt.Fprintf(&b, "    ansible_user: %s\n", l.Scenario.Defaults.Username)
	fmt.Fprintf(&b, "    trustfix_password_env: %s\n", PasswordEnv)
	fmt.Fprintf(&b, "    trustfix_enable_password_env: %s\n", EnablePasswordEnv)
	fmt.Fprintf(&b, "    trustfix_timeout: %s\n", opt.Timeout)
	b.WriteString("    trustfix_retries: 1\n")
	b.WriteString("    trustfix_host_key_policy: accept-new\n")
	if opt.KnownHosts != "" {
		fmt.Fprintf(&b, "    trustfix_known_hosts: %q\n", opt.KnownHosts)
	}
	b.WriteString("  children:\n")
	for _, fam := range ansibleFamilies {
		var hosts strings.Builder
		for _, d := range l.devices {
			if familyOf(d.spec) == fam.name {
				host, port, _ := strings.Cut(d.Addr(), ":")
				fmt.Fprintf(&hosts, "        %s:\n          ansible_host: %s\n          ansible_port: %s\n", d.spec.Name, host, port)
				ansibleHostVars(&hosts, d.spec, fam, l.jumpFor(d.spec))
			}
		}
		for i, sp := range l.offline {
			if familyOf(sp) == fam.name {
				fmt.Fprintf(&hosts, "        %s:\n          ansible_host: 192.0.2.%d\n          trustfix_platform: %s\n          trustfix_version: %q\n", sp.Name, 10+i, sp.Platform, sp.Version)
			}
		}
		if hosts.Len() == 0 {
			continue
		}
		fmt.Fprintf(&b, "    %s:\n", fam.name)
		if len(fam.vars) > 0 {
			b.WriteString("      vars:\n")
			for _, v := range fam.vars {
				fmt.Fprintf(&b, "        %s\n", v)
			}
		}
		b.WriteString("      hosts:\n")
		b.WriteString(hosts.String())
	}
	return []byte(b.String())
}

// ansibleFamily is a group of the Ansible form and what its vars say.
type ansibleFamily struct {
	name     string
	platform string // what the group's variables resolve to in trustfix
	vars     []string
}

var ansibleFamilies = []ansibleFamily{
	// cisco.ios.ios alone is "auto" to trustfix (it may be classic IOS):
	// the group says iosxe, and a host that should be detected says auto.
	{"ios", IOSXE, []string{"ansible_network_os: cisco.ios.ios", "trustfix_platform: iosxe"}},
	{"iosxr", IOSXR, []string{"ansible_network_os: cisco.iosxr.iosxr"}},
	{"asa", ASA, []string{"ansible_network_os: cisco.asa.asa"}},
	// Ansible has no network OS for FXOS or FTD.
	{"firepower", "", nil},
	{"appliances", "", nil},
}

func familyOf(sp Spec) string {
	switch sp.Platform {
	case IOSXE, IOS:
		return "ios"
	case IOSXR:
		return "iosxr"
	case ASA:
		return "asa"
	case FXOS, FTD:
		return "firepower"
	}
	return "appliances"
}

// ansibleHostVars writes what the trustfix inventory says about sp beyond
// its address, as host variables.
func ansibleHostVars(b *strings.Builder, sp Spec, fam ansibleFamily, jump string) {
	if p := inventoryPlatform(sp); p != fam.platform {
		fmt.Fprintf(b, "          trustfix_platform: %s\n", p)
	}
	if sp.LegacySSH {
		b.WriteString("          trustfix_legacy_algorithms: true\n")
	}
	if sp.BundleFile != "" {
		fmt.Fprintf(b, "          trustfix_bundle_file: %q\n", sp.BundleFile)
	}
	if sp.ImportMethod != "" {
		fmt.Fprintf(b, "          trustfix_import_method: %s\n", sp.ImportMethod)
	}
	if jump != "" {
		fmt.Fprintf(b, "          ansible_ssh_common_args: -o ProxyJump=%s\n", jump)
	}
}
