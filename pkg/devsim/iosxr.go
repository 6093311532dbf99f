package devsim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// IOS XR modes.
const (
	xrExec   = "exec"
	xrConfig = "config"
	xrTrustp = "config-trustp"
)

var xrErrors = errorStyle{
	invalid:    "% Invalid input detected at '^' marker.",
	ambiguous:  `% Ambiguous command:  "%s"`,
	incomplete: "% Incomplete command.",
}

// xrSettings is a trustpoint's configuration as committed or pending.
type xrSettings struct{ enrollTerminal, crl, remove bool }

type iosxr struct {
	base
	rp                string
	noTimestamp       bool
	exec, conf, trust *table
	// candidate holds uncommitted trustpoint settings by name.
	candidate map[string]xrSettings
	tpName    string
}

func newIOSXR(s *session) *iosxr {
	rp := s.dev.spec.RP
	if rp == "" {
		rp = "RP/0/RSP0/CPU0"
	}
	x := &iosxr{base: base{session: s, host: s.dev.spec.Hostname, mode: xrExec}, rp: rp}
	x.build()
	return x
}

func (x *iosxr) prompt() string {
	p := x.rp + ":" + x.host
	switch x.mode {
	case xrConfig:
		return p + "(config)#"
	case xrTrustp:
		return p + "(config-trustp)#"
	}
	return p + "#"
}

func (x *iosxr) status() (string, bool, bool, bool) {
	return x.mode, x.mode != xrExec, len(x.candidate) > 0, x.pasting
}

func (x *iosxr) run() error {
	x.write(motd(x.dev.spec))
	return x.loop(x.prompt, func(line string, end lineEnd) error {
		if end != endEnter {
			if end == endCtrlZ && x.mode != xrExec {
				return x.leaveConfig()
			}
			return nil
		}
		if strings.TrimSpace(line) == "" {
			return nil
		}
		t := x.exec
		switch x.mode {
		case xrConfig:
			t = x.conf
		case xrTrustp:
			t = x.trust
		default:
			x.stamp()
		}
		return x.dispatch(t, line, x.prompt(), xrErrors)
	})
}

// stamp is the timestamp line XR prints before every exec command's output.
func (x *iosxr) stamp() {
	if !x.noTimestamp {
		x.write(time.Now().UTC().Format("Mon Jan _2 15:04:05.000 MST") + "\n")
	}
}

func (x *iosxr) build() {
	x.exec = &table{placeholders: []string{"admin", "clear", "clock", "copy", "debug", "delete", "describe", "mkdir", "monitor", "ping", "reload", "ssh", "telnet", "traceroute", "undebug", "upgrade"}}
	x.exec.add("show version", func([]string) error { return x.show(xrVersion(x.dev.spec), xeMore) }).show = true
	x.exec.add("show inventory", func([]string) error { return x.show(xrInventory(x.dev.spec), xeMore) }).show = true
	x.exec.add("show crypto ca trustpool", x.showTrustpool).show = true
	x.exec.add("show crypto ca certificates", x.showCertificates).show = true
	x.exec.add("show running-config crypto ca trustpoint", func([]string) error { return x.showRunTrustpoints("") }).show = true
	x.exec.add("show running-config crypto ca trustpoint <arg>", func(a []string) error { return x.showRunTrustpoints(a[0]) }).show = true
	x.exec.add("terminal length <arg>", x.terminalLength)
	x.exec.add("terminal width <arg>", func([]string) error { return nil })
	x.exec.add("terminal exec prompt no-timestamp", func([]string) error { x.noTimestamp = true; return nil })
	x.exec.add("dir <arg>", x.dir).show = true
	x.exec.add("run <rest>", x.run_).mutates = true
	x.exec.add("configure", x.configure).mutates = true
	x.exec.add("configure terminal", x.configure).mutates = true
	x.exec.add("crypto ca trustpool import url <arg>", x.importURL).mutates = true
	x.exec.add("crypto ca authenticate <arg>", x.authenticate).mutates = true
	x.exec.add("exit", func([]string) error { return errLogout })
	x.exec.add("logout", func([]string) error { return errLogout })

	common := func(t *table) {
		t.add("commit", x.commit)
		t.add("end", func([]string) error { return x.leaveConfig() })
		t.add("abort", func([]string) error { x.candidate = nil; x.mode = xrExec; return nil })
		t.add("show configuration", x.showCandidate).show = true
		t.add("do <rest>", func(a []string) error { x.stamp(); return x.dispatch(x.exec, a[0], x.prompt()+"do ", xrErrors) })
	}
	x.conf = &table{placeholders: []string{"hostname", "interface", "logging", "router", "snmp-server", "ssh", "username", "vrf", "http"}}
	x.conf.add("crypto ca trustpoint <arg>", x.enterTrustpoint)
	x.conf.add("no crypto ca trustpoint <arg>", func(a []string) error {
		x.tpName = a[0]
		x.set(func(s *xrSettings) { s.remove = true })
		return nil
	})
	x.conf.add("exit", func([]string) error { return x.leaveConfig() })
	common(x.conf)

	x.trust = &table{placeholders: []string{"subject-name", "rsakeypair", "keypair", "ca-keypair", "message-digest", "lifetime", "auto-enroll", "vrf"}}
	x.trust.add("enrollment terminal", func([]string) error { x.set(func(s *xrSettings) { s.enrollTerminal = true }); return nil })
	// The reference form; a Cisco script writes `enrollment url terminal`.
	x.trust.add("enrollment url <arg>", func(a []string) error {
		x.set(func(s *xrSettings) { s.enrollTerminal = a[0] == "terminal" })
		return nil
	})
	x.trust.add("crl optional", func([]string) error { x.set(func(s *xrSettings) { s.crl = true }); return nil })
	x.trust.add("no enrollment terminal", func([]string) error { x.set(func(s *xrSettings) { s.enrollTerminal = false }); return nil })
	x.trust.add("no enrollment url <arg>", func([]string) error { x.set(func(s *xrSettings) { s.enrollTerminal = false }); return nil })
	x.trust.add("exit", func([]string) error { x.mode = xrConfig; return nil })
	common(x.trust)
	for _, t := range []*table{x.conf, x.trust} {
		for _, c := range t.cmds {
			// `do` records its inner command itself.
			c.mutates = !c.show && c.words[0] != "do"
		}
	}
}

