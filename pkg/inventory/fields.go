package inventory

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// scope says where in the file a field may be written.
type scope uint8

const (
	inTop scope = 1 << iota
	inDefaults
	inGroup
	inDevice

	anyLevel = inDefaults | inGroup | inDevice
)

// value is a parsed field value; the field's kind decides which part is set.
type value struct {
	s    string
	n    int
	b    bool
	d    time.Duration
	list []string
	line []int // line of each list element
}

// problem is a bad value: msg, and sub/line when it is about one list element.
type problem struct {
	sub  string // appended to the field path, e.g. "[1]"
	line int    // 0: the value's line
	msg  string
}

// field is one inventory key: where it may appear, how its value is
// checked, and how it lands in a Device (nil set: handled in resolve).
type field struct {
	key   string
	in    scope
	parse func(n *yaml.Node) (value, *problem)
	set   func(d *Device, v value)
}

// fields is THE list of inventory keys, in the order the example file and
// the docs present them. Passwords, groups and max_sessions are resolved in
// resolve.go; everything else is set here.
var fields = []field{
	{"name", inDevice, nameKind, func(d *Device, v value) { d.Name = v.s }},
	{"host", anyLevel, hostKind, func(d *Device, v value) { d.Host = v.s }},
	{"port", anyLevel, intKind(1, 65535), func(d *Device, v value) { d.Port = v.n }},
	{"platform", anyLevel, stringKind, func(d *Device, v value) { d.Platform = v.s }}, // checked against the registry (parser.platform)
	{"version", anyLevel, plainKind, func(d *Device, v value) { d.Version = v.s }},
	{"username", anyLevel, plainKind, func(d *Device, v value) { d.Username = v.s }},
	{"password_env", anyLevel, envKind, nil},
	{"enable_password_env", anyLevel, envKind, nil},
	{"password", anyLevel, stringKind, nil},
	{"enable_password", anyLevel, stringKind, nil},
	{"timeout", anyLevel, durationKind, func(d *Device, v value) { d.Timeout = v.d }},
	{"retries", anyLevel, intKind(0, 100), func(d *Device, v value) { d.Retries = v.n }},
	{"import_method", anyLevel, enumKind(ImportMethods), func(d *Device, v value) { d.ImportMethod = v.s }},
	{"bundle_file", anyLevel, bundleFileKind, func(d *Device, v value) { d.BundleFile = v.s }},
	{"bundle_url", anyLevel, urlKind, func(d *Device, v value) { d.BundleURL = v.s }},
	{"allow_non_persistent", anyLevel, boolKind, func(d *Device, v value) { d.AllowNonPersistent = v.b }},
	{"host_key_policy", anyLevel, enumKind(HostKeyPolicies), func(d *Device, v value) { d.HostKeyPolicy = v.s }},
	{"known_hosts", anyLevel, plainKind, func(d *Device, v value) { d.KnownHosts = v.s }},
	{"legacy_algorithms", anyLevel, boolKind, func(d *Device, v value) { d.LegacyAlgorithms = v.b }},
	{"jump_host", anyLevel, jumpHostKind, func(d *Device, v value) { d.JumpHost = v.s }},
	{"identity_file", anyLevel, plainKind, func(d *Device, v value) { d.IdentityFile = v.s }},
	{"ssh_config", anyLevel, plainKind, func(d *Device, v value) { d.SSHConfig = v.s }},
	{"groups", inDevice, groupListKind, nil},
	{"max_sessions", inGroup, intKind(1, 100000), nil},
	{"ca_file", inTop, plainKind, nil},
}

// lookupField returns the field named key, or nil.
func lookupField(key string) *field {
	for i := range fields {
		if fields[i].key == key {
			return &fields[i]
		}
	}
	return nil
}

// keysIn lists the keys allowed in scope s, for did-you-mean suggestions.
func keysIn(s scope) []string {
	var keys []string
	if s == inTop {
		keys = append(keys, "defaults", "groups", "devices")
	}
	for _, f := range fields {
		if f.in&s != 0 {
			keys = append(keys, f.key)
		}
	}
	return keys
}

