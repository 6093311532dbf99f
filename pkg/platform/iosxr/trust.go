package iosxr

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Line shapes. The certificate lines are those XR prints during `crypto ca
// authenticate` (the FN72290 write-up); the group headers are [unverified], so a block
// is also recognised without them.
var (
	groupRE   = regexp.MustCompile(`^\s*(Trustpool|Trustpoint)\s*:\s*(\S.*?)\s*$`)
	headingRE = regexp.MustCompile(`(?i)^\s*(?:[\w-]+ )*certificate\s*$`)
	serialRE  = regexp.MustCompile(`^\s*Serial Number\s*:\s*(.*?)\s*$`)
	subjectRE = regexp.MustCompile(`^\s*Subject\s*:\s*(.*?)\s*$`)
	issuerRE  = regexp.MustCompile(`^\s*Issued By\s*:\s*(.*?)\s*$`)
	sha1RE    = regexp.MustCompile(`^\s*SHA1 Fingerprint\s*:\s*(.*?)\s*$`)
	// sourceRE is a block's own store line, in layouts without group
	// headers [unverified]: "Source : Trustpoint Trustpool" or
	// "Source : Downloaded".
	sourceRE = regexp.MustCompile(`^\s*Source\s*:\s*(\S.*?)\s*$`)
	labelRE  = regexp.MustCompile(`^\s*[A-Za-z][\w ]*?\s*:(?:\s|$)`)
	hexRE    = regexp.MustCompile(`^[0-9A-F]+$`)
)

// ParseTrustpool reads `show crypto ca trustpool` and `show crypto ca
// certificates` (docs/platforms.md): per certificate `Serial Number  :
// 0A:01:…`, `Subject:` and `Issued By      :` with the DN on the next line
// (`CN=…,O=…,C=US`), `SHA1 Fingerprint:` with the hex on the next line.
// Blocks are grouped under `Trustpool: Built-In|Downloaded` or `Trustpoint
// : <name>` headers, which set Store. The leading timestamp line and
// `====` rules are ignored. An error means the store could not be read.
func ParseTrustpool(out string) ([]detect.Cert, error) {
	if err := detect.CommandError(out); err != nil {
		return nil, fmt.Errorf("iosxr trustpool: %w", err)
	}
	p := parser{lines: strings.Split(strings.ReplaceAll(out, "\r", ""), "\n")}
	if err := p.run(); err != nil {
		return nil, fmt.Errorf("iosxr trustpool: %w", err)
	}
	return p.certs, nil
}

type parser struct {
	lines []string
	i     int // current line
	store string
	cur   *detect.Cert
	start int
	certs []detect.Cert
}

func (p *parser) run() error {
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		switch {
		case groupRE.MatchString(l):
			if err := p.flush(); err != nil {
				return err
			}
			m := groupRE.FindStringSubmatch(l)
			p.store = m[2]
			if tp, ok := strings.CutPrefix(m[2], "Trustpoint "); ok && m[1] == "Trustpool" {
				p.store = strings.TrimSpace(tp) // "Trustpool: Trustpoint Trustpool": the trustpoint's certificates
			} else if m[1] == "Trustpool" {
				p.store = "Trustpool: " + m[2]
			}
		case headingRE.MatchString(l):
			if err := p.flush(); err != nil {
				return err
			}
			p.open()
		case serialRE.MatchString(l):
			if err := p.setHex(false, p.value(serialRE)); err != nil {
				return err
			}
		case sha1RE.MatchString(l):
			if err := p.setHex(true, p.value(sha1RE)); err != nil {
				return err
			}
		case subjectRE.MatchString(l):
			p.field().Subject = p.value(subjectRE)
		case issuerRE.MatchString(l):
			p.field().Issuer = p.value(issuerRE)
		case sourceRE.MatchString(l) && p.cur != nil:
			src := sourceRE.FindStringSubmatch(l)[1]
			if name, ok := strings.CutPrefix(src, "Trustpoint "); ok {
				p.cur.Store = strings.TrimSpace(name)
			} else {
				p.cur.Store = "Trustpool: " + src
			}
		}
	}
	return p.flush()
}

func (p *parser) open() { p.cur, p.start = &detect.Cert{Store: p.store}, p.i }

