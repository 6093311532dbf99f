package devsim

import (
	"fmt"
	"strconv"
	"strings"
)

// motd is printed once after login, before the first prompt.
func motd(sp Spec) string {
	return "\n**************************************************************\n" +
		"*  " + sp.Hostname + ": lab device - changes are recorded       \n" +
		"**************************************************************\n\n"
}

// xePadded turns 17.3.4a into 17.03.04a (the first version line's form).
func xePadded(v string) string {
	parts := strings.Split(v, ".")
	for i := 1; i < len(parts); i++ {
		num := strings.TrimRightFunc(parts[i], func(r rune) bool { return r < '0' || r > '9' })
		if len(num) == 1 {
			parts[i] = "0" + parts[i]
		}
	}
	return strings.Join(parts, ".")
}

// xePlain turns 17.03.04a into 17.3.4a (the second version line's form).
func xePlain(v string) string {
	parts := strings.Split(v, ".")
	for i := range parts {
		if t := strings.TrimLeft(parts[i], "0"); t != "" && t[0] >= '0' && t[0] <= '9' {
			parts[i] = t
		} else if t == "" || !(t[0] >= '0' && t[0] <= '9') {
			parts[i] = "0" + t
		}
	}
	return strings.Join(parts, ".")
}

func xeTrain(plain string) string {
	var maj, minr int
	fmt.Sscanf(plain, "%d.%d", &maj, &minr)
	switch {
	case maj == 16 && minr <= 9:
		return "Fuji"
	case maj == 16:
		return "Gibraltar"
	case maj == 17 && minr <= 3:
		return "Amsterdam"
	case maj == 17 && minr <= 6:
		return "Bengaluru"
	case maj == 17 && minr <= 9:
		return "Cupertino"
	case maj == 17 && minr <= 12:
		return "Dublin"
	}
	return "IOSXE"
}

func xeImage(model string) (family, image, cpu string) {
	switch {
	case strings.HasPrefix(model, "IE-"):
		return "IE3x00 Switch Software", "IE3x00-UNIVERSALK9-M", "ARM"
	case strings.HasPrefix(model, "ESS-"):
		return "ESS3x00 Switch Software", "ESS3x00-UNIVERSALK9-M", "ARM"
	case strings.HasPrefix(model, "C9"):
		return "Catalyst L3 Switch Software", "CAT9K_IOSXE", "X86"
	case strings.HasPrefix(model, "C8000V"):
		return "Virtual XE Software", "X86_64_LINUX_IOSD-UNIVERSALK9-M", "VXE"
	}
	return "ISR Software", "X86_64_LINUX_IOSD-UNIVERSALK9-M", "2RU"
}