// where says where a scope allows a field: "only allowed in groups".
func (s scope) where() string {
	if s == inTop {
		return "only allowed at the top level"
	}
	var in []string
	for _, p := range []struct {
		s    scope
		name string
	}{{inDefaults, "defaults"}, {inGroup, "groups"}, {inDevice, "devices"}} {
		if s&p.s != 0 {
			in = append(in, p.name)
		}
	}
	if len(in) > 1 {
		return "only allowed in " + strings.Join(in[:len(in)-1], ", ") + " and " + in[len(in)-1]
	}
	return "only allowed in " + strings.Join(in, "")
}

func bad(format string, args ...any) *problem { return &problem{msg: fmt.Sprintf(format, args...)} }

// kindName names a node's kind for "want X, got Y" messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return "a single value"
}

// stringKind: a non-empty scalar. The value is never echoed (it may be a
// password).
func stringKind(n *yaml.Node) (value, *problem) {
	if n.Kind != yaml.ScalarNode {
		return value{}, bad("want a string, got %s", kindName(n))
	}
	if n.Tag == "!!null" || n.Value == "" {
		return value{}, bad("empty")
	}
	return value{s: n.Value}, nil
}

// plainKind: a string without control or format characters (it is shown
// in logs and reports, or used as a path).
func plainKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p == nil && hasInvisible(v.s) {
		return v, bad("invalid %s (control characters are not allowed)", quote(v.s))
	}
	return v, p
}

// checkName rejects characters that are --limit syntax (comma, a leading
// "!", glob metacharacters), that break log lines, or that would take a
// transcript file (JOURNAL.d/RUN-ID/NAME.log) out of its folder; "" when s
// is fine.
func checkName(s string) string {
	if strings.ContainsAny(s, ",*?[]\\/") || strings.HasPrefix(s, "!") || strings.Contains(s, "..") ||
		strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || invisible(r) || unicode.IsSpace(r) }) >= 0 {
		return fmt.Sprintf(`invalid name %s (spaces, control characters, "/", "..", commas, a leading "!" and *?[]\ are not allowed)`, quote(s))
	}
	return ""
}

func nameKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p == nil {
		if msg := checkName(v.s); msg != "" {
			return v, bad("%s", msg)
		}
	}
	return v, p
}

func hostKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p == nil {
		if err := CheckHost(v.s); err != nil {
			return v, bad("%s", err.Error())
		}
	}
	return v, p
}

func enumKind(allowed []string) func(*yaml.Node) (value, *problem) {
	return func(n *yaml.Node) (value, *problem) {
		v, p := stringKind(n)
		if p != nil {
			return v, p
		}
		for _, a := range allowed {
			if v.s == a {
				return v, nil
			}
		}
		return v, bad("unknown %s (want %s)", quote(v.s), strings.Join(allowed, "|"))
	}
}

func intKind(lo, hi int) func(*yaml.Node) (value, *problem) {
	return func(n *yaml.Node) (value, *problem) {
		v, p := stringKind(n)
		if p != nil {
			return v, p
		}
		i, err := strconv.Atoi(strings.ReplaceAll(v.s, "_", ""))
		if err != nil || i < lo || i > hi {
			return v, bad("invalid %s (want a number from %d to %d)", quote(v.s), lo, hi)
		}
		return value{n: i}, nil
	}
}

func boolKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p != nil {
		return v, p
	}
	switch strings.ToLower(v.s) {
	case "true", "yes", "on":
		return value{b: true}, nil
	case "false", "no", "off":
		return value{b: false}, nil
	}
	return v, bad("invalid %s (want true or false)", quote(v.s))
}

func durationKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p != nil {
		return v, p
	}
	d, err := time.ParseDuration(v.s)
	if err != nil || d <= 0 {
		return v, bad("invalid duration %s (want e.g. 90s or 2m)", quote(v.s))
	}
	return value{d: d}, nil
}