// field returns the open block, opening one when there is none: without
// headings, the first field line starts a block.
func (p *parser) field() *detect.Cert {
	if p.cur == nil {
		p.open()
	}
	return p.cur
}

// value is the text after the label, or the next line when the label ends
// its line (XR puts the DN and the fingerprint there).
func (p *parser) value(re *regexp.Regexp) string {
	if v := re.FindStringSubmatch(p.lines[p.i])[1]; v != "" {
		return v
	}
	if p.i+1 < len(p.lines) {
		next := p.lines[p.i+1]
		if t := strings.TrimSpace(next); t != "" && !labelRE.MatchString(next) && !headingRE.MatchString(next) {
			p.i++
			return t
		}
	}
	return ""
}

// setHex stores the serial or the fingerprint. A second one in a block
// means the next block began without a heading.
func (p *parser) setHex(sha1 bool, v string) error {
	dst := p.hexDst(sha1)
	if *dst != "" {
		if err := p.flush(); err != nil {
			return err
		}
		dst = p.hexDst(sha1)
	}
	h := detect.NormaliseHex(v)
	if !hexRE.MatchString(h) || (sha1 && len(h) != 40) {
		return fmt.Errorf("line %d: malformed hex %q", p.i+1, v)
	}
	*dst = h
	return nil
}

func (p *parser) hexDst(sha1 bool) *string {
	c := p.field()
	if sha1 {
		return &c.SHA1
	}
	return &c.Serial
}

func (p *parser) flush() error {
	if p.cur == nil {
		return nil
	}
	if p.cur.Serial == "" && p.cur.SHA1 == "" {
		return fmt.Errorf("line %d: certificate block without serial number or fingerprint", p.start+1)
	}
	p.certs = append(p.certs, *p.cur)
	p.cur = nil
	return nil
}

// terminalStore is the trustpoint the terminal method authenticates: its
// certificate is not saved (FN72290).
const terminalStore = "Trustpool"

// evaluate is detect.Evaluate preferring a copy of the CA that survives a
// reload (the trustpool proper) over one in trustpoint Trustpool.
func evaluate(certs []detect.Cert, ca *cert.CA) detect.Trust {
	lasting := slices.DeleteFunc(slices.Clone(certs), func(c detect.Cert) bool { return c.Store == terminalStore })
	if tr := detect.Evaluate(lasting, ca); tr.CAPresent {
		tr.Certs = certs
		tr.QuoVadisPresent = detect.Evaluate(certs, ca).QuoVadisPresent
		return tr
	}
	return detect.Evaluate(certs, ca)
}

// TrustCommand lists the trustpool (the Trustpool trustpoint's terminal
// certificates included).
const TrustCommand = "show crypto ca trustpool"

// Detect reads the trustpool and, unless the method is url or terminal,
// whether a configured bundle is on its file system. The serial is not in
// XR's show version; the chassis entry of show inventory has it (optional:
// captures may not include it).
func (Driver) Detect(r platform.Reader, ca *cert.CA, p platform.Prefs) (platform.State, error) {
	certs, err := platform.Certificates(r, TrustCommand, ParseTrustpool)
	if err != nil {
		return platform.State{}, err
	}
	st := platform.State{Trust: evaluate(certs, ca)}
	st.LostOnReload = st.Trust.CA != nil && st.Trust.CA.Store == terminalStore
	if out, err := r.Show("show inventory"); err == nil {
		st.Serial = chassisSerial(out)
	}
	if p.BundleFile != "" && p.Method != record.MethodURL && p.Method != record.MethodTerminal {
		fs, name := splitBundle(p.BundleFile)
		present, err := platform.HasFile(r, fs, name)
		if err != nil {
			return st, err
		}
		st.BundlePresent = &present
	}
	return st, nil
}

// chassisSerial is the serial of show inventory's first entry (the
// chassis), "" when it has none.
func chassisSerial(inventory string) string {
	if m := reSN.FindStringSubmatch(inventory); m != nil {
		return m[1]
	}
	return ""
}

// reSN is the first SN: of show inventory (the chassis), possibly empty:
// an empty value never takes the next line's first word, nor a later
// module's serial.
var reSN = regexp.MustCompile(`\bSN:[ \t]*(\S*)`)
