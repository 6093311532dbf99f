package devsim

import (
	"fmt"
	"strings"
)

// IOS XE modes.
const (
	xeUser   = "exec"
	xePriv   = "privileged"
	xeConfig = "config"
)

var xeErrors = errorStyle{
	invalid:    "% Invalid input detected at '^' marker.\n",
	ambiguous:  `% Ambiguous command:  "%s"`,
	incomplete: "% Incomplete command.\n",
}

const xeMore = " --More-- "

type iosxe struct {
	base
	user, priv, conf *table
	// version renders `show version` (classic IOS reuses this CLI).
	version func(Spec) string
}

func newIOSXE(s *session) *iosxe {
	x := &iosxe{base: base{session: s, host: s.dev.spec.Hostname, mode: xeUser}, version: xeVersion}
	if s.dev.spec.Privilege == 15 {
		x.mode = xePriv
	}
	if s.dev.spec.Faults.PromptTrap {
		x.trap = x.host + "#"
	}
	x.build()
	return x
}

func (x *iosxe) prompt() string {
	switch x.mode {
	case xePriv:
		return x.host + "#"
	case xeConfig:
		return x.host + "(config)#"
	}
	return x.host + ">"
}

func (x *iosxe) status() (string, bool, bool, bool) {
	return x.mode, x.mode == xeConfig, false, x.pasting
}

func (x *iosxe) run() error {
	x.write(motd(x.dev.spec))
	return x.loop(x.prompt, func(line string, end lineEnd) error {
		if end == endCtrlZ && x.mode == xeConfig {
			x.mode = xePriv
			return nil
		}
		if end != endEnter {
			return nil
		}
		var t *table
		switch x.mode {
		case xePriv:
			t = x.priv
		case xeConfig:
			t = x.conf
		default:
			t = x.user
		}
		return x.dispatch(t, line, x.prompt(), xeErrors)
	})
}

func (x *iosxe) build() {
	x.user = &table{placeholders: []string{"connect", "disable", "disconnect", "login", "mrinfo", "ping", "ssh", "systat", "telnet", "traceroute"}}
	x.user.add("enable", x.enable)
	x.commonExec(x.user)

	x.priv = &table{placeholders: []string{"clear", "clock", "connect", "debug", "delete", "disconnect", "erase", "format", "mkdir", "more", "ping", "reload", "rename", "send", "setup", "squeeze", "ssh", "telnet", "traceroute", "undebug", "verify"}}
	x.commonExec(x.priv)
	x.priv.add("enable", func([]string) error { return nil })
	x.priv.add("disable", func([]string) error { x.mode = xeUser; return nil })
	x.priv.add("show crypto pki trustpool", x.showTrustpool).show = true
	x.priv.add("show crypto pki trustpool policy", x.showPolicy).show = true
	x.priv.add("show crypto pki certificates", x.showCertificates).show = true
	x.priv.add("dir <arg>", x.dir).show = true
	x.priv.add("configure terminal", x.configure).mutates = true
	x.priv.add("write memory", x.writeMemory).mutates = true
	x.priv.add("write", x.writeMemory).mutates = true
	x.priv.add("copy running-config startup-config", x.copyRunStart).mutates = true

	x.conf = &table{placeholders: []string{"aaa", "access-list", "banner", "boot", "cdp", "class-map", "clock", "default", "enable", "hostname", "interface", "ip", "ipv6", "line", "logging", "no", "ntp", "policy-map", "router", "service", "snmp-server", "spanning-tree", "username", "vlan"}}
	for _, c := range []*command{
		x.conf.add("crypto pki trustpool import url <arg>", func(a []string) error { return x.importURL(a[0], false) }),
		x.conf.add("crypto pki trustpool import clean url <arg>", func(a []string) error { return x.importURL(a[0], true) }),
		x.conf.add("crypto pki trustpool import terminal", func([]string) error { return x.importTerminal(false) }),
		x.conf.add("crypto pki trustpool import clean terminal", func([]string) error { return x.importTerminal(true) }),
	} {
		c.mutates = true
	}
	x.conf.add("end", func([]string) error { x.mode = xePriv; return nil })
	x.conf.add("exit", func([]string) error { x.mode = xePriv; return nil })
	// The inner command is checked and recorded by its own dispatch.
	x.conf.add("do <rest>", func(a []string) error { return x.dispatch(x.priv, a[0], x.prompt()+"do ", xeErrors) })
}