// envKind: the name of an environment variable. A bad name is not echoed:
// it may be a password pasted into the wrong field.
func envKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p != nil {
		return v, p
	}
	for i, r := range v.s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return v, bad("invalid environment variable name (want letters, digits and _; the value is not shown)")
		}
	}
	return v, nil
}

// bundleFileKind: FILESYSTEM:PATH on the device, e.g. flash:ios_core.p7b
// (typed at the CLI: see CheckBundleFile).
func bundleFileKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p != nil {
		return v, p
	}
	if err := CheckBundleFile(v.s); err != nil {
		return v, bad("%s", err.Error())
	}
	return v, nil
}

// urlKind: the bundle URL (typed at the CLI: see CheckBundleURL).
func urlKind(n *yaml.Node) (value, *problem) {
	v, p := stringKind(n)
	if p != nil {
		return v, p
	}
	if err := CheckBundleURL(v.s); err != nil {
		return v, bad("%s", err.Error())
	}
	return v, nil
}

func jumpHostKind(n *yaml.Node) (value, *problem) {
	v, p := plainKind(n)
	if p != nil {
		return v, p
	}
	if _, err := ParseJumpHost(v.s); err != nil {
		return v, bad("%s", err.Error())
	}
	return v, nil
}

// groupListKind: a list of group names (existence is checked in resolve).
func groupListKind(n *yaml.Node) (value, *problem) {
	if n.Kind != yaml.SequenceNode {
		return value{}, bad("want a list of group names, got %s", kindName(n))
	}
	var v value
	seen := map[string]int{}
	for i, e := range n.Content {
		e = deref(e)
		s, p := stringKind(e)
		if p != nil {
			return v, &problem{sub: fmt.Sprintf("[%d]", i), line: e.Line, msg: p.msg}
		}
		if first, dup := seen[s.s]; dup {
			return v, &problem{sub: fmt.Sprintf("[%d]", i), line: e.Line,
				msg: fmt.Sprintf("duplicate group %s (first at line %d)", quote(s.s), first)}
		}
		seen[s.s] = e.Line
		v.list = append(v.list, s.s)
		v.line = append(v.line, e.Line)
	}
	return v, nil
}

// JumpHost is a parsed jump_host value.
type JumpHost struct {
	User string // empty: the device's username
	Host string // name or IP address (IPv6 without brackets)
	Port int    // DefaultPort when not given
}

// ParseJumpHost parses "[user@]host[:port]" (IPv6 as "[addr]:port").
func ParseJumpHost(s string) (JumpHost, error) {
	j := JumpHost{Port: DefaultPort}
	hostport := s
	if at := strings.LastIndex(s, "@"); at >= 0 {
		j.User, hostport = s[:at], s[at+1:]
		if j.User == "" {
			return j, fmt.Errorf("invalid jump host %s (want [user@]host[:port])", quote(s))
		}
	}
	j.Host = hostport
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		port, perr := strconv.Atoi(p)
		if perr != nil || port < 1 || port > 65535 {
			return j, fmt.Errorf("invalid jump host %s (port must be 1-65535)", quote(s))
		}
		j.Host, j.Port = h, port
	} else if len(hostport) > 2 && hostport[0] == '[' && hostport[len(hostport)-1] == ']' {
		j.Host = hostport[1 : len(hostport)-1]
	} else if strings.Count(hostport, ":") == 1 || strings.ContainsAny(hostport, "[]") {
		return j, fmt.Errorf("invalid jump host %s (want [user@]host[:port])", quote(s))
	}
	if j.Host == "" || strings.IndexFunc(j.Host, func(r rune) bool { return r <= ' ' || strings.ContainsRune("/@[]", r) }) >= 0 {
		return j, fmt.Errorf("invalid jump host %s (want [user@]host[:port])", quote(s))
	}
	return j, nil
}
