package asa

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/platformtest"
)

const fixtures = "../../../testdata/parsers/trust/asa"

func TestParseCertificatesFixtures(t *testing.T) {
	got := platformtest.Fixtures(t, fixtures, ParseCertificates, map[string]platformtest.Want{
		"certificates_present.txt": {N: 4, Present: true, QuoVadis: true, Store: "_SmartCallHome_ServerCA"},
		"certificates_absent.txt":  {N: 2, QuoVadis: true},
		"certificates_decoys.txt":  {N: 2},
		"trustpool_large.txt":      {N: 24, Present: true, QuoVadis: true},
		// Public captures (provenance in testdata/parsers/README.md).
		"certificates_crl_ldap_multi_tp.txt":   {N: 3},
		"certificates_multi_tp_nomyownnet.txt": {N: 3},
	}, nil)
	certs := got["certificates_present.txt"]
	// The identity certificate, held by two trustpoints, one with '#' in its
	// name (prompt trap): one entry per trustpoint.
	for i, tp := range []string{"_SmartCallHome_SelfSigned", "asa1#ssl"} {
		if c := certs[2+i]; c.Subject != "cn=asa1.example.com,hostname=asa1.example.com" || c.Serial != "5E0F1A2B" || c.Store != tp {
			t.Errorf("identity in %s: %+v", tp, c)
		}
	}
}

