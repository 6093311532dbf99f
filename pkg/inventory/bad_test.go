package inventory

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/secret"
)

// badEnv sets the variables the bad fixtures use, except those named.
func badEnv(unset ...string) func(string) (string, bool) {
	env := map[string]string{
		"TRUSTFIX_PASSWORD": "S3cret-login", "TRUSTFIX_ENABLE_PASSWORD": "S3cret-enable",
		"OTHER_PASSWORD": "S3cret-other", "R1_PASSWORD": "S3cret-r1",
	}
	for _, k := range unset {
		delete(env, k)
	}
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// checkOneLine asserts the shape every inventory error has.
func checkOneLine(t *testing.T, err error, file string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, file+":") {
		t.Errorf("not one line starting with %q: %q", file+":", msg)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error does not match ErrInvalid: %v", err)
	}
}

func TestBadFixtures(t *testing.T) {
	t.Chdir("../../testdata/inventory")
	tests := []struct {
		file  string
		unset []string
		want  string
	}{
		{"malformed.yaml", nil, `:7: yaml: did not find expected ',' or '}'`},
		{"tab-indent.yaml", nil, `:2: yaml: found a tab character that violates indentation`},
		{"two-documents.yaml", nil, `:3: yaml: more than one document (want one)`},
		{"empty-file.yaml", nil, `:1: devices: missing (the file is empty)`},
		{"empty-devices.yaml", nil, `:4: devices: empty (want at least one device)`},
		{"unknown-field.yaml", nil, `:14: devices[3].pasword_env: unknown field (did you mean "password_env"?)`},
		{"unknown-field-no-suggestion.yaml", nil, `:4: defaults.colour: unknown field`},
		{"unknown-top-level.yaml", nil, `:1: default: unknown field (did you mean "defaults"?)`},
		{"wrong-scope.yaml", nil, `:7: devices[0].max_sessions: only allowed in groups`},
		{"duplicate-key.yaml", nil, `:8: devices[0].port: duplicate key (first at line 7)`},
		{"duplicate-name.yaml", nil, `:20: devices[5].name: duplicate name "asa-edge-1" (first at line 11)`},
		{"bad-name.yaml", nil, `:5: devices[0].name: invalid name "core switch 1" (spaces, control characters, "/", "..", commas, a leading "!" and *?[]\ are not allowed)`},
		{"device-not-mapping.yaml", nil, `:6: devices[1]: want a mapping of fields, got a single value`},
		{"missing-host.yaml", nil, `:9: devices[1].host: missing`},
		{"unknown-platform.yaml", nil, `:14: devices[3].platform: unknown "ios" (want auto|iosxe|iosxr|asa|fxos|cer|esa|wsa)`},
		{"unknown-import-method.yaml", nil, `:5: groups.core.import_method: unknown "scp" (want auto|url|file|terminal)`},
		{"unknown-host-key-policy.yaml", nil, `:4: defaults.host_key_policy: unknown "accept" (want strict|accept-new|insecure)`},
		{"bad-port.yaml", nil, `:5: devices[0].port: invalid "70000" (want a number from 1 to 65535)`},
		{"bad-timeout.yaml", nil, `:4: defaults.timeout: invalid duration "5 minutes" (want e.g. 90s or 2m)`},
		{"bad-jump-host.yaml", nil, `:4: defaults.jump_host: invalid jump host "ops@bastion:99999" (port must be 1-65535)`},
		{"unknown-group.yaml", nil, `:12: devices[2].groups[0]: unknown group "cmapus" (did you mean "campus"?)`},
		{"unset-password-env.yaml", []string{"TRUSTFIX_PASSWORD"}, `:3: defaults.password_env: environment variable TRUSTFIX_PASSWORD is not set`},
		{"unset-password-env-group.yaml", nil, `:6: groups.dmz.password_env: environment variable TRUSTFIX_DMZ_PASSWORD is not set`},
		{"no-password.yaml", nil, `:7: devices[1].password_env: missing (set password_env, or password, in the device, a group or defaults; or log in with a key: identity_file, ssh_config's IdentityFile or an ssh-agent)`},
		{"password-conflict.yaml", nil, `:8: devices[0].password: conflicts with password_env at line 7 (set one of them)`},
		{"password-in-env-field.yaml", nil, `:3: defaults.password_env: invalid environment variable name (want letters, digits and _; the value is not shown)`},
		{"file-without-bundle.yaml", nil, `:10: devices[1].bundle_file: missing (import_method file, set at line 7, needs it)`},
		// Several errors: the group's unset variable (line 7, effective for r2)
		// comes before r1's platform (9) and r2's unknown key (10).
		{"first-error-wins.yaml", nil, `:7: groups.campus.password_env: environment variable TRUSTFIX_CAMPUS_PASSWORD is not set`},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := "bad/" + tt.file
			inv, err := Load(path, testPlatforms, badEnv(tt.unset...))
			if err == nil {
				t.Fatalf("no error; devices %v", inv.Devices)
			}
			if got, want := err.Error(), path+tt.want; got != want {
				t.Errorf("\n got  %s\n want %s", got, want)
			}
			checkOneLine(t, err, path)
			if strings.Contains(err.Error(), "S3cret") {
				t.Errorf("error shows a password: %s", err)
			}
			var ie *Error
			if !errors.As(err, &ie) || ie.File != path {
				t.Errorf("not an *Error for %s: %#v", path, err)
			}
		})
	}
	files, _ := filepath.Glob("bad/*.yaml")
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("fixture %s has no test case", f)
		}
	}
}

