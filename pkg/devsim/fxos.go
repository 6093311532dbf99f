package devsim

import (
	"fmt"
	"slices"
	"strings"
)

var fxosErrors = errorStyle{
	invalid:    "% Invalid Command at '^' marker",
	ambiguous:  "% Ambiguous command at '^' marker",
	incomplete: "Syntax error: The command is not completed",
}

const fxosMore = "--More--"

// fxosChange is one pending change in the FXOS (UCSM-lineage) buffer.
type fxosChange struct {
	tp      string
	create  bool
	delete  bool
	chain   []string // set certchain lines; nil when unchanged
	chained bool
}

// fxos is the Firepower 4100/9300 supervisor CLI: scopes instead of modes,
// and a configuration buffer that only commit-buffer applies.
type fxos struct {
	base
	scope        []string // e.g. ["security", "trustpoint"]
	tpName       string
	pending      []*fxosChange
	top, sec, tp *table
}

func newFXOS(s *session) *fxos {
	f := &fxos{base: base{session: s, host: s.dev.spec.Hostname, mode: "/"}}
	f.build()
	return f
}

// prompt also sets the mode, so the next line is recorded in the scope
// it is typed in.
func (f *fxos) prompt() string {
	f.mode = "/" + strings.Join(f.scope, "/")
	switch {
	case len(f.scope) > 0 && len(f.pending) > 0:
		return f.host + " " + f.mode + "* # "
	case len(f.scope) > 0:
		return f.host + " " + f.mode + " # "
	case len(f.pending) > 0:
		// Pending changes at the top level (reference §4.1, unicon).
		return f.host + "* # "
	}
	return f.host + "# "
}

func (f *fxos) status() (string, bool, bool, bool) {
	return "/" + strings.Join(f.scope, "/"), len(f.scope) > 0, len(f.pending) > 0, f.pasting
}

func (f *fxos) run() error {
	return f.loop(f.prompt, func(line string, end lineEnd) error {
		if end != endEnter {
			return nil
		}
		t := f.top
		if len(f.scope) == 1 {
			t = f.sec
		} else if len(f.scope) == 2 {
			t = f.tp
		}
		return f.dispatch(t, line, f.prompt(), fxosErrors)
	})
}

func (f *fxos) build() {
	common := func(t *table) {
		t.add("show version", func([]string) error { return f.show(fxosVersion(f.dev.spec), fxosMore) }).show = true
		t.add("show configuration pending", f.showPending).show = true
		t.add("terminal length <arg>", func(a []string) error { f.pageLen = atoiDefault(a[0], f.pageLen); return nil })
		t.add("terminal width <arg>", func([]string) error { return nil })
		t.add("commit-buffer", f.commit).mutates = true
		t.add("discard-buffer", func([]string) error { f.pending = nil; return nil }).mutates = true
		t.add("top", func([]string) error { f.scope = nil; return nil })
		t.add("end", func([]string) error { f.scope = nil; return nil })
		t.add("up", func([]string) error { f.up(); return nil })
	}
	f.top = &table{placeholders: []string{"acknowledge", "backup", "clear", "connect", "decommission", "delete", "enter", "ping", "restore", "ssh", "telnet", "traceroute"}}
	common(f.top)
	f.top.add("scope security", func([]string) error { f.scope = []string{"security"}; return nil })
	f.top.add("exit", func([]string) error { return errLogout })

	f.sec = &table{placeholders: []string{"enter", "set", "show"}}
	common(f.sec)
	f.sec.add("show trustpoint", func([]string) error { return f.showTrustpoints(false) }).show = true
	f.sec.add("show trustpoint detail", func([]string) error { return f.showTrustpoints(true) }).show = true
	f.sec.add("create trustpoint <arg>", f.create).mutates = true
	f.sec.add("enter trustpoint <arg>", f.enter).mutates = true
	f.sec.add("scope trustpoint <arg>", f.scopeTp)
	f.sec.add("delete trustpoint <arg>", f.remove).mutates = true
	f.sec.add("exit", func([]string) error { f.up(); return nil })

	f.tp = &table{placeholders: []string{"show"}}
	common(f.tp)
	f.tp.add("set certchain", f.setChain).mutates = true
	f.tp.add("show detail", func([]string) error { return f.showTrustpoints(true) }).show = true
	f.tp.add("exit", func([]string) error { f.up(); return nil })
}

func (f *fxos) up() {
	if len(f.scope) > 0 {
		f.scope = f.scope[:len(f.scope)-1]
	}
}

func (f *fxos) committed(name string) *trustpoint {
	var tp *trustpoint
	f.dev.with(func(run, _ *config) { tp = run.trustpoint(name) })
	return tp
}

func (f *fxos) pendingFor(name string) *fxosChange {
	for _, c := range f.pending {
		if c.tp == name {
			return c
		}
	}
	return nil
}

