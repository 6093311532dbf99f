package iosxe

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform/platformtest"
)

const fixtures = "../../../testdata/parsers/trust/iosxe"

func TestParseTrustpoolFixtures(t *testing.T) {
	platformtest.Fixtures(t, fixtures, ParseTrustpool, map[string]platformtest.Want{
		"trustpool_builtin_present.txt": {N: 24, Present: true, QuoVadis: true, Store: "Trustpool: Built-In"},
		"trustpool_absent.txt":          {N: 23, QuoVadis: true},
		"trustpool_seed001.txt":         {N: 2, Present: true, QuoVadis: true, Store: "Trustpool: Downloaded"},
		"trustpool_decoys.txt":          {N: 3},
		"trustpool_verbose.txt":         {N: 3, Present: true, QuoVadis: true, Store: "Trustpool: Built-In"},
		"trustpool_verbose_forged.txt":  {N: 1},
		"certificates_prompt_trap.txt":  {N: 3, Present: true, Store: "IdenTrustCRCA1"},
		// Public captures (provenance in testdata/parsers/README.md).
		"trustpool_genie.txt":                       {N: 16, Present: true, QuoVadis: true, Store: "Trustpool: Built-In"},
		"trustpool_ist_genie.txt":                   {N: 16, Present: true, QuoVadis: true, Store: "Trustpool: Built-In"},
		"certificates_verbose_blank_col0_genie.txt": {N: 2},
		"certificates_verbose_multivalue_genie.txt": {N: 2},
	}, func(c detect.Cert) bool { return c.Serial != "" && c.Subject != "" })
}

// TestParseCertificatesVerboseCaptures: a blank line inside a block (after
// "X509v3 Subject Alternative Name:"), a column-0 "Cert install time in
// nsec:" line, display lines between the subject's RDNs and a subject
// without cn, as genieparser's IOS XE fixtures show them.
func TestParseCertificatesVerboseCaptures(t *testing.T) {
	for file, want := range map[string][]detect.Cert{
		"certificates_verbose_blank_col0_genie.txt": {
			{Subject: "cn=ROUTER,ou=PKI,o=cisco", Issuer: "cn=RSA-CA,o=cisco", Serial: "03",
				SHA1: "9E349A47A2227F86E87336CE3D260431D4F11472", Store: "openssl_test"},
			{Subject: "cn=RSA-CA,o=cisco", Issuer: "cn=RSA-CA,o=cisco", Serial: "55722CE2042FD3DD40C3013FF430616170845853",
				SHA1: "EF28E98073B28C7F41F8080473B446EF5B1BE3D4", Store: "openssl_test"},
		},
		"certificates_verbose_multivalue_genie.txt": {
			{Subject: "serialNumber=9HI3W7WA3K8+hostname=pki-reg7", Issuer: "cn=ROOT", Serial: "02",
				SHA1: "E8E0731CD31EA142A23066D74178D6962D9815E0", Store: "client"},
			{Subject: "cn=ROOT", Issuer: "cn=ROOT", Serial: "01", SHA1: "5C3C27595E925BEA0B6C8ADE7844278A49E2D60B", Store: "client ROOT"},
		},
	} {
		certs, err := ParseTrustpool(platformtest.Read(t, filepath.Join(fixtures, file)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if !reflect.DeepEqual(certs, want) {
			t.Errorf("%s:\n got  %+v\nwant %+v", file, certs, want)
		}
	}
}

func TestParseTrustpoolFields(t *testing.T) {
	certs, err := ParseTrustpool(platformtest.Read(t, filepath.Join(fixtures, "trustpool_verbose.txt")))
	if err != nil {
		t.Fatal(err)
	}
	want := detect.Cert{
		Subject: "cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US",
		Issuer:  "cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US",
		Serial:  "0A0142800000014523C844B500000002",
		SHA1:    "DF717EAA4AD94EC9558499602D48DE5FBCF03A25",
		Store:   "Trustpool: Built-In",
	}
	if certs[1] != want {
		t.Errorf("got  %+v\nwant %+v", certs[1], want)
	}
	// The router's own certificate: "Name: sw1" is not an RDN.
	certs, err = ParseTrustpool(platformtest.Read(t, filepath.Join(fixtures, "certificates_prompt_trap.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if c := certs[0]; c.Subject != "cn=IOS-Self-Signed-Certificate-3601" || c.Serial != "01" || c.Store != "TP-self-signed-3601" {
		t.Errorf("self-signed: %+v", c)
	}
}

func TestParseTrustpoolErrors(t *testing.T) {
	for name, out := range map[string]string{
		"invalid input":  "show crypto pki trustpol\n                           ^\n% Invalid input detected at '^' marker.\n",
		"authorization":  "Command authorization failed.\n",
		"no serial":      "CA Certificate\n  Status: Available\n  Subject: \n    cn=x\n",
		"bad serial":     "CA Certificate\n  Certificate Serial Number (hex): 0A01ZZ\n",
		"short sha1":     "CA Certificate\n  Certificate Serial Number (hex): 01\n  Fingerprint SHA1: DF717EAA\n",
		"label outside":  "  Certificate Serial Number (hex): 0A0142800000014523C844B500000002\n  Subject:\n    cn=IdenTrust Commercial Root CA 1\n",
		"trailing block": "CA Certificate\n  Certificate Serial Number (hex): 01\n\nCA Certificate\n  Status: Available\n",
	} {
		if _, err := ParseTrustpool(out); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "invalid input" && !errors.Is(err, detect.ErrCommandFailed) {
			t.Errorf("%s: %v is not ErrCommandFailed", name, err)
		}
	}
	if certs, err := ParseTrustpool(""); err != nil || len(certs) != 0 {
		t.Errorf("empty: %v %v", certs, err)
	}
}

// TestCaptures reads every IOS XE device under testdata/captures the way
// `plan --captures` will, and checks the verdict its README promises.
func TestCaptures(t *testing.T) {
	platformtest.Captures(t, detect.IOSXE, TrustCommand, ParseTrustpool,
		map[string]bool{"c9300-campus-01": false, "ie3400-dock-01": true})
}

func FuzzParseTrustpool(f *testing.F) {
	platformtest.SeedFuzz(f, fixtures)
	f.Fuzz(func(t *testing.T, out string) {
		if certs, err := ParseTrustpool(out); err == nil {
			platformtest.CheckCerts(t, certs, nil)
		}
	})
}
