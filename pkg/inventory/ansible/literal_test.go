package ansible

import "testing"

// TestINIValues: what Python's ast.literal_eval (Python 3.11, as
// ansible-core's INI plugin calls it) makes of each value; the expected
// kinds and values were printed by Python itself.
func TestINIValues(t *testing.T) {
	for _, c := range []struct{ in, tag, value string }{
		{"22", "!!int", "22"}, {"0x1F", "!!int", "31"}, {"1_000", "!!int", "1000"},
		{"-1", "!!int", "-1"}, {"+5", "!!int", "5"}, {"00", "!!int", "0"},
		{"True", "!!bool", "true"}, {"False", "!!bool", "false"}, {"None", "!!null", ""},
		{"'a b'", "!!str", "a b"}, {`"x\ty"`, "!!str", "x\ty"}, {"'a' 'b'", "!!str", "ab"},
		{`r'\d'`, "!!str", `\d`}, {`b"x"`, "!!str", "x"}, {`'\x41'`, "!!str", "A"},
		{"1.5", "!!float", "1.5"}, {"1e3", "!!float", "1000"},
		{"8080 # c", "!!int", "8080"},
		// Not literals: the text as written.
		{"0755", "!!str", "0755"}, {"10.0.0.1", "!!str", "10.0.0.1"}, {"cisco.ios.ios", "!!str", "cisco.ios.ios"},
		{"yes", "!!str", "yes"}, {"foo # c", "!!str", "foo # c"},
		// Containers: a list, a mapping, a tuple.
		{"[1, 2]", "!!seq", ""}, {`{"a": 1}`, "!!map", ""}, {"(1,)", "!!seq", ""},
	} {
		n := iniValue(c.in)
		if n.Tag != c.tag || n.Value != c.value {
			t.Errorf("%q: %s %q, want %s %q", c.in, n.Tag, n.Value, c.tag, c.value)
		}
	}
}

func TestHostPatterns(t *testing.T) {
	for _, c := range []struct {
		in    string
		hosts []string
		port  int
	}{
		{"sw[01:03].example.net", []string{"sw01.example.net", "sw02.example.net", "sw03.example.net"}, 0},
		{"www[01:07:3]", []string{"www01", "www04", "www07"}, 0},
		{"db-[a:c]", []string{"db-a", "db-b", "db-c"}, 0},
		{"r[1:2]-[a:b]", []string{"r1-a", "r1-b", "r2-a", "r2-b"}, 0},
		{"badwolf.example.com:5309", []string{"badwolf.example.com"}, 5309},
		{"[2001:db8::1]:2222", []string{"2001:db8::1"}, 2222},
		{"2001:db8::1", []string{"2001:db8::1"}, 0},
		{"10.0.0.1:22", []string{"10.0.0.1"}, 22},
		{"host_with_underscore_", []string{"host_with_underscore_"}, 0}, // not a host name: taken whole
	} {
		hosts, port, err := expandHostPattern(c.in)
		if err != nil || port != c.port || len(hosts) != len(c.hosts) {
			t.Errorf("%q: %v %d %v", c.in, hosts, port, err)
			continue
		}
		for i := range hosts {
			if hosts[i] != c.hosts[i] {
				t.Errorf("%q: %v, want %v", c.in, hosts, c.hosts)
				break
			}
		}
	}
	for _, bad := range []string{"sw[01:1]", "sw[1:]", "sw[c:a]", "sw[0:99999]", "[2001:db8::1]"} {
		if _, _, err := expandHostPattern(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
