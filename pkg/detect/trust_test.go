package detect

import (
	"reflect"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
)

const (
	idSerial = "0A0142800000014523C844B500000002"
	idSHA1   = "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"
	idCN     = "IdenTrust Commercial Root CA 1"
)

func TestEvaluate(t *testing.T) {
	quovadis := Cert{Subject: "cn=QuoVadis Root CA 2,o=QuoVadis Limited,c=BM", Serial: "0509", Store: "Trustpool: Built-In"}
	for name, tc := range map[string]struct {
		certs         []Cert
		present, qv   bool
		wantCASubject string
	}{
		"xe serial+subject":           {[]Cert{quovadis, {Subject: "cn=" + idCN + ",o=IdenTrust,c=US", Serial: idSerial}}, true, true, "cn=" + idCN + ",o=IdenTrust,c=US"},
		"xr colons":                   {[]Cert{{Subject: "CN=" + idCN + ",O=IdenTrust,C=US", Serial: "0A:01:42:80:00:00:01:45:23:C8:44:B5:00:00:00:02"}}, true, false, "CN=" + idCN + ",O=IdenTrust,C=US"},
		"asa lower case":              {[]Cert{{Subject: "cn=" + idCN + ",o=IdenTrust,c=US", Serial: "0a0142800000014523c844b500000002"}}, true, false, "cn=" + idCN + ",o=IdenTrust,c=US"},
		"serial without leading zero": {[]Cert{{Subject: "CN=" + idCN, Serial: "A0142800000014523C844B500000002"}}, true, false, "CN=" + idCN},
		"fingerprint only":            {[]Cert{{Subject: "whatever", SHA1: "DF717EAA 4AD94EC9 55849960 2D48DE5F BCF03A25"}}, true, false, "whatever"},
		"fingerprint lower colons":    {[]Cert{{SHA1: "df:71:7e:aa:4a:d9:4e:c9:55:84:99:60:2d:48:de:5f:bc:f0:3a:25", Serial: "x"}}, true, false, ""},
		"absent":                      {[]Cert{{Subject: "cn=Cisco Root CA 2048,o=Cisco Systems", Serial: "5FF87B282B54DC8D42A315B568C9ADFF"}}, false, false, ""},
		"only quovadis":               {[]Cert{quovadis}, false, true, ""},
		"empty":                       {nil, false, false, ""},
		"decoy other serial":          {[]Cert{{Subject: "cn=" + idCN + ",o=IdenTrust,c=US", Serial: "0A0142800000014523C844B500000003"}}, false, false, ""},
		"decoy longer CN":             {[]Cert{{Subject: "cn=" + idCN + " Test,o=IdenTrust,c=US", Serial: idSerial}}, false, false, ""},
		"decoy CN in OU":              {[]Cert{{Subject: "ou=" + idCN + ",cn=Other,c=US", Serial: idSerial}}, false, false, ""},
		"decoy CN prefix":             {[]Cert{{Subject: "cn=My " + idCN, Serial: idSerial}}, false, false, ""},
		"decoy lower-case value":      {[]Cert{{Subject: "cn=identrust commercial root ca 1", Serial: idSerial}}, false, false, ""},
		"decoy fingerprint differs":   {[]Cert{{Subject: "CN=" + idCN, Serial: idSerial, SHA1: "00" + idSHA1[2:]}}, false, false, ""},
		"no serial":                   {[]Cert{{Subject: "CN=" + idCN}}, false, false, ""},
		"quovadis by fingerprint":     {[]Cert{{SHA1: cert.QuoVadis().SHA1()}}, false, true, ""},
	} {
		got := Evaluate(tc.certs, nil)
		if got.CAPresent != tc.present || got.QuoVadisPresent != tc.qv {
			t.Errorf("%s: present=%v quovadis=%v, want %v %v", name, got.CAPresent, got.QuoVadisPresent, tc.present, tc.qv)
		}
		if (got.CA != nil) != tc.present || (got.CA != nil && got.CA.Subject != tc.wantCASubject) {
			t.Errorf("%s: CA = %+v", name, got.CA)
		}
		if !reflect.DeepEqual(got.Certs, tc.certs) {
			t.Errorf("%s: Certs not passed through", name)
		}
	}
}

// TestEvaluateOtherTarget: a --ca-file target is matched by its own serial
// and CN, and IdenTrust no longer counts.
func TestEvaluateOtherTarget(t *testing.T) {
	idenTrust := Cert{Subject: "cn=" + idCN, Serial: idSerial}
	qv := cert.QuoVadis()
	got := Evaluate([]Cert{idenTrust, {Subject: "CN=QuoVadis Root CA 2,O=QuoVadis Limited,C=BM", Serial: "05:09"}}, qv)
	if !got.CAPresent || got.CA.Serial != "05:09" {
		t.Errorf("QuoVadis target: %+v", got)
	}
	if got := Evaluate([]Cert{idenTrust}, qv); got.CAPresent {
		t.Error("IdenTrust matched a QuoVadis target")
	}
}

func TestRDNValues(t *testing.T) {
	for _, tc := range []struct {
		dn, attr string
		want     []string
	}{
		{"CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US", "cn", []string{idCN}},
		{"cn=IdenTrust Commercial Root CA 1\no=IdenTrust\nc=US", "CN", []string{idCN}},
		{"cn=a , o=b", "o", []string{"b"}},
		{"/C=US/O=IdenTrust/CN=IdenTrust Commercial Root CA 1", "cn", []string{idCN}},
		{`CN=Foo\, Inc. Root,O=Foo`, "cn", []string{"Foo, Inc. Root"}},
		{"CN=a+OU=b", "ou", []string{"b"}},
		{"OU=x,CN=one,CN=two", "cn", []string{"one", "two"}},
		{"nocn", "cn", nil},
		{"", "cn", nil},
	} {
		if got := RDNValues(tc.dn, tc.attr); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("RDNValues(%q, %s) = %q, want %q", tc.dn, tc.attr, got, tc.want)
		}
	}
}

func TestFromX509(t *testing.T) {
	c := FromX509(cert.Default().Cert, "tp")
	want := Cert{Subject: "CN=" + idCN + ",O=IdenTrust,C=US", Issuer: "CN=" + idCN + ",O=IdenTrust,C=US",
		Serial: idSerial, SHA1: idSHA1, Store: "tp"}
	if c != want {
		t.Errorf("FromX509 = %+v", c)
	}
	if NormaliseHex("0a:01 42-80") != "0A014280" {
		t.Error("NormaliseHex")
	}
}
