package detect

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestParseCertBlocksShapes covers the label variants of both families; the
// full listings are tested in pkg/platform/iosxe and pkg/platform/asa.
func TestParseCertBlocksShapes(t *testing.T) {
	const out = "CA Certificate\n" +
		"  Certificate Serial Number (hex): 0509 \n" +
		"  Subject: cn=QuoVadis Root CA 2\n" + // DN on the label line
		"    o=QuoVadis Limited\n" +
		"  Fingerprint SHA1:\n" + // wrapped
		"    CA3AFBCF 1240364B 44B21620 88804839 19937CF7\n" +
		"  Trustpool: Built-In\n" +
		"  Associated Trustpoints: Trustpool\n" + // Trustpool wins as Store
		"\n" +
		"Certificate\n" +
		"  Certificate Serial Number: 5e0f\n" +
		"  Issuer Name:\n" +
		"    cn=ca\n" +
		"  Subject Name:\n" +
		"    Name: asa1\n" + // not an RDN: skipped, DN goes on
		"    cn=asa1\n" +
		"  Validity Date:\n" +
		"    start date: x=y\n" + // not under a DN label
		"  Associated Trustpoints: tp1 tp2\n"
	got, err := ParseCertBlocks(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []Cert{
		{Subject: "cn=QuoVadis Root CA 2,o=QuoVadis Limited", Serial: "0509", SHA1: "CA3AFBCF1240364B44B216208880483919937CF7", Store: "Trustpool: Built-In"},
		{Subject: "cn=asa1", Issuer: "cn=ca", Serial: "5E0F", Store: "tp1 tp2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if Evaluate(got, nil).QuoVadisPresent != true {
		t.Error("QuoVadis by fingerprint")
	}
}

// The parse tests a line's first word before its pattern: every line a
// pattern matches must pass the word test too, or a label would be lost.
func FuzzLabelWords(f *testing.F) {
	for _, s := range []string{
		"CA Certificate", "  Certificate  ", "Router Self-Signed Certificate", "certificate",
		"  Certificate Serial Number (hex): 01", "Fingerprint SHA1: AB", "  Subject Name:",
		"Issuer:", "  Trustpool: Trustpool", "Associated Trustpoints: tp", "\fSubject: x", "",
	} {
		f.Add(s)
	}
	words := map[string]*regexp.Regexp{"Certificate Serial Number": serialRE, "Fingerprint SHA": sha1RE,
		"Subject": subjectRE, "Issuer": issuerRE, "Trustpool": trustpoolRE, "Associated Trustpoints": associatedRE}
	f.Fuzz(func(t *testing.T, l string) {
		if opensBlock(l) != blockStartRE.MatchString(l) {
			t.Errorf("%q: opensBlock %v, the pattern %v", l, opensBlock(l), !opensBlock(l))
		}
		for w, re := range words {
			if re.MatchString(l) && !strings.HasPrefix(strings.TrimLeft(l, blanks), w) {
				t.Errorf("%q matches the %s pattern but does not start with the word", l, w)
			}
		}
	})
}