// TestParseCertificatesCaptures: several names in "Associated
// Trustpoints:", and a "CRL Distribution Points:" LDAP URL full of CN=
// that is no part of the subject.
func TestParseCertificatesCaptures(t *testing.T) {
	read := func(file string) []detect.Cert {
		certs, err := ParseCertificates(platformtest.Read(t, filepath.Join(fixtures, file)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return certs
	}
	certs := read("certificates_crl_ldap_multi_tp.txt")
	if got, want := certs[0].Subject, "cn=asa.qytang.com,ou=qytangsec,o=qytang,l=Beijing,st=Beijing,c=CN,"+
		"hostname=asa.qytang.com,ipaddress=202.100.3.10"; got != want {
		t.Errorf("subject beside a CRL LDAP URL:\n got %q\nwant %q", got, want)
	}
	var stores []string
	for _, c := range certs {
		stores = append(stores, c.Serial+"@"+c.Store)
	}
	if want := "110000000A0FF0F5864F6A7BF000000000000A@msca 3EEC76FB95DE8EAA4F8BA62964A87D98@test " +
		"3EEC76FB95DE8EAA4F8BA62964A87D98@msca"; strings.Join(stores, " ") != want {
		t.Errorf("stores %v, want %s", stores, want)
	}
	certs = read("certificates_multi_tp_nomyownnet.txt")
	if certs[1].Store != "20171204" || certs[2].Store != "20171129" || certs[1].Subject != "cn=Fake LE Intermediate X1" {
		t.Errorf("two trustpoints: %+v", certs)
	}

	// The same capture with IdenTrust's serial and its CN in the CRL URL
	// only: the subject (cn=asa.qytang.com) decides, so it is not the CA.
	forged := strings.NewReplacer("110000000a0ff0f5864f6a7bf000000000000a", "0a0142800000014523c844b500000002",
		"ldap:///CN=qytang-WIN2019-CA", "ldap:///CN=IdenTrust Commercial Root CA 1").
		Replace(platformtest.Read(t, filepath.Join(fixtures, "certificates_crl_ldap_multi_tp.txt")))
	certs, err := ParseCertificates(forged)
	if err != nil || detect.Evaluate(certs, nil).CAPresent {
		t.Errorf("a CN in a CRL URL matched the CA: %v", err)
	}
}

// mapReader answers show commands from a map, "" for any other.
type mapReader map[string]string

func (m mapReader) Show(cmd string) (string, error) { return m[cmd], nil }

// A trustpoint of our name that shares another certificate with a second
// trustpoint is still a conflict.
func TestDetectConflictSharedTrustpoint(t *testing.T) {
	ca := cert.Default()
	listing := strings.ReplaceAll(platformtest.Read(t, filepath.Join(fixtures, "certificates_multi_tp_nomyownnet.txt")),
		"20171204 20171129", "20171204 "+ca.TrustpointName())
	st, err := Driver{}.Detect(mapReader{ModeCommand: "Security context mode: single\n", CertsCommand: listing}, ca, platform.Prefs{})
	if err != nil || st.Trust.CAPresent || !strings.Contains(st.Conflict, ca.TrustpointName()) {
		t.Fatalf("conflict %q, err %v", st.Conflict, err)
	}
}

// runningConfig builds `show running-config crypto ca certificate` from real
// DER, the way ASAv 9.20(2)2 prints it (reference §3.3).
func runningConfig(chains map[string]*cert.CA, order ...string) string {
	var b strings.Builder
	for _, tp := range order {
		b.WriteString("crypto ca trustpoint " + tp + "\n  no validation-usage\n  crl configure\n")
	}
	b.WriteString("crypto ca trustpool policy\n  auto-import\n")
	for _, tp := range order {
		ca := chains[tp]
		b.WriteString("crypto ca certificate chain " + tp + "\n  certificate ca " + strings.ToLower(ca.Serial()) + "\n")
		b.WriteString(strings.Join(cert.ASAHexLines(ca.Cert.Raw), "\n") + "\n  quit\n")
	}
	return b.String()
}

func hydrant(t *testing.T) *cert.CA {
	certs := cert.ParsePEMBlocks(platformtest.Read(t, "../../cert/testdata/hydrantid-ssl-ica-g2.pem"))
	if len(certs) != 1 {
		t.Fatal("HydrantID PEM")
	}
	return cert.New(certs[0])
}

func TestParseRunningCertificates(t *testing.T) {
	id, qv, hy := cert.Default(), cert.QuoVadis(), hydrant(t)
	out := runningConfig(map[string]*cert.CA{"_SmartCallHome_ServerCA": id, "_SmartCallHome_ServerCA2": qv, "HydrantID": hy},
		"_SmartCallHome_ServerCA", "_SmartCallHome_ServerCA2", "HydrantID")
	if !strings.Contains(out, "  certificate ca 0a0142800000014523c844b500000002\n    30820560 30820348 a0030201 0202100a") ||
		!strings.Contains(out, "\n    ba846e87\n  quit\n") {
		t.Fatalf("generated config does not look like the reference:\n%s", out[:600])
	}
	certs, err := ParseRunningCertificates(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []detect.Cert{
		{Subject: id.Subject(), Issuer: id.Subject(), Serial: id.Serial(), SHA1: "DF717EAA4AD94EC9558499602D48DE5FBCF03A25", Store: "_SmartCallHome_ServerCA"},
		{Subject: qv.Subject(), Issuer: qv.Subject(), Serial: "0509", SHA1: "CA3AFBCF1240364B44B216208880483919937CF7", Store: "_SmartCallHome_ServerCA2"},
		{Subject: hy.Subject(), Issuer: qv.Subject(), Serial: "7517167783D0437EB556C357946E4563B8EBD3AC", SHA1: "AC4A728B4DFC35601FA34B922422A42C253F756C", Store: "HydrantID"},
	}
	if len(certs) != len(want) {
		t.Fatalf("%d certs: %+v", len(certs), certs)
	}
	for i := range want {
		if certs[i] != want[i] {
			t.Errorf("cert %d:\n got %+v\nwant %+v", i, certs[i], want[i])
		}
	}
	if tr := detect.Evaluate(certs, nil); !tr.CAPresent || !tr.QuoVadisPresent {
		t.Errorf("evaluate: %+v", tr)
	}
	// Without IdenTrust: absent.
	certs, err = ParseRunningCertificates(runningConfig(map[string]*cert.CA{"_SmartCallHome_ServerCA2": qv}, "_SmartCallHome_ServerCA2"))
	if err != nil || detect.Evaluate(certs, nil).CAPresent {
		t.Errorf("QuoVadis only: %v %v", certs, err)
	}
}

func TestParseRunningCertificatesErrors(t *testing.T) {
	good := runningConfig(map[string]*cert.CA{"tp": cert.Default()}, "tp")
	lines := strings.Split(good, "\n")
	hexAt := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "    30820560") {
			hexAt = i
		}
	}
	for name, out := range map[string]string{
		"cut short":     strings.Join(lines[:hexAt+10], "\n"),
		"line lost":     strings.Join(append(append([]string{}, lines[:hexAt+3]...), lines[hexAt+4:]...), "\n"),
		"wrong serial":  strings.Replace(good, "certificate ca 0a01", "certificate ca 0b01", 1),
		"odd hex":       strings.Replace(good, "    ba846e87", "    ba846e8", 1),
		"no quit":       strings.Replace(good, "  quit\n", "  crl configure\n", 1),
		"invalid input": "ERROR: % Invalid input detected at '^' marker.\n",
	} {
		if _, err := ParseRunningCertificates(out); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// An identity certificate is not a CA: skipped, not an error.
	id := "crypto ca certificate chain ssl\n  certificate 5e0f1a2b\n    3082\n  quit\n"
	if certs, err := ParseRunningCertificates(id + good); err != nil || len(certs) != 1 {
		t.Errorf("identity certificate: %v %v", certs, err)
	}
}

// TestCaptures checks the ASA devices of testdata/captures: every store
// listing agrees, and matches the README's verdicts.
func TestCaptures(t *testing.T) {
	want := map[string]bool{"asa-edge-1": false, "asav-dc-2": true}
	for dev, present := range want {
		dir := filepath.Join(platformtest.CapturesDir, dev)
		file := func(cmd string) string { return platformtest.Capture(t, dir, cmd) }
		if f, err := detect.ParseVersion(file("show version")); err != nil || f.Platform != detect.ASA || !f.Supported {
			t.Errorf("%s: %+v %v", dev, f, err)
		}
		if m, err := ParseMode(file("show mode")); err != nil || m != ModeSingle {
			t.Errorf("%s: mode %q %v", dev, m, err)
		}
		shown, err1 := ParseCertificates(file("show crypto ca certificates"))
		running, err2 := ParseRunningCertificates(file("show running-config crypto ca certificate"))
		if err1 != nil || err2 != nil {
			t.Errorf("%s: %v %v", dev, err1, err2)
			continue
		}
		if a, b := detect.Evaluate(shown, nil).CAPresent, detect.Evaluate(running, nil).CAPresent; a != present || b != present {
			t.Errorf("%s: present %v (certificates) %v (running-config), want %v", dev, a, b, present)
		}
		if _, err := os.Stat(filepath.Join(dir, "show_crypto_ca_trustpool.txt")); err == nil {
			pool, err := ParseCertificates(file("show crypto ca trustpool"))
			if err != nil || len(pool) < 20 || detect.Evaluate(pool, nil).CAPresent != present {
				t.Errorf("%s: trustpool %d certs, %v", dev, len(pool), err)
			}
		}
	}
	if !ParseFIPS(platformtest.Read(t, filepath.Join(platformtest.CapturesDir, "asav-dc-2", "show_running-config_fips.txt"))) {
		t.Error("asav-dc-2 has FIPS on")
	}
}

func FuzzParseCertificates(f *testing.F) {
	platformtest.SeedFuzz(f, fixtures)
	f.Fuzz(func(t *testing.T, out string) {
		if certs, err := ParseCertificates(out); err == nil {
			platformtest.CheckCerts(t, certs, nil)
		}
	})
}

func FuzzParseRunningCertificates(f *testing.F) {
	f.Add(runningConfig(map[string]*cert.CA{"a": cert.Default(), "b": cert.QuoVadis()}, "a", "b"))
	f.Add("crypto ca certificate chain x\n  certificate ca 01\n    3082\n  quit\n")
	f.Fuzz(func(t *testing.T, out string) {
		if certs, err := ParseRunningCertificates(out); err == nil {
			// Running-config certificates are rebuilt from DER: SHA-1 computed.
			platformtest.CheckCerts(t, certs, func(c detect.Cert) bool { return len(c.SHA1) == 40 })
		}
	})
}

// The lab's alt layout of `show crypto ca trustpool` (a count, each DN on
// its label line, an MD5 fingerprint, no trustpoint line) reads the same.
func TestParseCertificatesOneLineDN(t *testing.T) {
	out := "2 trustpool certificates installed\n\n" +
		"CA Certificate\n  Status: Available\n  Certificate Serial Number: 0a0142800000014523c844b500000002\n" +
		"  Certificate Usage: Signature\n  Subject Name: cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US\n" +
		"  Issuer Name: cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US\n" +
		"  Fingerprint: b33e7773 75eea0d3 e37e4963 4959bbc7\n  Validity Date: \n" +
		"    start date: 18:12:23 UTC Jan 16 2014\n    end   date: 18:12:23 UTC Jan 16 2034\n\n" +
		"CA Certificate\n  Status: Available\n  Certificate Serial Number: 0509\n" +
		"  Subject Name: cn=QuoVadis Root CA 2,o=QuoVadis Limited,c=BM\n\n"
	certs, err := ParseCertificates(out)
	if tr := detect.Evaluate(certs, nil); err != nil || len(certs) != 2 || !tr.CAPresent || !tr.QuoVadisPresent {
		t.Fatalf("%+v %v", certs, err)
	}
}