func TestEnvErrorKeepsCause(t *testing.T) {
	_, err := Parse("inv.yaml", []byte("defaults: {password_env: NOPE, username: u}\ndevices: [{name: a, host: h}]\n"), testPlatforms, badEnv())
	if !errors.Is(err, secret.ErrUnset) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err %v does not match secret.ErrUnset and ErrInvalid", err)
	}
}

// TestBadInline covers the rest of the checks without a fixture each.
func TestBadInline(t *testing.T) {
	const dev = "devices:\n  - {name: r1, host: h, username: u, password_env: TRUSTFIX_PASSWORD"
	tests := []struct{ in, want string }{
		{"- a\n- b\n", `inv.yaml:1: inventory: want a mapping with defaults, groups and devices, got a list`},
		{"devices: {r1: {host: h}}\n", `inv.yaml:1: devices: want a list of devices, got a mapping`},
		{"devices:\n", `inv.yaml:1: devices: empty (want at least one device)`},
		{"defaults: {username: u}\n", `inv.yaml:1: devices: missing`},
		{"groups: [a]\n" + dev + "}\n", `inv.yaml:1: groups: want a mapping of group name to fields, got a list`},
		{"groups:\n  core: [a]\n" + dev + "}\n", `inv.yaml:2: groups.core: want a mapping of fields, got a list`},
		{"groups:\n  a b: {}\n" + dev + "}\n", `inv.yaml:2: groups."a b": invalid name "a b" (spaces, control characters, "/", "..", commas, a leading "!" and *?[]\ are not allowed)`},
		{"groups:\n  g: {groups: [x]}\n" + dev + "}\n", `inv.yaml:2: groups.g.groups: only allowed in devices`},
		{"defaults: {name: x}\n" + dev + "}\n", `inv.yaml:1: defaults.name: only allowed in devices`},
		{"defaults: {max_sessions: 2}\n" + dev + "}\n", `inv.yaml:1: defaults.max_sessions: only allowed in groups`},
		{"username: u\n" + dev + "}\n", `inv.yaml:1: username: only allowed in defaults, groups and devices`},
		{dev + ", ca_file: x.pem}\n", `inv.yaml:2: devices[0].ca_file: only allowed at the top level`},
		{"base: &b {port: 22}\n" + dev + ", <<: *b}\n", `inv.yaml:1: base: unknown field`},
		{dev + ", <<: {port: 2}}\n", `inv.yaml:2: devices[0]."<<": merge keys are not supported; use groups`},
		{dev + ", [a]: b}\n", `inv.yaml:2: devices[0]: want a plain key, got a list`},
		{dev + ", host: ''}\n", `inv.yaml:2: devices[0].host: duplicate key (first at line 2)`},
		{"devices:\n  - {name: r1, host: '', username: u, password: p}\n", `inv.yaml:2: devices[0].host: empty`},
		{"devices:\n  - {name: r1, host: 'a b', username: u, password: p}\n", `inv.yaml:2: devices[0].host: invalid host "a b" (want a name or an IP address)`},
		{"devices:\n  - {name: r1, host: h, password: p}\n", `inv.yaml:2: devices[0].username: missing`},
		{"devices:\n  - {host: h, username: u, password: p}\n", `inv.yaml:2: devices[0].name: missing`},
		{"devices:\n  -\n", `inv.yaml:2: devices[0]: want a mapping of fields, got an empty entry`},
		{"defaults:\n  password:\n" + dev + "}\n", `inv.yaml:2: defaults.password: empty`},
		{"defaults:\n  username: [a]\n" + dev + "}\n", `inv.yaml:2: defaults.username: want a string, got a list`},
		{dev + ", port: '0'}\n", `inv.yaml:2: devices[0].port: invalid "0" (want a number from 1 to 65535)`},
		{dev + ", port: 22.5}\n", `inv.yaml:2: devices[0].port: invalid "22.5" (want a number from 1 to 65535)`},
		{dev + ", retries: -1}\n", `inv.yaml:2: devices[0].retries: invalid "-1" (want a number from 0 to 100)`},
		{dev + ", timeout: 0s}\n", `inv.yaml:2: devices[0].timeout: invalid duration "0s" (want e.g. 90s or 2m)`},
		{dev + ", timeout: 120}\n", `inv.yaml:2: devices[0].timeout: invalid duration "120" (want e.g. 90s or 2m)`},
		{dev + ", legacy_algorithms: maybe}\n", `inv.yaml:2: devices[0].legacy_algorithms: invalid "maybe" (want true or false)`},
		{dev + ", bundle_file: ios.p7b}\n", `inv.yaml:2: devices[0].bundle_file: invalid "ios.p7b" (want FILESYSTEM:PATH, e.g. flash:ios_core.p7b; names of letters, digits and ._- not starting with . or -)`},
		{dev + ", bundle_url: 'www.cisco.com/x.p7b'}\n", `inv.yaml:2: devices[0].bundle_url: invalid URL "www.cisco.com/x.p7b" (want http, https, ftp or tftp with no spaces, quotes or ?#|!$;&` + "`" + `<>, e.g. http://www.cisco.com/security/pki/trs/ios_core.p7b)`},
		{dev + ", jump_host: 'ops@'}\n", `inv.yaml:2: devices[0].jump_host: invalid jump host "ops@" (want [user@]host[:port])`},
		{dev + ", groups: campus}\n", `inv.yaml:2: devices[0].groups: want a list of group names, got a single value`},
		{"groups: {a: {}}\n" + dev + ", groups: [a, a]}\n", `inv.yaml:3: devices[0].groups[1]: duplicate group "a" (first at line 3)`},
		{"groups: {a: {max_sessions: 0}}\n" + dev + "}\n", `inv.yaml:1: groups.a.max_sessions: invalid "0" (want a number from 1 to 100000)`},
		{dev + ", enable_password_env: TRUSTFIX_NOPE}\n", `inv.yaml:2: devices[0].enable_password_env: environment variable TRUSTFIX_NOPE is not set`},
		{dev + ", platform: IOSXE}\n", `inv.yaml:2: devices[0].platform: unknown "IOSXE" (want auto|iosxe|iosxr|asa|fxos|cer|esa|wsa)`},
		{dev + ", platform: \"ios\\nxe\"}\n", `inv.yaml:2: devices[0].platform: unknown "ios\nxe" (want auto|iosxe|iosxr|asa|fxos|cer|esa|wsa)`},
		{dev + ", host: *nope}\n", `inv.yaml:2: yaml: unknown anchor 'nope' referenced`},
		{dev + "}\n# ok\nx: \x01\n", `inv.yaml:4: yaml: control characters are not allowed`},
		{dev + "}\nx: \xff\n", `inv.yaml:3: yaml: invalid leading UTF-8 octet`},
		{"a: b: c\n", `inv.yaml:1: yaml: mapping values are not allowed in this context`},
		{"- a\nb: 1\n", `inv.yaml:2: yaml: did not find expected '-' indicator`},
	}
	for _, tt := range tests {
		_, err := Parse("inv.yaml", []byte(tt.in), testPlatforms, badEnv())
		if err == nil {
			t.Errorf("%q: no error, want %s", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got  %s\n want %s", tt.in, err, tt.want)
		}
		checkOneLine(t, err, "inv.yaml")
	}
}
