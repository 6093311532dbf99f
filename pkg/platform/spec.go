package platform

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/session"
	"github.com/trustfix/trustfix/platforms"
)

// Spec is everything trustfix knows about one platform, as data, plus the
// Driver that runs its sequences. Each platform package builds one in its
// Register function; docs/adding-a-platform.md walks through the fields.
type Spec struct {
	// ID is the platform id of the inventory, the records and the reports
	// (iosxe, asa, …); Aliases are other names the inventory and --platform
	// accept for it.
	ID      string
	Aliases []string
	// Session is the scrapligo definition and what a session does right
	// after login. Empty for a platform without CLI.
	Session Session
	// Detect says how `show version` identifies the platform.
	Detect Detection
	// Methods are the import sequences the driver runs, with their
	// persistence and fallback; none for a platform fixed by upgrade only.
	Methods []Method
	// Auto is import_method auto: the first of these methods that applies
	// (file only when a bundle_file is configured).
	Auto []record.Method
	// Advisory is the platform's family in the field-notice tables
	// (pkg/advisory); "" means ID.
	Advisory string
	// Names are what other tools' inventories call the platform: an
	// Ansible or Nornir inventory naming it is read as this platform.
	Names ToolNames
	// Driver runs the sequences; nil for a platform trustfix never logs in
	// to (Emergency Responder, Secure Email, Web Security: the verdict
	// comes from the release the inventory gives).
	Driver Driver
}

// Session is what a session needs of a platform: its scrapligo definition
// (prompts, privilege levels, failure strings) and what to do right after
// login.
type Session struct {
	// File names the definition among platforms/ (embedded); Register
	// loads its bytes into Definition.
	File string
	// Definition is the definition's bytes; a platform whose definition is
	// not in platforms/ gives them here instead of File.
	Definition []byte
	// Enable: the CLI lands in user exec; `enable` reaches privileged exec.
	Enable bool
	// Paging is the command that turns paging off.
	Paging string
	// Extra are terminal settings (width, timestamps); a refusal is ignored.
	Extra []string
	// ReadOnly lists every command line a read-only session (plan) may
	// send: ReadShow, ReadDir and the platform's own (enable, the paging
	// command, Extra), as patterns matched whole; none means show only.
	ReadOnly []string
	// Questions are the questions of the CLI whose safe answer is known:
	// every wait of a session answers them. Any other question stops the
	// step at once (the session cancels it): docs/platforms.md.
	Questions []Answer
	// Cancel is what cancels a question nobody answers ("" is ^C).
	Cancel string

	questions []session.Question // Questions, compiled by validate
}

// Answer is a question of the platform's CLI and its known, safe answer.
type Answer struct {
	// After are the commands that may ask it, as their first words;
	// none: any command.
	After []string
	// Question is a regular expression matched against the line the
	// device waits on; anchor it (^…\s*$) and quote its brackets.
	Question string
	// Reply is typed, then Enter ("" is Enter alone).
	Reply string
}

// The read-only lines most platforms allow (pkg/session).
const (
	ReadShow = session.CmdShow // show and plain words
	ReadDir  = session.CmdDir  // dir of a file system, optionally a path
)

// Profile is the platform's session profile, for session.Open and Use.
func (s *Spec) Profile() *session.Profile {
	return &session.Profile{Platform: s.ID, Definition: s.Session.Definition, Enable: s.Session.Enable, Paging: s.Session.Paging,
		Extra: s.Session.Extra, ReadOnly: s.Session.ReadOnly, Questions: s.Session.questions, Cancel: s.Session.Cancel}
}

// Detection is how `show version` identifies a platform.
type Detection struct {
	// Family is the show version dialect pkg/detect reads the platform's
	// output as (detect.IOSXE, detect.ASA, …); "" means the platform's ID.
	Family string
	// NamedOnly: platform auto never picks this Spec (it shares its family
	// with another platform); only an inventory that names it does.
	NamedOnly bool
	// Blockers are what `show version` alone rules out on this platform
	// (IOS XE in SD-WAN controller mode), in order. Spec.ReadState puts those
	// that match before the driver's own blockers.
	Blockers []VersionBlocker
}

// VersionBlocker is a blocker read from `show version`: a device whose
// output matches Pattern cannot take the platform's sequence, for Reason.
type VersionBlocker struct {
	// Pattern is a regular expression over show version as
	// detect.CleanVersion gives it (no echo, prompt or paging residue, no
	// indentation); ^ and $ match at line ends.
	Pattern string
	// Verdict is unsupported or error, as for the driver's blockers.
	Verdict record.Verdict
	// Reason is the one line the operator reads; name the public source.
	Reason string

	re *regexp.Regexp // Pattern, compiled by validate
}

