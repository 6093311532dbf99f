package cert

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const (
	beginMarker = "-----BEGIN CERTIFICATE-----"
	endMarker   = "-----END CERTIFICATE-----"
)

// ParsePEMBlocks extracts every certificate from arbitrary device output.
// Lines may be indented, carry CRs or start with FXOS's ">" continuation
// prompt; a block may even sit on one line. Blocks that do not decode or parse
// are skipped: callers that must not miss one compare the count with the
// number of BEGIN lines.
func ParsePEMBlocks(text string) []*x509.Certificate {
	var out []*x509.Certificate
	for _, body := range pemBodies(text) {
		der, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			continue
		}
		if c, err := x509.ParseCertificate(der); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// pemBodies returns the base64 body of each BEGIN…END pair, whitespace removed.
func pemBodies(text string) []string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		b.WriteString(cleanPEMLine(l))
		b.WriteByte('\n')
	}
	s := b.String()
	var out []string
	for {
		i := strings.Index(s, beginMarker)
		if i < 0 {
			return out
		}
		s = s[i+len(beginMarker):]
		j := strings.Index(s, endMarker)
		if j < 0 {
			return out
		}
		// A second BEGIN before the END: the first block was cut short.
		if k := strings.Index(s[:j], beginMarker); k >= 0 {
			s = s[k:]
			continue
		}
		out = append(out, strings.Join(strings.Fields(s[:j]), ""))
		s = s[j+len(endMarker):]
	}
}

// cleanPEMLine drops CRs, indentation and leading ">" prompts.
func cleanPEMLine(l string) string {
	l = strings.TrimSpace(strings.ReplaceAll(l, "\r", ""))
	for strings.HasPrefix(l, ">") {
		l = strings.TrimSpace(l[1:])
	}
	return l
}

// ErrNoHex is returned by DERFromHex for input without any hex digits.
var ErrNoHex = errors.New("no hex data")

// DERFromHex rebuilds DER from the hex lines ASA prints under
// `certificate ca <serial>` in its running configuration (groups of eight hex
// digits, any spacing).
func DERFromHex(lines []string) ([]byte, error) {
	s := strings.Join(strings.Fields(strings.Join(lines, " ")), "")
	if s == "" {
		return nil, ErrNoHex
	}
	der, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("certificate hex: %w", err)
	}
	return der, nil
}

// SHA1Hex is the SHA-1 of der as upper-case hex without separators.
func SHA1Hex(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// ASAHexLines formats DER the way ASA's running configuration shows a
// certificate: four-space indent, eight lower-case groups of eight hex digits
// per line, a short last line. The simulator and the tests build listings with it.
func ASAHexLines(der []byte) []string {
	h := hex.EncodeToString(der)
	var out []string
	for len(h) > 0 {
		var groups []string
		for i := 0; i < 8 && len(h) > 0; i++ {
			n := min(8, len(h))
			groups = append(groups, h[:n])
			h = h[n:]
		}
		out = append(out, "    "+strings.Join(groups, " "))
	}
	return out
}