// xeVersion is `show version` in the shape of the ntc-templates fixtures.
func xeVersion(sp Spec) string {
	plain := xePlain(sp.Version)
	family, image, cpu := xeImage(sp.Model)
	var b strings.Builder
	fmt.Fprintf(&b, "Cisco IOS XE Software, Version %s\n", xePadded(sp.Version))
	fmt.Fprintf(&b, "Cisco IOS Software [%s], %s (%s), Version %s, RELEASE SOFTWARE (fc3)\n", xeTrain(plain), family, image, plain)
	b.WriteString("Technical Support: http://www.cisco.com/techsupport\n" +
		"Copyright (c) 1986-2021 by Cisco Systems, Inc.\n" +
		"Compiled Thu 30-Sep-21 10:09 by mcpre\n\n\n" +
		"Cisco IOS-XE software, Copyright (c) 2005-2021 by cisco Systems, Inc.\n" +
		"All rights reserved.  Certain components of Cisco IOS-XE software are\n" +
		"licensed under the GNU General Public License (\"GPL\") Version 2.0.  The\n" +
		"software code licensed under GPL Version 2.0 is free software that comes\n" +
		"with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such\n" +
		"GPL code under the terms of GPL Version 2.0.  For more details, see the\n" +
		"documentation or \"License Notice\" file accompanying the IOS-XE software,\n" +
		"or the applicable URL provided on the flyer accompanying the IOS-XE\n" +
		"software.\n\n\n" +
		"ROM: IOS-XE ROMMON\n" +
		"BOOTLDR: System Bootstrap, Version 17.3.1r[FC2], RELEASE SOFTWARE (P)\n\n")
	fmt.Fprintf(&b, "%s uptime is 7 weeks, 17 hours, 14 minutes\n", sp.Hostname)
	b.WriteString("Uptime for this control processor is 7 weeks, 17 hours, 16 minutes\n" +
		"System returned to ROM by Reload Command\n" +
		"System image file is \"flash:packages.conf\"\n" +
		"Last reload reason: Reload Command\n\n\n\n" +
		"This product contains cryptographic features and is subject to United\n" +
		"States and local country laws governing import, export, transfer and\n" +
		"use. Delivery of Cisco cryptographic products does not imply\n" +
		"third-party authority to import, export, distribute or use encryption.\n\n\n" +
		"Technology Package License Information: \n\n" +
		"------------------------------------------------------------------------------\n" +
		"Technology-package                                     Technology-package\n" +
		"Current                        Type                       Next reboot  \n" +
		"------------------------------------------------------------------------------\n" +
		"network-essentials     \tSmart License                 \tnetwork-essentials  \n\n" +
		"Smart Licensing Status: Registration Not Applicable/Not Applicable\n\n")
	fmt.Fprintf(&b, "cisco %s (%s) processor (revision V06) with 649067K/6147K bytes of memory.\n", sp.Model, cpu)
	fmt.Fprintf(&b, "Processor board ID %s\n", sp.Serial)
	if sp.Faults.ControllerMode {
		b.WriteString("Router operating mode: Controller-Managed\n")
	}
	b.WriteString("8 Gigabit Ethernet interfaces\n2 Ten Gigabit Ethernet interfaces\n" +
		"2048K bytes of non-volatile configuration memory.\n" +
		"1630144K bytes of physical memory.\n" +
		"1567735K bytes of Bootflash at bootflash:.\n\n")
	if !strings.HasPrefix(sp.Model, "C8000V") {
		fmt.Fprintf(&b, "Base Ethernet MAC Address          : 00:a3:d1:5e:62:00\n"+
			"Motherboard Assembly Number        : 73-18858-03\n"+
			"Motherboard Serial Number          : %s\n"+
			"Model Revision Number              : A0\n"+
			"Motherboard Revision Number        : A0\n"+
			"Model Number                       : %s\n"+
			"System Serial Number               : %s\n\n", sp.Serial, sp.Model, sp.Serial)
	}
	b.WriteString("\nConfiguration register is 0x2102\n\n")
	return b.String()
}

// xrVersion follows the NCS-5500 / 8000 layout (docs/platforms.md).
func xrVersion(sp Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nCisco IOS XR Software, Version %s\n", sp.Version)
	b.WriteString("Copyright (c) 2013-2021 by Cisco Systems, Inc.\n\n" +
		"Build Information:\n" +
		" Built By     : ahoang\n" +
		" Built On     : Thu Jun 17 09:50:49 PDT 2021\n" +
		" Built Host   : iox-ucs-025\n" +
		" Workspace    : /auto/srcarchive15/prod/" + sp.Version + "/ncs5500/ws\n")
	fmt.Fprintf(&b, " Version      : %s\n", sp.Version)
	b.WriteString(" Location     : /opt/cisco/XR/packages/\n" +
		" Label        : " + sp.Version + "\n\n")
	fmt.Fprintf(&b, "cisco %s () processor \n", sp.Model)
	b.WriteString("System uptime is 4 weeks, 6 days, 1 hour, 42 minutes\n\n")
	return b.String()
}

// xrInventory carries the chassis serial that `show version` lacks.
func xrInventory(sp Spec) string {
	return fmt.Sprintf("NAME: \"Rack 0\", DESCR: \"Cisco %s Chassis\"\nPID: %s, VID: V01, SN: %s\n\n"+
		"NAME: \"0/RP0/CPU0\", DESCR: \"Route Processor\"\nPID: %s-RP, VID: V01, SN: FOC2331R0AB\n\n",
		sp.Model, sp.Model, sp.Serial, sp.Model)
}