// ToolNames are the names other tools give a platform in their
// inventories; pkg/inventory/ansible and pkg/inventory/nornir read them
// through the registry. A name of a tool belongs to one platform.
type ToolNames struct {
	// Ansible are ansible_network_os values (cisco.iosxr.iosxr, iosxr).
	Ansible []ToolName
	// Nornir are a Nornir host's platform values: the names of the
	// connection plugins trustfix reads them for, Netmiko's (cisco_xr)
	// and scrapli's (cisco_iosxr), and NAPALM's (iosxr).
	Nornir []ToolName
}

// ToolName is one name another tool gives the platform.
type ToolName struct {
	Name string
	// Family: the name also covers platforms that share the platform's
	// show version lineage and that detection tells apart (Ansible's
	// cisco.ios.ios is IOS XE and classic IOS alike), so it reads as
	// platform auto: detection decides, and refuses what trustfix does
	// not fix.
	Family bool
}

// Method is one import sequence of a platform, as data.
type Method struct {
	Name record.Method
	// Persistent: the certificate survives a reload once the driver's Save
	// ran (IOS XR's terminal method does not).
	Persistent bool
	// Fallback is the method the driver falls back to, under import_method
	// auto, when this one fails on the device ("" none).
	Fallback record.Method
	// FallbackNote is what the plan says about that fallback.
	FallbackNote string
	// Note is added to the plan's reason whenever the method is chosen.
	Note string
	// FollowUp, for a method that is not Persistent, says what makes its
	// fix last: the record's follow_up.
	FollowUp string
}

// CLI reports whether trustfix logs in to the platform and acts.
func (s *Spec) CLI() bool { return s.Driver != nil }

// AdvisoryFamily is the platform's family in the field-notice tables.
func (s *Spec) AdvisoryFamily() string {
	if s.Advisory != "" {
		return s.Advisory
	}
	return s.ID
}

// Method returns the data of method m, if the platform offers it.
func (s *Spec) Method(m record.Method) (Method, bool) {
	i := slices.IndexFunc(s.Methods, func(x Method) bool { return x.Name == m })
	if i < 0 {
		return Method{}, false
	}
	return s.Methods[i], true
}

// FollowUp is what makes a fix by method m last ("" when m is
// persistent); a method without its own text gets a generic one.
func (s *Spec) FollowUp(m record.Method) string {
	md, _ := s.Method(m)
	switch {
	case md.Persistent:
		return ""
	case md.FollowUp != "":
		return md.FollowUp
	}
	return "lost at the next reload (" + s.ID + " " + string(m) + " method): fix it again with a method that is saved"
}

// Persistent says whether method m survives a reload.
func (s *Spec) Persistent(m record.Method) bool {
	md, _ := s.Method(m)
	return md.Persistent
}

// MethodNames lists the methods the platform offers, in order.
func (s *Spec) MethodNames() []string {
	out := make([]string, 0, len(s.Methods))
	for _, m := range s.Methods {
		out = append(out, string(m.Name))
	}
	return out
}

// AutoMethod is the method import_method auto picks for p.
func (s *Spec) AutoMethod(p Prefs) record.Method {
	for _, m := range s.Auto {
		if m != record.MethodFile || p.BundleFile != "" {
			return m
		}
	}
	return ""
}

// Apply runs the driver's sequence for method m and completes its Result
// from the data: Persistent is that of the method actually used.
func (s *Spec) Apply(sh Shell, m record.Method, ca *cert.CA, p Prefs) (Result, error) {
	res, err := s.Driver.Apply(sh, m, ca, p)
	if res.Method == "" {
		res.Method = m
	}
	res.Persistent = s.Persistent(res.Method)
	return res, err
}

// ReadState reads a device's state through the driver, version being its
// `show version`: the Spec's version blockers that match come first in
// State.Blockers, then the driver's. The trust store is read either way: a
// device that already holds the CA is compliant whatever blocks the import.
func (s *Spec) ReadState(r Reader, version string, ca *cert.CA, p Prefs) (State, error) {
	st, err := s.Driver.Detect(r, ca, p)
	if err != nil {
		return st, err
	}
	if b := s.VersionBlockers(version); len(b) > 0 {
		st.Blockers = append(b, st.Blockers...)
	}
	return st, nil
}

// VersionBlockers are the Spec's version blockers that show version
// (version, as the device printed it) matches, in order.
func (s *Spec) VersionBlockers(version string) []Blocker {
	if len(s.Detect.Blockers) == 0 {
		return nil
	}
	text := detect.CleanVersion(version)
	var out []Blocker
	for _, b := range s.Detect.Blockers {
		if b.re.MatchString(text) {
			out = append(out, Blocker{Verdict: b.Verdict, Reason: b.Reason})
		}
	}
	return out
}