func (x *iosxe) commonExec(t *table) {
	t.add("show version", func([]string) error { return x.show(x.header()+x.version(x.dev.spec), xeMore) }).show = true
	t.add("terminal length <arg>", x.terminalLength)
	t.add("terminal width <arg>", func([]string) error { return nil })
	t.add("terminal no monitor", func([]string) error { return nil })
	t.add("exit", func([]string) error { return errLogout })
	t.add("logout", func([]string) error { return errLogout })
}

func (x *iosxe) terminalLength(a []string) error {
	return x.setPageLength(a[0], x.prompt(), xeErrors, "Command authorization failed.")
}

func (x *iosxe) enable([]string) error {
	if x.dev.creds.EnablePassword == "" {
		x.write("% No password set\n")
		return nil
	}
	for range 3 {
		x.raw("Password: ")
		pw, _, err := x.readLine("enable-password", false)
		if err != nil {
			return err
		}
		if pw == x.dev.creds.EnablePassword {
			x.mode = xePriv
			return nil
		}
	}
	x.write(x.say(xeBadPasswords)) // [unverified] wording: both variants in wording.go
	return nil
}

func (x *iosxe) configure([]string) error {
	x.write("Enter configuration commands, one per line.  End with CNTL/Z.\n")
	x.mode = xeConfig
	return nil
}

// header is the exec prompt timestamp that some devices print (seed 001).
func (x *iosxe) header() string {
	if !x.dev.spec.Faults.ExecTimestamp {
		return ""
	}
	return "Load for five secs: 30%/2%; one minute: 25%; five minutes: 27%\n" +
		"Time source is NTP, 23:40:09.537 CST Sat Mar 6 2021\n\n"
}

func (x *iosxe) saveDialog(ask bool) error {
	if ask {
		x.raw("Destination filename [startup-config]? ")
		name, _, err := x.readLine("copy-dialog", true)
		if err != nil {
			return err
		}
		if n := strings.TrimSpace(name); n != "" && n != "startup-config" {
			x.write("%Error opening nvram:" + n + " (No such file or directory)\n")
			return nil
		}
	}
	if ok, err := x.nvramConfirm(); err != nil || !ok {
		return err
	}
	x.write("Building configuration...\n")
	x.dev.save()
	x.write("[OK]\n")
	return nil
}

func (x *iosxe) writeMemory([]string) error { return x.saveDialog(x.dev.spec.Faults.SaveConfirm) }

func (x *iosxe) copyRunStart([]string) error { return x.saveDialog(true) }