// create is `create trustpoint X`: an existing object is an error
// [unverified wording, UCSM lineage].
func (f *fxos) create(a []string) error {
	name := a[0]
	if f.committed(name) != nil || f.pendingFor(name) != nil {
		f.write(f.say(fxosExists, name))
		return nil
	}
	f.pending = append(f.pending, &fxosChange{tp: name, create: true})
	f.tpName, f.scope = name, []string{"security", "trustpoint"}
	return nil
}

func (f *fxos) enter(a []string) error {
	if f.committed(a[0]) == nil && f.pendingFor(a[0]) == nil {
		f.pending = append(f.pending, &fxosChange{tp: a[0], create: true})
	}
	f.tpName, f.scope = a[0], []string{"security", "trustpoint"}
	return nil
}

func (f *fxos) scopeTp(a []string) error {
	if f.committed(a[0]) == nil && f.pendingFor(a[0]) == nil {
		f.write(f.say(fxosNotExist)) // [unverified] wording
		return nil
	}
	f.tpName, f.scope = a[0], []string{"security", "trustpoint"}
	return nil
}

func (f *fxos) remove(a []string) error {
	if f.committed(a[0]) == nil {
		f.write(f.say(fxosNotExist)) // [unverified] wording
		return nil
	}
	f.pending = append(f.pending, &fxosChange{tp: a[0], delete: true})
	return nil
}

// setChain reads the chain line by line behind a `>` prompt until ENDOFBUF
// (seed 003); ^C aborts and changes nothing.
func (f *fxos) setChain([]string) error {
	f.write("Enter lines one at a time. Enter ENDOFBUF to finish. Press ^C to abort.\nTrustpoint Certificate Chain:\n")
	var lines []string
	f.pasting = true
	for {
		f.raw(">")
		l, end, err := f.readLine(modeCertchain, true)
		if err != nil {
			return err
		}
		if end == endCtrlC {
			f.pasting = false
			return nil
		}
		if strings.TrimSpace(l) == "ENDOFBUF" {
			break
		}
		lines = append(lines, l)
	}
	f.pasting = false
	c := f.pendingFor(f.tpName)
	if c == nil {
		c = &fxosChange{tp: f.tpName}
		f.pending = append(f.pending, c)
	}
	c.chain, c.chained = lines, true
	return nil
}

// commit applies the buffer atomically. A bad change fails the whole commit
// and the buffer stays pending until discard-buffer [unverified wording].
func (f *fxos) commit([]string) error {
	type applied struct {
		name   string
		certs  []*x509Cert
		delete bool
	}
	var plan []applied
	for _, c := range f.pending {
		if c.delete {
			plan = append(plan, applied{name: c.tp, delete: true})
			continue
		}
		if c.create && !c.chained {
			f.write(f.say(fxosEmptyChain, c.tp))
			return nil
		}
		if !c.chained {
			continue
		}
		certs, err := readPEMs(c.chain)
		if err != nil {
			f.write(f.say(fxosBadChain))
			return nil
		}
		plan = append(plan, applied{name: c.tp, certs: certs})
	}
	f.dev.with(func(run, start *config) {
		for _, p := range plan {
			for _, cfg := range []*config{run, start} {
				if p.delete {
					cfg.trustpoints = slices.DeleteFunc(cfg.trustpoints, func(t *trustpoint) bool { return t.name == p.name })
					continue
				}
				tp := cfg.trustpoint(p.name)
				if tp == nil {
					tp = &trustpoint{name: p.name, enrollTerminal: true}
					cfg.trustpoints = append(cfg.trustpoints, tp)
				}
				tp.certs = slices.Clone(p.certs)
			}
		}
	})
	f.pending = nil
	return nil
}

func (f *fxos) showPending([]string) error {
	var b strings.Builder
	for _, c := range f.pending {
		switch {
		case c.delete:
			fmt.Fprintf(&b, "- trustpoint %s\n", c.tp)
		case c.create:
			fmt.Fprintf(&b, "+ trustpoint %s\n", c.tp)
		default:
			fmt.Fprintf(&b, "  trustpoint %s\n", c.tp)
		}
		if c.chained {
			b.WriteString("+     set certchain\n")
		}
	}
	return f.show(b.String(), fxosMore)
}

// showTrustpoints lists committed trustpoints with their chain in PEM
// [unverified labels, UCSM lineage; the variants are in wording.go].
// detail is `show trustpoint detail` or `show detail` in a trustpoint.
func (f *fxos) showTrustpoints(detail bool) error {
	switch {
	case f.worded(WordingDetailOnly) && !detail:
		return f.showTrustpointSummary()
	case f.worded(WordingAlt):
		return f.showTrustpointsRelabelled()
	}
	var b strings.Builder
	f.dev.with(func(run, _ *config) {
		for _, tp := range f.shown(run) {
			fmt.Fprintf(&b, "\nTrustpoint Name: %s\n    Trustpoint certificate chain:\n", tp.name)
			for _, c := range tp.certs {
				for _, l := range pemLines(c) {
					b.WriteString("        " + l + "\n")
				}
			}
			fmt.Fprintf(&b, "    Cert Status: %s\n", tpStatus(tp))
		}
	})
	return f.show(b.String(), fxosMore)
}
