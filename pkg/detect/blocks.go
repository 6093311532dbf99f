package detect

import (
	"fmt"
	"regexp"
	"strings"
)

// Line shapes of the IOS-family certificate listing (IOS XE and ASA; docs/platforms.md).
// Labels are matched at any indentation; the two families differ only in
// "(hex)" and " Name".
var (
	blockStartRE = regexp.MustCompile(`(?i)^\s*(?:[\w-]+ )*certificate\s*$`)
	serialRE     = regexp.MustCompile(`^\s*Certificate Serial Number(?: \(hex\))?\s*:\s*(.*?)\s*$`)
	subjectRE    = regexp.MustCompile(`^(\s*)Subject(?: Name)?\s*:\s*(.*?)\s*$`)
	issuerRE     = regexp.MustCompile(`^(\s*)Issuer(?: Name)?\s*:\s*(.*?)\s*$`)
	sha1RE       = regexp.MustCompile(`^\s*Fingerprint SHA-?1\s*:\s*(.*?)\s*$`)
	trustpoolRE  = regexp.MustCompile(`^\s*Trustpool\s*:\s*(.*?)\s*$`)
	associatedRE = regexp.MustCompile(`^\s*Associated Trustpoints\s*:\s*(.*?)\s*$`)
	rdnLineRE    = regexp.MustCompile(`^\s*(?:[A-Za-z][\w.\-]*|\d+(?:\.\d+)+)\s*=`)
	hexRE        = regexp.MustCompile(`^[0-9A-F]+$`)
	// labelRE is a label of the certificate itself, which always ends a
	// DN (unlike the "Name: sw1" a self-signed subject may carry).
	labelRE = regexp.MustCompile(`^\s*(?:Subject(?: Name)?|Issuer(?: Name)?|Certificate Serial Number(?: \(hex\))?|Certificate Usage|Fingerprint [\w-]+|Validity Date|Associated Trustpoints|Trustpool|Status|Storage)\s*:`)
)

// ParseCertBlocks reads the listing IOS XE (`show crypto pki trustpool
// [verbose]`, `show crypto pki certificates`) and ASA (`show crypto ca
// certificates`, `show crypto ca trustpool`) print: blocks opened by a
// "CA Certificate" (or "Certificate") line, labels at any indentation, the
// DN on indented attr=value lines after its label. Unknown lines, such as
// `Storage: nvram:sw1#3601CA.cer`, are ignored. A refused command, a label
// outside any block, or a block without serial and fingerprint is an error:
// an unreadable store must never pass for one without the CA.
func ParseCertBlocks(out string) ([]Cert, error) {
	if err := CommandError(out); err != nil {
		return nil, err
	}
	lines := strings.Split(strings.ReplaceAll(out, "\r", ""), "\n")
	var (
		certs []Cert
		cur   *Cert
		start int
	)
	flush := func() error {
		if cur == nil {
			return nil
		}
		if cur.Serial == "" && cur.SHA1 == "" {
			return fmt.Errorf("line %d: certificate block without serial number or fingerprint", start+1)
		}
		certs = append(certs, *cur)
		cur = nil
		return nil
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if opensBlock(l) {
			if err := flush(); err != nil {
				return nil, err
			}
			cur, start = &Cert{}, i
			continue
		}
		if cur == nil {
			if isBlockLabel(l) {
				return nil, fmt.Errorf("line %d: %q outside a certificate block", i+1, strings.TrimSpace(l))
			}
			continue
		}
		// Each pattern starts with its label's word: test the word first,
		// so that a line runs the one pattern that can match (the parse
		// runs twice a device, over hundreds of lines; BENCHMARKS.md).
		t := strings.TrimLeft(l, blanks)
		var err error
		switch {
		case strings.HasPrefix(t, "Certificate Serial Number") && serialRE.MatchString(l):
			cur.Serial, err = hexField(serialRE.FindStringSubmatch(l)[1], 0)
		case strings.HasPrefix(t, "Fingerprint SHA") && sha1RE.MatchString(l):
			v := sha1RE.FindStringSubmatch(l)[1]
			if v == "" && i+1 < len(lines) { // wrapped onto the next line
				i++
				v = lines[i]
			}
			cur.SHA1, err = hexField(v, 40)
		case strings.HasPrefix(t, "Subject") && subjectRE.MatchString(l):
			cur.Subject, i = readDN(lines, i, subjectRE.FindStringSubmatch(l))
		case strings.HasPrefix(t, "Issuer") && issuerRE.MatchString(l):
			cur.Issuer, i = readDN(lines, i, issuerRE.FindStringSubmatch(l))
		case strings.HasPrefix(t, "Trustpool") && trustpoolRE.MatchString(l):
			cur.Store = "Trustpool: " + trustpoolRE.FindStringSubmatch(l)[1]
		case strings.HasPrefix(t, "Associated Trustpoints") && associatedRE.MatchString(l) && !strings.HasPrefix(cur.Store, "Trustpool:"):
			cur.Store = associatedRE.FindStringSubmatch(l)[1]
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return certs, nil
}

// blanks are what \s matches.
const blanks = "\t\n\f\r "

// opensBlock is blockStartRE behind a cheap test: every line it matches
// ends in "certificate" (no other rune folds to one of its letters).
func opensBlock(l string) bool {
	const word = "certificate"
	e := strings.TrimRight(l, blanks)
	return len(e) >= len(word) && strings.EqualFold(e[len(e)-len(word):], word) && blockStartRE.MatchString(l)
}

func isBlockLabel(l string) bool {
	return serialRE.MatchString(l) || sha1RE.MatchString(l) || subjectRE.MatchString(l)
}

// hexField normalises a serial or fingerprint; want is the exact length
// required, 0 for any.
func hexField(v string, want int) (string, error) {
	h := NormaliseHex(v)
	if h == "" || !hexRE.MatchString(h) || (want > 0 && len(h) != want) {
		return "", fmt.Errorf("malformed hex %q", v)
	}
	return h, nil
}

// readDN collects a DN: the text after the label, then the following lines
// that are indented at least as deep as the label or look like attr=value,
// up to the next certificate label (Subject:, Validity Date:, ...). Only
// lines that start with attr=value count: an ASA's "CRL Distribution
// Points:" line "[1]  ldap:///CN=…" holds CN= but names no subject. It
// returns the RDNs joined with "," and the index of the last line used.
//
// Indentation is a weak signal: a page break leaves the pager's spaces in
// front of whatever line followed it (a device whose AAA refuses `terminal
// length 0`). An indented "Subject:" after the issuer's DN must still end
// the issuer, and an indented "Subject:" must still own the lines under it;
// otherwise the certificate loses its subject and is never matched, and a
// compliant device is planned for remediation.
func readDN(lines []string, i int, m []string) (string, int) {
	indent := len(m[1])
	var parts []string
	if m[2] != "" {
		parts = append(parts, m[2])
	}
	for i+1 < len(lines) {
		next := lines[i+1]
		t := strings.TrimSpace(next)
		deeper := len(next)-len(strings.TrimLeft(next, " \t")) >= indent
		rdn := rdnLineRE.MatchString(next)
		if t == "" || opensBlock(next) || labelRE.MatchString(next) || !(deeper || rdn) {
			break
		}
		if rdn {
			parts = append(parts, t)
		}
		i++
	}
	return strings.Join(parts, ","), i
}
