package cert

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParsePEMBlocks(t *testing.T) {
	id, qv := string(Default().PEM()), string(QuoVadis().PEM())
	prefix := func(s, p string) string {
		var b strings.Builder
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			b.WriteString(p + l + "\r\n")
		}
		return b.String()
	}
	flat := strings.Join(strings.Fields(id), " ") // FN72298 flattened the PEM onto one line
	for name, tc := range map[string]struct {
		text string
		want []string
	}{
		"plain":      {id + qv, []string{Default().SHA1(), QuoVadis().SHA1()}},
		"fxos paste": {"Trustpoint Certificate Chain:\n" + prefix(id, ">"), []string{Default().SHA1()}},
		"indented":   {"Trustpoint Name: A\n" + prefix(qv, "        ") + "Cert Status: Valid\n", []string{QuoVadis().SHA1()}},
		"one line":   {"text before " + flat + " text after", []string{Default().SHA1()}},
		"cut short":  {"-----BEGIN CERTIFICATE-----\nMIIFYDCC\n" + id, []string{Default().SHA1()}},
		"garbage":    {"-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n" + qv, []string{QuoVadis().SHA1()}},
		"no end":     {"-----BEGIN CERTIFICATE-----\nMIIFYDCC\n", nil},
		"nothing":    {"Trustpoint Name: none\n", nil},
	} {
		got := ParsePEMBlocks(tc.text)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d certificates, want %d", name, len(got), len(tc.want))
			continue
		}
		for i, c := range got {
			if SHA1Hex(c.Raw) != tc.want[i] {
				t.Errorf("%s: cert %d SHA1 %s, want %s", name, i, SHA1Hex(c.Raw), tc.want[i])
			}
		}
	}
}

func TestASAHexRoundTrip(t *testing.T) {
	for _, ca := range []*CA{Default(), QuoVadis()} {
		lines := ASAHexLines(ca.Cert.Raw)
		der, err := DERFromHex(lines)
		if err != nil || !bytes.Equal(der, ca.Cert.Raw) {
			t.Errorf("%s: round trip failed: %v", ca.CommonName(), err)
		}
		if SHA1Hex(der) != ca.SHA1() {
			t.Errorf("%s: SHA1Hex %s", ca.CommonName(), SHA1Hex(der))
		}
	}
	// Real ASAv 9.20(2)2 lines for IdenTrust (docs/platforms.md).
	lines := ASAHexLines(Default().Cert.Raw)
	if len(lines) != 44 ||
		lines[0] != "    30820560 30820348 a0030201 0202100a 01428000 00014523 c844b500 00000230" ||
		lines[43] != "    ba846e87" {
		t.Errorf("IdenTrust: %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	if got := ASAHexLines(QuoVadis().Cert.Raw)[0]; got != "    308205b7 3082039f a0030201 02020205 09300d06 092a8648 86f70d01 01050500" {
		t.Errorf("QuoVadis first line %q", got)
	}
}

func TestDERFromHexErrors(t *testing.T) {
	if _, err := DERFromHex(nil); !errors.Is(err, ErrNoHex) {
		t.Errorf("empty: %v", err)
	}
	if _, err := DERFromHex([]string{"    3082 056"}); err == nil {
		t.Error("odd length accepted")
	}
	if _, err := DERFromHex([]string{"    quit"}); err == nil {
		t.Error("non-hex accepted")
	}
	if der, err := DERFromHex([]string{"  AB cd", "\t01"}); err != nil || !bytes.Equal(der, []byte{0xab, 0xcd, 0x01}) {
		t.Errorf("mixed case/spacing: %x %v", der, err)
	}
}