func (x *iosxe) dir(a []string) error {
	fs := strings.TrimSuffix(a[0], "/")
	if !strings.HasSuffix(fs, ":") {
		fs += ":"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Directory of %s/\n\n", fs)
	n := 0
	for _, f := range []string{CoreBundle, ExternalBundle} {
		if x.dev.hasFile(fs + f) {
			n++
			fmt.Fprintf(&b, "%6d  -rw-           %6d  Mar 3 2022 16:47:01 +00:00  %s\n", 20+n, bundleSize(f), f)
		}
	}
	fmt.Fprintf(&b, "%6d  -rw-             6882  Jan 12 2022 09:14:55 +00:00  vlan.dat\n\n", 11)
	b.WriteString("11353194496 bytes total (8974831616 bytes free)\n")
	return x.show(b.String(), xeMore)
}

func bundleSize(f string) int {
	if f == ExternalBundle {
		return 117245
	}
	return 15482
}

func (x *iosxe) importURL(u string, clean bool) error {
	x.write("Reading file from " + u + "\n")
	certs, errText := fetchBundle(x.dev, u, "flash:")
	if errText != "" {
		// [unverified] wording: both variants in wording.go.
		x.write(x.fetchError(u, errText))
		return nil
	}
	x.write(x.loading(u))
	return x.install(certs, clean)
}

// install adds imported certificates to the running trustpool (after
// `clean` drops the downloaded ones) and reports success.
func (x *iosxe) install(certs []*x509Cert, clean bool) error {
	x.dev.with(func(run, _ *config) {
		if clean {
			dropDownloaded(run)
		}
		for _, c := range certs {
			run.addPool(c, "Downloaded")
		}
	})
	x.write("% PEM files import succeeded.\n")
	return nil
}

func (x *iosxe) importTerminal(clean bool) error {
	x.write("% Enter PEM-formatted CA certificate.\n% End with a blank line or \"quit\" on a line by itself.\n")
	lines, _, ok, err := x.readPaste(modePaste, "", "quit")
	if err != nil || !ok {
		return err
	}
	certs, perr := readPEMs(lines)
	if perr != nil {
		// [unverified] failure wording: the tool must only trust the store.
		x.write(x.say(xePasteFailed))
		return nil
	}
	return x.install(certs, clean)
}

func dropDownloaded(c *config) {
	kept := c.pool[:0]
	for _, e := range c.pool {
		if e.source != "Downloaded" {
			kept = append(kept, e)
		}
	}
	c.pool = kept
}

func (x *iosxe) showTrustpool([]string) error {
	var b strings.Builder
	b.WriteString(x.header())
	x.dev.with(func(run, _ *config) {
		for i, e := range run.pool {
			if i > 0 {
				b.WriteString("\n")
			}
			x.block(&b, e, "Trustpool", i == 0)
		}
	})
	return x.show(b.String(), xeMore)
}

// block renders one certificate as `show crypto pki trustpool` does
// (layout from the genieparser fixture and seed 001; some lines end in a space).
func (x *iosxe) block(b *strings.Builder, e entry, tp string, trap bool) {
	c := e.cert
	b.WriteString("CA Certificate\n  Status: Available\n")
	fmt.Fprintf(b, "  Certificate Serial Number (hex): %s\n", serialHex(c))
	b.WriteString("  Certificate Usage: Signature\n  Issuer: \n")
	for _, l := range dnLines(c.Issuer, false) {
		fmt.Fprintf(b, "    %s\n", l)
	}
	b.WriteString("  Subject: \n")
	for _, l := range dnLines(c.Subject, false) {
		fmt.Fprintf(b, "    %s\n", l)
	}
	b.WriteString("  Validity Date: \n")
	fmt.Fprintf(b, "    start date: %s\n", c.NotBefore.UTC().Format("15:04:05 MST Jan 2 2006"))
	fmt.Fprintf(b, "    end   date: %s\n", c.NotAfter.UTC().Format("15:04:05 MST Jan 2 2006"))
	fmt.Fprintf(b, "  Associated Trustpoints: %s \n", tp)
	if trap && x.trap != "" {
		// The prompt trap: a storage file named after a trustpoint that
		// starts with the hostname (`Storage: nvram:CiscoLicensi#1CA.cer`
		// follows the trustpoints line on real devices).
		fmt.Fprintf(b, "  Storage: nvram:%s1CA.cer\n", x.trap)
	}
	if tp == "Trustpool" {
		fmt.Fprintf(b, "  Trustpool: %s\n", e.source)
	}
}

func (x *iosxe) showPolicy([]string) error {
	return x.show(x.header()+"Trustpool Policy\n\nTrustpool revocation checking is disabled\nCRL cache time: 60 seconds\nCA Bundle url: Not set\n", xeMore)
}

func (x *iosxe) showCertificates([]string) error {
	var b strings.Builder
	b.WriteString(x.header())
	x.dev.with(func(run, _ *config) {
		for _, tp := range run.trustpoints {
			for _, c := range tp.certs {
				x.block(&b, entry{cert: c}, tp.name, false)
				b.WriteString("\n")
			}
		}
	})
	return x.show(b.String(), xeMore)
}

// fetchBundle resolves an import source to a bundle's certificates, or the
// device's error line. localFS is the default file system for bare names.
func fetchBundle(d *Device, u, localFS string) (certs []*x509Cert, errText string) {
	name := basename(u)
	if urlIsRemote(u) {
		if d.spec.Faults.NoInternet {
			return nil, "%Error opening " + u + " (Timed out)"
		}
	} else {
		path := u
		if !strings.Contains(path, ":") {
			path = localFS + path
		}
		if !d.hasFile(path) {
			return nil, "%Error opening " + u + " (No such file or directory)"
		}
	}
	certs = bundle(name)
	if certs == nil {
		return nil, "%Error opening " + u + " (No such file or directory)"
	}
	return certs, ""
}