func (x *iosxr) terminalLength(a []string) error {
	return x.setPageLength(a[0], x.prompt(), xrErrors, "% This command is not authorized")
}

func (x *iosxr) configure([]string) error {
	x.mode = xrConfig
	return nil
}

func (x *iosxr) enterTrustpoint(a []string) error {
	x.tpName = a[0]
	x.mode = xrTrustp
	return nil
}

// set changes the pending settings of the current trustpoint.
func (x *iosxr) set(f func(*xrSettings)) {
	if x.candidate == nil {
		x.candidate = map[string]xrSettings{}
	}
	s, ok := x.candidate[x.tpName]
	if !ok {
		x.dev.with(func(run, _ *config) {
			if tp := run.trustpoint(x.tpName); tp != nil {
				s = xrSettings{enrollTerminal: tp.enrollTerminal, crl: tp.crlConfigured}
			}
		})
	}
	f(&s)
	x.candidate[x.tpName] = s
}

// commit applies the candidate; on XR commit is also the save.
func (x *iosxr) commit([]string) error {
	x.dev.with(func(run, start *config) {
		for name, s := range x.candidate {
			for _, c := range []*config{run, start} {
				if s.remove {
					// Removing a trustpoint removes its CA certificate too.
					c.trustpoints = slices.DeleteFunc(c.trustpoints, func(t *trustpoint) bool { return t.name == name })
					continue
				}
				tp := c.trustpoint(name)
				if tp == nil {
					tp = &trustpoint{name: name}
					c.trustpoints = append(c.trustpoints, tp)
				}
				tp.enrollTerminal, tp.crlConfigured = s.enrollTerminal, s.crl
			}
		}
	})
	x.candidate = nil
	return nil
}

// leaveConfig is `end`/`exit`/^Z: with pending changes XR asks first.
func (x *iosxr) leaveConfig() error {
	if len(x.candidate) > 0 {
		for {
			x.raw("Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:")
			ans, _, err := x.readLine("commit-dialog", true)
			if err != nil {
				return err
			}
			switch strings.ToLower(strings.TrimSpace(ans)) {
			case "yes", "y":
				_ = x.commit(nil)
			case "no", "n":
				x.candidate = nil
			case "", "cancel", "c":
				return nil
			default:
				continue
			}
			break
		}
	}
	x.mode = xrExec
	return nil
}

func (x *iosxr) showCandidate([]string) error {
	var b strings.Builder
	b.WriteString("Building configuration...\n!! IOS XR Configuration " + x.dev.spec.Version + "\n")
	for name, s := range x.candidate {
		fmt.Fprintf(&b, "crypto ca trustpoint %s\n", name)
		if s.enrollTerminal {
			b.WriteString(" enrollment terminal\n")
		}
		if s.crl {
			b.WriteString(" crl optional\n")
		}
		b.WriteString("!\n")
	}
	b.WriteString("end\n\n")
	return x.show(b.String(), xeMore)
}

