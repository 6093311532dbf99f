package devsim

import (
	"strings"
)

// ASA modes.
const (
	asaUser  = "exec"
	asaPriv  = "privileged"
	asaConf  = "config"
	asaTp    = "config-ca-trustpoint"
	asaCRL   = "config-ca-crl"
	asaMore  = "<--- More --->"
	asaError = "ERROR: % Invalid input detected at '^' marker."
)

var asaErrors = errorStyle{
	invalid:    asaError,
	ambiguous:  `ERROR: % Ambiguous command:  "%s"`,
	incomplete: "ERROR: % Incomplete command",
}

type asa struct {
	base
	multi                     bool
	user, priv, conf, tp, crl *table
	tpName                    string
}

func newASA(s *session) *asa {
	a := &asa{base: base{session: s, host: s.dev.spec.Hostname, mode: asaUser}, multi: s.dev.spec.Faults.MultipleContext}
	a.build()
	return a
}

func (a *asa) prompt() string {
	switch a.mode {
	case asaPriv:
		return a.host + "# "
	case asaConf, asaTp, asaCRL:
		return a.host + "(" + a.mode + ")# "
	}
	return a.host + "> "
}

func (a *asa) status() (string, bool, bool, bool) {
	return a.mode, a.mode == asaConf || a.mode == asaTp || a.mode == asaCRL, false, a.pasting
}

func (a *asa) run() error {
	a.write("Type help or '?' for a list of available commands.\n")
	return a.loop(a.prompt, func(line string, end lineEnd) error {
		if end == endCtrlZ && a.mode != asaUser && a.mode != asaPriv {
			a.mode = asaPriv
			return nil
		}
		if end != endEnter {
			return nil
		}
		t := a.user
		switch a.mode {
		case asaPriv:
			t = a.priv
		case asaConf:
			t = a.conf
		case asaTp:
			t = a.tp
		case asaCRL:
			t = a.crl
		}
		return a.dispatch(t, line, a.prompt(), asaErrors)
	})
}

func (a *asa) build() {
	a.user = &table{placeholders: []string{"login", "logout", "ping", "quit", "traceroute"}}
	a.user.add("enable", a.enable)
	a.user.add("exit", func([]string) error { return errLogout })
	a.user.add("show version", a.showVersion).show = true

	shows := func(t *table) {
		t.add("show version", a.showVersion).show = true
		t.add("show mode", a.showMode).show = true
		t.add("show crypto ca certificates", func([]string) error { return a.showCerts("") }).show = true
		t.add("show crypto ca certificates <arg>", func(x []string) error { return a.showCerts(x[0]) }).show = true
		t.add("show crypto ca trustpool", a.showTrustpool).show = true
		t.add("show running-config crypto ca certificate", a.showRunCerts).show = true
		t.add("show running-config crypto ca trustpoint", func([]string) error { return a.showRunTrustpoints("") }).show = true
		t.add("show running-config crypto ca trustpoint <arg>", func(x []string) error { return a.showRunTrustpoints(x[0]) }).show = true
		t.add("show running-config fips", a.showFIPS).show = true
		t.add("write memory", a.writeMemory).mutates = true
		t.add("copy running-config startup-config", a.copyRunStart).mutates = true
	}
	a.priv = &table{placeholders: []string{"capture", "clear", "clock", "configure", "copy", "debug", "delete", "dir", "failover", "format", "packet-tracer", "ping", "reload", "traceroute", "undebug", "verify", "quit"}}
	shows(a.priv)
	a.priv.add("terminal pager <arg>", a.pager)
	a.priv.add("terminal pager lines <arg>", a.pager)
	a.priv.add("terminal width <arg>", func([]string) error { return nil })
	a.priv.add("configure terminal", a.configure).mutates = true
	a.priv.add("disable", func([]string) error { a.mode = asaUser; return nil })
	a.priv.add("exit", func([]string) error { return errLogout })
	a.priv.add("logout", func([]string) error { return errLogout })
	if !a.multi {
		a.priv.add("crypto ca trustpool import url <arg>", a.importURL).mutates = true
	}

	global := func(t *table) {
		shows(t)
		if !a.multi {
			// In the system space of a multiple-context ASA the crypto ca
			// commands are not available [unverified: plan such devices as
			// unsupported].
			t.add("crypto ca trustpoint <arg>", a.enterTrustpoint)
			t.add("no crypto ca trustpoint <arg>", a.removeTrustpoint)
			t.add("crypto ca authenticate <arg>", a.authenticate)
			t.add("crypto ca trustpool import url <arg>", a.importURL)
		}
		t.add("end", func([]string) error { a.mode = asaPriv; return nil })
	}
	a.conf = &table{placeholders: []string{"aaa", "access-list", "call-home", "class-map", "hostname", "interface", "license", "logging", "names", "object", "policy-map", "route", "ssh", "username"}}
	global(a.conf)
	a.conf.add("exit", func([]string) error { a.mode = asaPriv; return nil })

	a.tp = &table{placeholders: []string{"keypair", "subject-name", "fqdn", "id-usage"}}
	a.tp.add("enrollment terminal", func([]string) error { a.setTp(func(t *trustpoint) { t.enrollTerminal = true }); return nil })
	a.tp.add("crl configure", func([]string) error {
		a.setTp(func(t *trustpoint) { t.crlConfigured = true })
		a.mode = asaCRL
		return nil
	})
	a.tp.add("no validation-usage", func([]string) error { return nil })
	a.tp.add("validation-usage <rest>", func([]string) error { return nil })
	a.tp.add("exit", func([]string) error { a.mode = asaConf; return nil })
	global(a.tp)

	a.crl = &table{placeholders: []string{"cache-time", "enforcenextupdate", "policy", "protocol", "url"}}
	a.crl.add("exit", func([]string) error { a.mode = asaTp; return nil })
	global(a.crl)
	for _, t := range []*table{a.conf, a.tp, a.crl} {
		for _, c := range t.cmds {
			if !c.show {
				c.mutates = true
			}
		}
	}
}