// ErrStopped marks an error after which a sequence must send nothing more:
// the connection is gone, the device's deadline passed, or the run is
// backing out. The Shell a driver is given wraps such errors so that
// errors.Is(err, ErrStopped) holds.
var ErrStopped = errors.New("the session takes no more commands")

// Fallback is a driver's decision to fall back: method m failed with err,
// and the platform's data names a fallback for m. It holds under
// import_method auto, when the failure is the device's answer (not a
// stopped session), and gives the method to run and the Result's text.
//
// A question the session cancelled (session.ErrQuestion) is no failure of
// the method: the operator must read it, and nothing more is sent.
func Fallback(methods []Method, m record.Method, p Prefs, err error) (record.Method, string, bool) {
	if err == nil || !p.Auto() || !Continues(err) {
		return "", "", false
	}
	i := slices.IndexFunc(methods, func(x Method) bool { return x.Name == m })
	if i < 0 || methods[i].Fallback == "" {
		return "", "", false
	}
	fb := methods[i].Fallback
	return fb, fmt.Sprintf("%s failed (%v); used %s", m, err, fb), true
}

// validate checks a Spec's data before it is registered, and loads its
// definition.
func (s *Spec) validate() error {
	if s.Detect.Family == "" {
		s.Detect.Family = s.ID
	}
	switch {
	case s.ID == "" || strings.ToLower(s.ID) != s.ID || strings.ContainsAny(s.ID, " |:"):
		return fmt.Errorf("platform id %q: want a lower-case word", s.ID)
	case s.Driver == nil && (len(s.Methods) > 0 || len(s.Auto) > 0):
		return fmt.Errorf("platform %q: import methods without a driver", s.ID)
	case s.Driver == nil && s.Session.File == "" && s.Session.Definition == nil:
		return nil
	case s.Driver == nil:
		return fmt.Errorf("platform %q: a session profile without a driver", s.ID)
	}
	if s.Session.Definition == nil && s.Session.File != "" {
		def, err := platforms.Definition(s.Session.File)
		if err != nil {
			return fmt.Errorf("platform %q: %w", s.ID, err)
		}
		s.Session.Definition = def
	}
	switch {
	case len(s.Session.Definition) == 0 || s.Session.Paging == "":
		return fmt.Errorf("platform %q: a driver needs a session profile (definition and paging command)", s.ID)
	case len(s.Methods) == 0 || len(s.Auto) == 0:
		return fmt.Errorf("platform %q: a driver needs methods and an auto choice", s.ID)
	case s.AutoMethod(Prefs{}) == "":
		return fmt.Errorf("platform %q: import_method auto needs a method that applies without a bundle_file", s.ID)
	}
	s.Session.questions = nil
	for _, a := range s.Session.Questions {
		re, err := regexp.Compile(a.Question)
		if err != nil {
			return fmt.Errorf("platform %q: question %q: %w", s.ID, a.Question, err)
		}
		if re.MatchString("") {
			// The device waits on a question: a line with words on it.
			return fmt.Errorf("platform %q: question %q matches an empty line", s.ID, a.Question)
		}
		s.Session.questions = append(s.Session.questions, session.Question{After: a.After, Pattern: re, Answer: a.Reply})
	}
	if err := s.Detect.compile(s.ID); err != nil {
		return err
	}
	for _, m := range s.Auto {
		if _, ok := s.Method(m); !ok {
			return fmt.Errorf("platform %q: auto method %q is not one of its methods", s.ID, m)
		}
	}
	for _, m := range s.Methods {
		if _, ok := s.Method(m.Fallback); m.Fallback != "" && !ok {
			return fmt.Errorf("platform %q: method %q falls back to %q, which it does not offer", s.ID, m.Name, m.Fallback)
		}
	}
	return nil
}

// compile checks the version blockers and compiles their patterns. The
// slice is copied: a Spec literal shared by two registries keeps its own.
func (d *Detection) compile(id string) error {
	d.Blockers = slices.Clone(d.Blockers)
	for i := range d.Blockers {
		b := &d.Blockers[i]
		switch {
		case b.Verdict != record.Unsupported && b.Verdict != record.Error:
			return fmt.Errorf("platform %q: version blocker %q: verdict %q, want unsupported or error", id, b.Pattern, b.Verdict)
		case strings.TrimSpace(b.Reason) == "":
			return fmt.Errorf("platform %q: version blocker %q without a reason", id, b.Pattern)
		}
		re, err := regexp.Compile("(?m)" + b.Pattern)
		if err != nil {
			return fmt.Errorf("platform %q: version blocker: %w", id, err)
		}
		b.re = re
	}
	return nil
}