// asaVersion follows the ISA-3000 / ASAv layout (docs/platforms.md).
func asaVersion(sp Spec, multi bool) string {
	var b strings.Builder
	tag := ""
	if multi {
		tag = " <system>"
	}
	fmt.Fprintf(&b, "\nCisco Adaptive Security Appliance Software Version %s%s\n", sp.Version, tag)
	if !strings.HasPrefix(sp.Model, "ASAv") {
		b.WriteString("SSP Operating System Version 2.10(1.207)\n")
	}
	b.WriteString("Device Manager Version 7.18(1)152\n\n" +
		"Compiled on Wed 03-Aug-22 03:28 GMT by builders\n" +
		"System image file is \"disk0:/asa-" + strings.NewReplacer(".", "-", "(", "-", ")", "-").Replace(sp.Version) + "-lfbff-k8.SPA\"\n" +
		"Config file at boot was \"startup-config\"\n\n")
	fmt.Fprintf(&b, "%s up 1 year 97 days\n\n", sp.Hostname)
	if strings.HasPrefix(sp.Model, "ASAv") {
		b.WriteString("Hardware:   ASAv, 2048 MB RAM, CPU Pentium II 1800 MHz,\n")
		fmt.Fprintf(&b, "Model Id:   %s\n", sp.Model)
	} else {
		fmt.Fprintf(&b, "Hardware:   %s, 8192 MB RAM, CPU Atom C2000 series 1250 MHz, 1 CPU (4 cores)\n", sp.Model)
	}
	b.WriteString("Internal ATA Compact Flash, 8192MB\n" +
		"BIOS Flash M25P64 @ 0xfed01000, 16384KB\n\n" +
		" 0: Int: Internal-Data0/0    : address is 00a3.d15e.6201, irq 255\n" +
		" 1: Ext: Management1/1       : address is 00a3.d15e.6202, irq 0\n\n" +
		"Licensed features for this platform:\n" +
		"Maximum Physical Interfaces       : Unlimited      perpetual\n" +
		"Maximum VLANs                     : 25             perpetual\n" +
		"Inside Hosts                      : Unlimited      perpetual\n" +
		"Failover                          : Active/Active  perpetual\n")
	if multi {
		b.WriteString("Security Contexts                 : 5              perpetual\n")
	}
	b.WriteString("\nThis platform has an ASA Virtual Appliance license.\n\n")
	fmt.Fprintf(&b, "Serial Number: %s\n", sp.Serial)
	b.WriteString("Configuration register is 0x1\n" +
		"Configuration last modified by enable_15 at 13:02:51.179 UTC Tue Mar 1 2022\n")
	return b.String()
}

// fxosVersion is the supervisor's short answer (unicon mock layout).
func fxosVersion(sp Spec) string {
	return "Version: " + sp.Version + "\nStartup-Vers: " + sp.Version + "\n"
}

// classicVersion is classic IOS 15.x: not an IOS XE target.
func classicVersion(sp Spec) string {
	return "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version " + sp.Version + ", RELEASE SOFTWARE (fc2)\n" +
		"Technical Support: http://www.cisco.com/techsupport\n" +
		"Copyright (c) 1986-2020 by Cisco Systems, Inc.\n" +
		"Compiled Tue 10-Nov-20 06:07 by prod_rel_team\n\n" +
		"ROM: Bootstrap program is C2960X boot loader\n" +
		"BOOTLDR: C2960X Boot Loader (C2960X-HBOOT-M) Version 15.2(3r)E1, RELEASE SOFTWARE (fc1)\n\n" +
		sp.Hostname + " uptime is 1 year, 2 weeks, 3 days, 4 hours, 5 minutes\n" +
		"System returned to ROM by power-on\n" +
		"System image file is \"flash:c2960x-universalk9-mz.152-7.E3.bin\"\n\n" +
		"cisco " + sp.Model + " (APM86XXX) processor (revision D0) with 524288K bytes of memory.\n" +
		"Processor board ID " + sp.Serial + "\n\n" +
		"Model number                    : " + sp.Model + "\n" +
		"System serial number            : " + sp.Serial + "\n\n" +
		"Configuration register is 0xF\n\n"
}

// ftdVersion is Firepower Threat Defense's CLISH `show version`.
func ftdVersion(sp Spec) string {
	return "-------------------[ " + sp.Hostname + " ]--------------------\n" +
		"Model                     : Cisco Firepower Threat Defense for VMware (75) Version " + sp.Version + " (Build 84)\n" +
		"UUID                      : 7e8f3a1c-2b7d-11ec-9c1e-8d1f0c2e4a55\n" +
		"LSP version               : lsp-rel-20211021-1105\n" +
		"VDB version               : 346\n" +
		"----------------------------------------------------\n\n" +
		"Cisco Adaptive Security Appliance Software Version 9.16(2)\n" +
		"SSP Operating System Version 2.10(1.162)\n\n" +
		"Compiled on Tue 10-Aug-21 15:00 GMT by builders\n" +
		"System image file is \"disk0:/fxos-k8-fp2k-lfbff.2.10.1.162.SPA\"\n" +
		"Config file at boot was \"startup-config\"\n\n" +
		sp.Hostname + " up 4 days 2 hours\n\n" +
		"Hardware:   " + sp.Model + ", 8192 MB RAM, CPU Xeon 4100/6100/8100 series 2200 MHz, 1 CPU (4 cores)\n" +
		"Serial Number: " + sp.Serial + "\n"
}

// atoiDefault parses n or returns def.
func atoiDefault(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
