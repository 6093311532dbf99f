package inventory

import (
	"strings"
	"testing"
)

// Values that would put a second command, a pipe, a shell metacharacter, a
// parent directory or an escape sequence on a device CLI, a log line or a
// transcript path are refused with FILE:LINE: FIELD.
func TestHostileValuesRefused(t *testing.T) {
	for _, tc := range []struct{ field, value string }{
		{"bundle_file", `"flash\nwrite\nflash:ios_core.p7b"`},
		{"bundle_file", `"flash:ios_core.p7b\rwrite"`},
		{"bundle_file", `"harddisk:/ios.p7b;reload"`},
		{"bundle_file", `"harddisk:/$(reboot)"`},
		{"bundle_file", "\"harddisk:/`id`\""},
		{"bundle_file", `"harddisk:/../../etc/passwd"`},
		{"bundle_file", `"harddisk:/x/../ios.p7b"`},
		{"bundle_file", `"harddisk:/-rf"`},
		{"bundle_file", `"harddisk:/.hidden"`},
		{"bundle_file", `"harddisk:/a b"`},
		{"bundle_file", `"harddisk:/a|b"`},
		{"bundle_file", `"harddisk://ios.p7b"`},
		{"bundle_file", `"flash:ios_core.p7b?"`},
		{"bundle_file", `"flash:ios\u0085core.p7b"`},
		{"bundle_url", `"http://www.cisco.com/a b"`},
		{"bundle_url", `"http://www.cisco.com/a?b"`},
		{"bundle_url", `"http://www.cisco.com/a\nwrite"`},
		{"bundle_url", `"http://www.cisco.com/a|b"`},
		{"bundle_url", `"http://www.cisco.com/a;b"`},
		{"bundle_url", `"http://www.cisco.com/!x"`},
		{"bundle_url", `"http://www.cisco.com/$x"`},
		{"bundle_url", `"http://-x/ios_core.p7b"`},
		{"bundle_url", `"http://www.cisco.com/a/../ios_core.p7b"`},
		{"bundle_url", `"http://www.cisco.com/./ios_core.p7b"`},
		{"bundle_url", `"http://www.cisco.com/a/.."`},
		{"name", `"../../etc/cron.d/x"`},
		{"name", `"a/b"`},
		{"name", `"a..b"`},
		{"name", `"a\tb"`},
		{"name", `"a\u00a0b"`},
		{"name", `"a\u202eb"`},
		{"name", `"a\u001b[2Jb"`},
		{"username", `"net\nops"`},
		{"version", `"17.3\u001b]0;x\u0007"`},
		{"host", `"h\u0085"`},
		{"jump_host", `"ops\n@bastion"`},
	} {
		in := "devices:\n  - password_env: TRUSTFIX_PASSWORD\n"
		for _, kv := range [][2]string{{"name", "r1"}, {"host", "h"}, {"username", "u"}, {tc.field, tc.value}} {
			if kv[0] == tc.field && kv[1] != tc.value {
				continue
			}
			in += "    " + kv[0] + ": " + kv[1] + "\n"
		}
		_, err := Parse("inv.yaml", []byte(in), testPlatforms, badEnv())
		if err == nil {
			t.Errorf("%s: %s accepted", tc.field, tc.value)
			continue
		}
		if !strings.HasPrefix(err.Error(), "inv.yaml:") || !strings.Contains(err.Error(), "devices[0]."+tc.field+":") {
			t.Errorf("%s: %s: error %q does not name the file, line and field", tc.field, tc.value, err)
		}
		checkOneLine(t, err, "inv.yaml")
	}
}

func TestSafeValuesAccepted(t *testing.T) {
	for _, f := range []string{"flash:ios_core.p7b", "harddisk:/ios.p7b", "bootflash:certs/ios_core.p7b", "disk0:/trust/ca-bundle_2025.p7b"} {
		if err := CheckBundleFile(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, u := range []string{DefaultBundleURL, "https://www.cisco.com/security/pki/trs/ios_core.p7b", "ftp://user:pw@10.0.0.1/ca/ios_core.p7b", "tftp://192.0.2.7/ios_core.p7b", "http://[2001:db8::1]:8080/ios_core.p7b"} {
		if err := CheckBundleURL(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if msg := checkName("rtr-münchen_01.lab"); msg != "" {
		t.Errorf("a plain name refused: %s", msg)
	}
}

// The enable password is typed at the device: a newline in it would be a
// second command. It is refused, from a variable or the file, unshown.
func TestEnablePasswordOneLine(t *testing.T) {
	env := func(k string) (string, bool) {
		return map[string]string{"P": "login", "E": "s3cret\nwrite memory"}[k], true
	}
	for _, field := range []string{"enable_password_env: E", `enable_password: "s3cret\nwrite memory"`} {
		in := "devices:\n  - name: r1\n    host: h\n    username: u\n    password_env: P\n    " + field + "\n"
		_, err := Parse("inv.yaml", []byte(in), testPlatforms, env)
		if err == nil || !strings.Contains(err.Error(), "inv.yaml:6: devices[0].enable_password") || !strings.Contains(err.Error(), "control character") {
			t.Errorf("%s: %v", field, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
