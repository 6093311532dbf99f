package devsim

// Look-alikes that detection must refuse: classic IOS and FTD.

// newClassicIOS is an IOS 15 switch: the IOS XE CLI with a classic
// `show version` (no "IOS XE" line), which must never be read as IOS XE.
func newClassicIOS(s *session) cli {
	x := newIOSXE(s)
	x.version = classicVersion
	return x
}

// ftd is Firepower Threat Defense's CLISH: a bare `> ` prompt.
type ftd struct {
	base
	t *table
}

func newFTD(s *session) cli {
	f := &ftd{base: base{session: s, host: s.dev.spec.Hostname, mode: "clish"}}
	f.t = &table{placeholders: []string{"capture", "clear", "configure", "connect", "cpu", "debug", "dir", "expert", "file", "history", "logout", "packet-tracer", "ping", "reboot", "redundant-interface", "restart", "shutdown", "system", "traceroute", "undebug", "verify"}}
	f.t.add("show version", func([]string) error { return f.show(ftdVersion(s.dev.spec), fxosMore) }).show = true
	f.t.add("terminal length <arg>", func([]string) error { return nil })
	f.t.add("terminal width <arg>", func([]string) error { return nil })
	f.t.add("exit", func([]string) error { return errLogout })
	return f
}

func (f *ftd) run() error {
	f.write("\nCopyright 2004-2021, Cisco and/or its affiliates. All rights reserved.\n" +
		"Cisco Firepower Extensible Operating System (FX-OS) v2.10.1 (build 162)\n" +
		"Cisco Firepower Threat Defense for VMware v" + f.dev.spec.Version + " (build 84)\n\n")
	return f.loop(func() string { return "> " }, func(line string, end lineEnd) error {
		if end != endEnter {
			return nil
		}
		return f.dispatch(f.t, line, "> ", errorStyle{
			invalid:    "Syntax error: Illegal parameter",
			ambiguous:  "Syntax error: Ambiguous command",
			incomplete: "Syntax error: Incomplete command",
		})
	})
}

func (f *ftd) status() (string, bool, bool, bool) { return f.mode, false, false, false }