func (a *asa) showVersion([]string) error { return a.show(asaVersion(a.dev.spec, a.multi), asaMore) }

func (a *asa) showMode([]string) error {
	m := "single"
	if a.multi {
		m = "multiple"
	}
	return a.show("Security context mode: "+m+"\n", asaMore)
}

func (a *asa) showFIPS([]string) error {
	if a.dev.spec.Faults.FIPS {
		return a.show("fips enable\n", asaMore)
	}
	return nil
}

func (a *asa) pager(x []string) error {
	if a.dev.spec.Faults.RefusePaging {
		a.write("Command authorization failed\n")
		return nil
	}
	a.pageLen = atoiDefault(x[0], a.pageLen)
	return nil
}

// enable asks for the enable password; the ASA echoes a '*' per character.
func (a *asa) enable([]string) error {
	a.starEcho = true
	defer func() { a.starEcho = false }()
	for range 3 {
		a.raw("Password: ")
		pw, _, err := a.readLine("enable-password", false)
		if err != nil {
			return err
		}
		if pw == a.dev.creds.EnablePassword {
			a.mode = asaPriv
			return nil
		}
		a.write("Invalid password\n")
	}
	a.write(a.say(asaAccessDenied)) // [unverified] wording after the third failure
	return nil
}

// configure enters config mode. On the device with the error-reporting
// fault the first time asks about anonymous reporting. As on real images
// the (config)# prompt comes first and the notice follows it: a tool whose
// prompt pattern matches a line in the middle of its buffer stops there
// and meets the question with its next command.
func (a *asa) configure([]string) error {
	a.mode = asaConf
	if !a.dev.spec.Faults.ErrorReportingPrompt {
		return nil
	}
	var asked bool
	a.dev.with(func(*config, *config) { asked = a.dev.askedReport })
	if asked {
		return nil
	}
	// One write, so a reader sees the prompt and the question together.
	const question = "Would you like to enable anonymous error reporting to help improve\nthe product? [Y]es, [N]o, [A]sk later: "
	a.raw(a.prompt() + "\n\n***************************** NOTICE *****************************\n\n" +
		"Help to improve the ASA platform by enabling anonymous reporting,\n" +
		"which allows Cisco to securely receive minimal error and health\n" +
		"information from the device. To learn more about this feature,\n" +
		"please visit: http://www.cisco.com/go/smartcall\n\n" + question)
	for {
		ans, _, err := a.readLine("reporting-dialog", true)
		if err != nil {
			return err
		}
		switch strings.ToUpper(strings.TrimSpace(ans)) {
		case "A":
			// [unverified] what "ask later" prints; it asks again next time.
			a.write(a.say(asaAskLater))
			return nil
		case "Y":
			a.dev.with(func(*config, *config) { a.dev.askedReport = true })
			a.write("\nEnabling anonymous reporting.\n" +
				"Adding \"call-home reporting anonymous\" to running configuration...\n\n" +
				"Please remember to save your configuration.\n\n")
			return nil
		case "N":
			a.dev.with(func(*config, *config) { a.dev.askedReport = true })
			a.write("\nIn the future, if you would like to enable this feature,\n" +
				"issue the command \"call-home reporting anonymous\".\n\n" +
				"Please remember to save your configuration.\n\n")
			return nil
		}
		a.raw(question)
	}
}