func (x *iosxr) dir(a []string) error {
	fs := strings.TrimSuffix(a[0], "/")
	var b strings.Builder
	fmt.Fprintf(&b, "\nDirectory of %s\n\n", fs)
	inode := 73 // the FN72290 write-up lists ios.p7b as inode 73
	folder := fs
	if !strings.HasSuffix(folder, ":") {
		folder += "/" // harddisk:/dir holds harddisk:/dir/ios.p7b
	}
	for _, f := range []string{CoreBundle, ExternalBundle} {
		if x.dev.hasFile(folder + f) {
			fmt.Fprintf(&b, "%5d -rw-r--r--.  1 %8d Mar  3 16:47 %s\n", inode, bundleSize(f), f)
			inode++
		}
	}
	b.WriteString("   12 drwxr-xr-x.  2     4096 Jan 12 09:14 dumper\n\n3915776 kbytes total (3687424 kbytes free)\n")
	return x.show(b.String(), xeMore)
}

// run_ is `run <linux command>`: only cp, rm and ls of files are modelled.
func (x *iosxr) run_(a []string) error {
	f := strings.Fields(a[0])
	switch {
	case len(f) == 3 && f[0] == "cp":
		src, dst := f[1], f[2]
		if !x.dev.hasFile(src) {
			x.write(fmt.Sprintf("cp: cannot stat '%s': No such file or directory\n", src))
			return nil
		}
		if dst == "/tmp" || dst == "/tmp/" {
			dst = "/tmp/" + basename(src)
		}
		x.dev.setFile(dst, true)
	case len(f) == 2 && f[0] == "rm":
		if !x.dev.hasFile(f[1]) {
			x.write(fmt.Sprintf("rm: cannot remove '%s': No such file or directory\n", f[1]))
			return nil
		}
		x.dev.setFile(f[1], false)
	case len(f) == 2 && f[0] == "ls":
		if !x.dev.hasFile(f[1]) {
			x.write(fmt.Sprintf("ls: cannot access '%s': No such file or directory\n", f[1]))
			return nil
		}
		x.write(f[1] + "\n")
	default:
		x.write("sh: " + f[0] + ": command not found\n")
	}
	return nil
}

// importURL is `crypto ca trustpool import url`. A local path is accepted
// only under /tmp (FN72290 workaround). What it prints, and whether it asks
// first, is [unverified]: wording.go has the variants; the tool must
// confirm by listing the trustpool again.
func (x *iosxr) importURL(a []string) error {
	u := a[0]
	if !urlIsRemote(u) && !strings.HasPrefix(u, "/tmp/") {
		x.write(x.say(xrLocalOnlyTmp, u))
		return nil
	}
	if urlIsRemote(u) && x.dev.spec.Faults.NoInternet {
		// The default is the syslog line of a failed download, as output.
		x.write(x.say(xrDownloadFailed, u))
		return nil
	}
	certs, errText := fetchBundle(x.dev, u, "")
	if errText != "" {
		x.write(x.say(xrNoFile, u))
		return nil
	}
	proceed, clean, err := x.importQuestion(len(certs))
	if err != nil || !proceed {
		return err
	}
	// The trustpool lives on disk: an exec-mode import survives a reload.
	added := 0
	x.dev.with(func(run, start *config) {
		if clean {
			dropDownloaded(run)
			dropDownloaded(start)
		}
		for _, c := range certs {
			if run.addPool(c, "Downloaded") {
				added++
			}
			start.addPool(c, "Downloaded")
		}
	})
	x.write(x.importSummary(len(certs), added))
	return nil
}

// authenticate is `crypto ca authenticate <tp>` (the FN72290 write-up). The certificate
// lands in the running state only: it is lost on reload.
func (x *iosxr) authenticate(a []string) error {
	name := a[0]
	var ok bool
	x.dev.with(func(run, _ *config) {
		tp := run.trustpoint(name)
		ok = tp != nil && tp.enrollTerminal
	})
	if !ok {
		x.write(x.say(xrNotTerminal, name)) // [unverified] wording
		return nil
	}
	x.write("Enter the base 64 encoded certificate.\nEnd with a blank line or the word \"quit\" on a line by itself\n")
	lines, _, done, err := x.readPaste(modePaste, "", "quit")
	if err != nil || !done {
		return err
	}
	certs, perr := readPEMs(lines)
	if perr != nil || len(certs) != 1 {
		x.write(x.say(xrBadCert)) // [unverified] wording
		return nil
	}
	c := certs[0]
	var b strings.Builder
	xrBlock(&b, c)
	x.write(b.String())
	for {
		x.raw("Do you accept this certificate? [yes/no]: ")
		ans, _, err := x.readLine("confirm", true)
		if err != nil {
			return err
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "yes", "y":
			x.dev.with(func(run, _ *config) {
				tp := run.trustpoint(name)
				tp.certs = append(tp.certs[:0:0], c)
			})
			x.write(x.accepted(name)) // [unverified]: nothing by default
			return nil
		case "no", "n":
			return nil
		}
		x.write(x.say(xrYesOrNo)) // [unverified] wording
	}
}
