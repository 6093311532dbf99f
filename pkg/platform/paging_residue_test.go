package platform_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform/asa"
	"github.com/trustfix/trustfix/pkg/platform/fxos"
	"github.com/trustfix/trustfix/pkg/platform/iosxe"
	"github.com/trustfix/trustfix/pkg/platform/iosxr"
)

// pagerResidue is what an IOS pager leaves in front of the line after a
// page break once " --More-- " is cut out without its spaces (a device
// whose AAA refuses `terminal length 0` breaks pages anywhere).
const pagerResidue = "  "

type listing struct {
	file  string // under testdata
	cmd   string // the command, for CleanCapture ("" for parser fixtures)
	parse func(string) ([]detect.Cert, error)
}

func listings(t *testing.T) []listing {
	t.Helper()
	var out []listing
	add := func(glob string, parse func(string) ([]detect.Cert, error)) {
		files, _ := filepath.Glob(filepath.Join("../../testdata", glob))
		if len(files) == 0 {
			t.Fatalf("no fixtures %s", glob)
		}
		for _, f := range files {
			out = append(out, listing{file: f, parse: parse})
		}
	}
	add("parsers/trust/iosxe/*.txt", iosxe.ParseTrustpool)
	add("parsers/trust/iosxr/trustpool_*.txt", iosxr.ParseTrustpool)
	add("parsers/trust/asa/*.txt", asa.ParseCertificates)
	add("parsers/trust/fxos/trustpoint_[ap]*.txt", fxos.ParseTrustpoints)
	for _, c := range []struct {
		glob, cmd string
		parse     func(string) ([]detect.Cert, error)
	}{
		{"captures/*/show_crypto_pki_trustpool.txt", "show crypto pki trustpool", iosxe.ParseTrustpool},
		{"captures/ncs*/show_crypto_ca_trustpool.txt", "show crypto ca trustpool", iosxr.ParseTrustpool},
		{"captures/as*/show_crypto_ca_certificates.txt", "show crypto ca certificates", asa.ParseCertificates},
		{"captures/as*/show_running-config_crypto_ca_certificate.txt", "show running-config crypto ca certificate", asa.ParseRunningCertificates},
		{"captures/fp*/show_trustpoint.txt", "show trustpoint", fxos.ParseTrustpoints},
	} {
		n := len(out)
		add(c.glob, c.parse)
		for i := n; i < len(out); i++ {
			out[i].cmd = c.cmd
		}
	}
	return out
}

// excerptLines bounds the listing each case works on: a residue at each
// line reparses the whole text (quadratic, and slow under -race), and the
// parsers keep no state across certificate blocks, so the first blocks of
// a long listing show everything its later blocks would.
const excerptLines = 40

// excerpt cuts a long listing at the last blank line (a block boundary)
// before excerptLines; a listing without one (ASA running-config) stays
// whole, and only its first excerptLines lines get the residue.
func excerpt(text string) string {
	lines := strings.Split(text, "\n")
	if len(lines) <= excerptLines {
		return text
	}
	cut := excerptLines
	for cut > 1 && strings.TrimSpace(lines[cut-1]) != "" {
		cut--
	}
	if cut <= 1 {
		return text
	}
	return strings.Join(lines[:cut], "\n")
}

// TestListingsPagerResidue: a page break before any line of a trust-store
// listing changes nothing the parsers return: same certificates, same
// subjects, same stores, so the same verdict.
func TestListingsPagerResidue(t *testing.T) {
	for _, l := range listings(t) {
		b, err := os.ReadFile(l.file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if l.cmd != "" {
			text = detect.CleanCapture(text, l.cmd)
		}
		text = excerpt(text)
		want, werr := l.parse(text)
		if werr != nil {
			t.Errorf("%s: %v", l.file, werr)
			continue
		}
		lines := strings.Split(text, "\n")
		for i := range min(len(lines), excerptLines) {
			mod := append([]string(nil), lines...)
			mod[i] = pagerResidue + mod[i]
			got, err := l.parse(strings.Join(mod, "\n"))
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: residue before line %d %q: %v\n got  %+v\n want %+v", l.file, i+1, lines[i], err, got, want)
			}
		}
	}
}