func (a *asa) enterTrustpoint(x []string) error {
	a.tpName = x[0]
	a.dev.with(func(run, _ *config) {
		if run.trustpoint(x[0]) == nil {
			run.trustpoints = append(run.trustpoints, &trustpoint{name: x[0]})
		}
	})
	a.mode = asaTp
	return nil
}

func (a *asa) removeTrustpoint(x []string) error {
	a.dev.with(func(run, _ *config) {
		for i, tp := range run.trustpoints {
			if tp.name == x[0] {
				run.trustpoints = append(run.trustpoints[:i], run.trustpoints[i+1:]...)
				return
			}
		}
	})
	return nil
}

func (a *asa) setTp(f func(*trustpoint)) {
	a.dev.with(func(run, _ *config) {
		if tp := run.trustpoint(a.tpName); tp != nil {
			f(tp)
		}
	})
}

// authenticate is `crypto ca authenticate <tp>` with terminal enrollment
// (seed 003). It is a global command, so it also leaves a sub-mode.
func (a *asa) authenticate(x []string) error {
	a.mode = asaConf
	name := x[0]
	var tp *trustpoint
	a.dev.with(func(run, _ *config) { tp = run.trustpoint(name) })
	if tp == nil {
		a.write(a.say(asaTpNotFound, name)) // [unverified] wording
		return nil
	}
	if !tp.enrollTerminal {
		a.write(a.say(asaNotTerminal, name)) // [unverified] wording
		return nil
	}
	if a.refuseReauth(tp) {
		return nil
	}
	a.write("Enter the base 64 encoded CA certificate.\nEnd with the word \"quit\" on a line by itself\n")
	lines, _, ok, err := a.readPaste(modePaste, "quit")
	if err != nil || !ok {
		return err
	}
	certs, perr := readPEMs(lines)
	if perr != nil || len(certs) != 1 {
		a.write("ERROR: Failed to parse or verify imported certificate\n")
		return nil
	}
	c := certs[0]
	a.write("\nINFO: Certificate has the following attributes:\nFingerprint:     " + md5Groups(c) + " \n")
	for {
		a.raw("Do you accept this certificate? [yes/no]: ")
		ans, _, err := a.readLine("confirm", true)
		if err != nil {
			return err
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "yes", "y":
			if a.dev.spec.Faults.FIPS && sha1Signed(c) {
				a.write("\nTrustpoint CA certificate is not FIPS compliant.\n% Error in saving certificate: status = FAIL\n")
				return nil
			}
			a.dev.with(func(run, _ *config) {
				if t := run.trustpoint(name); t != nil {
					t.certs = []*x509Cert{c}
				}
			})
			a.write("\nWARNING: CA certificates can be used to validate VPN connections,\n" +
				"by default.  Please adjust the validation-usage of this\n" +
				"trustpoint to limit the validation scope, if necessary.\n" +
				"Trustpoint CA certificate accepted.\n\n% Certificate successfully imported\n")
			return nil
		case "no", "n":
			a.write(a.say(asaNotAccepted)) // [unverified] wording
			return nil
		}
	}
}

// importURL is `crypto ca trustpool import url` (output in the Cisco
// Community article on the 2018 tools.cisco.com CA change). Questions,
// failure wording and counter layouts are [unverified]: wording.go has
// the variants.
func (a *asa) importURL(x []string) error {
	u := x[0]
	certs, errText := fetchBundle(a.dev, u, "disk0:")
	if errText != "" {
		a.write(a.say(asaURLFailed, u))
		return nil
	}
	proceed, clean, err := a.importQuestion(u)
	if err != nil || !proceed {
		return err
	}
	a.write(a.poolSummary(a.installPool(certs, clean)))
	return nil
}

func (a *asa) writeMemory([]string) error {
	a.write("Building configuration...\nCryptochecksum: 3c845d0f b6b8839a f9e43be0 33feb4ef \n\n" + a.say(asaCopied))
	a.dev.save()
	a.write("[OK]\n")
	return nil
}

func (a *asa) copyRunStart([]string) error {
	a.raw("\nSource filename [running-config]? ")
	if _, _, err := a.readLine("copy-dialog", true); err != nil {
		return err
	}
	a.raw("\nDestination filename [startup-config]? ")
	if _, _, err := a.readLine("copy-dialog", true); err != nil {
		return err
	}
	return a.writeMemory(nil)
}
