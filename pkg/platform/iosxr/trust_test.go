package iosxr

import (
	"errors"
	"testing"

	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform/platformtest"
)

const fixtures = "../../../testdata/parsers/trust/iosxr"

func TestParseTrustpoolFixtures(t *testing.T) {
	got := platformtest.Fixtures(t, fixtures, ParseTrustpool, map[string]platformtest.Want{
		"trustpool_present.txt":       {N: 26, Present: true, QuoVadis: true, Store: "Trustpool: Built-In"},
		"trustpool_absent.txt":        {N: 23, QuoVadis: true},
		"trustpool_decoys.txt":        {N: 2},
		"certificates_trustpoint.txt": {N: 2, Present: true, Store: "Trustpool"},
	}, func(c detect.Cert) bool {
		return c.Serial != "" && len(c.SHA1) == 40 && c.Subject != "" && c.Issuer != "" && c.Store != ""
	})
	certs := got["trustpool_present.txt"]
	if last := certs[len(certs)-1]; last.Store != "Trustpool: Downloaded" {
		t.Errorf("second group: store %q", last.Store)
	}
}

// TestSeed004Display: the exact display of the FN72290 write-up, without any heading or
// group, is one certificate matched by fingerprint.
func TestSeed004Display(t *testing.T) {
	const display = `  Serial Number  : 0A:01:42:80:00:00:01:45:23:C8:44:B5:00:00:00:02
  Subject:
        CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US
  Issued By      :
        CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US
  Validity Start : 18:12:23 UTC Thu Jan 16 2014
  Validity End   : 18:12:23 UTC Mon Jan 16 2034
  SHA1 Fingerprint:
         DF717EAA4AD94EC9558499602D48DE5FBCF03A25
Do you accept this certificate? [yes/no]: `
	certs, err := ParseTrustpool(display + "\n" + display)
	if err != nil {
		t.Fatal(err)
	}
	want := detect.Cert{
		Subject: "CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US",
		Issuer:  "CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US",
		Serial:  "0A0142800000014523C844B500000002",
		SHA1:    "DF717EAA4AD94EC9558499602D48DE5FBCF03A25",
	}
	if len(certs) != 2 || certs[0] != want || certs[1] != want {
		t.Errorf("got %+v", certs)
	}
}

func TestParseTrustpoolErrors(t *testing.T) {
	for name, out := range map[string]string{
		"invalid input":  "Wed Mar 14 12:31:28.607 UTC\n                         ^\n% Invalid input detected at '^' marker.\n",
		"not authorized": "% This command is not authorized\n",
		"heading only":   "Trustpool: Built-In\n=====\nCA certificate \n  Subject:\n        CN=x\n",
		"bad sha1":       "CA certificate\n  Serial Number  : 01\n  SHA1 Fingerprint:\n         DF717EAA\n",
		"bad serial":     "CA certificate\n  Serial Number  : 0G:01\n",
	} {
		_, err := ParseTrustpool(out)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if name == "invalid input" && !errors.Is(err, detect.ErrCommandFailed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if certs, err := ParseTrustpool("Wed Mar 14 12:31:28.607 UTC\n\n"); err != nil || len(certs) != 0 {
		t.Errorf("empty store: %v %v", certs, err)
	}
}

func TestCaptures(t *testing.T) {
	for dev, tr := range platformtest.Captures(t, detect.IOSXR, TrustCommand, ParseTrustpool,
		map[string]bool{"ncs5500-core-01": false}) {
		if !tr.QuoVadisPresent {
			t.Errorf("%s: %+v", dev, tr)
		}
	}
}

func FuzzParseTrustpool(f *testing.F) {
	platformtest.SeedFuzz(f, fixtures)
	f.Fuzz(func(t *testing.T, out string) {
		if certs, err := ParseTrustpool(out); err == nil {
			platformtest.CheckCerts(t, certs, nil)
		}
	})
}

// TestChassisSerial: the chassis is show inventory's first entry; an
// empty SN: is no serial, never the next line's first word nor a module's.
func TestChassisSerial(t *testing.T) {
	for in, want := range map[string]string{
		"NAME: \"Rack 0\", DESCR: \"Cisco NCS-5500 Chassis\"\nPID: NCS-5500, VID: V01, SN: FOC2302R1XY\n\nNAME: \"0/RP0/CPU0\"\nPID: RP, VID: V01, SN: FOC2331R0AB\n": "FOC2302R1XY",
		"NAME: \"Rack 0\", DESCR: \"Cisco NCS-5500 Chassis\"\nPID: NCS-5500, VID: V01, SN: \n\nNAME: \"0/RP0/CPU0\"\nPID: RP, VID: V01, SN: FOC2331R0AB\n":            "",
		"NAME: \"Rack 0\"\nPID: NCS-5500, VID: V01, SN:\nNAME: \"0/RP0/CPU0\"\n":                                                                                      "",
		"no inventory here": "",
	} {
		if got := chassisSerial(in); got != want {
			t.Errorf("chassisSerial(%q) = %q, want %q", in, got, want)
		}
	}
}
