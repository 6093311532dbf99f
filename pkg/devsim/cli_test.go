package devsim

import (
	"strings"
	"testing"
)

// testTable is a small IOS-like command set for the parser's unit tests.
func testTable() *table {
	t := &table{placeholders: []string{"clear", "clock", "copy"}}
	for _, spec := range []string{
		"show version", "show clock", "show crypto pki trustpool", "show crypto pki trustpool policy",
		"show crypto pki certificates", "configure terminal", "write", "write memory",
		"dir <arg>", "do <rest>", "ip route <arg> <arg>", "ipv6 route <arg>",
		"terminal length <arg>", "terminal monitor",
	} {
		t.add(spec, nil)
	}
	return t
}

func TestParse(t *testing.T) {
	tbl := testTable()
	cases := []struct {
		line  string
		kind  errKind
		cmd   string // the matched command's spec
		args  []string
		col   int    // caret column for parseInvalid
		token string // for parseAmbiguous
	}{
		// Abbreviations, case-insensitive.
		{line: "sh ver", cmd: "show version"},
		{line: "SHOW VERSION", cmd: "show version"},
		{line: "conf t", cmd: "configure terminal"},
		{line: "sh cry pki trust", cmd: "show crypto pki trustpool"},
		{line: "sh cry pki trust pol", cmd: "show crypto pki trustpool policy"},
		// An exact keyword wins over longer keywords it prefixes.
		{line: "write", cmd: "write"},
		{line: "wr mem", cmd: "write memory"},
		{line: "ip route 10.0.0.0 255.0.0.0", cmd: "ip route <arg> <arg>", args: []string{"10.0.0.0", "255.0.0.0"}},
		{line: "i route x", kind: parseAmbiguous, token: "i"},
		// Placeholders make prefixes as ambiguous as on the device.
		{line: "c", kind: parseAmbiguous, token: "c"},
		{line: "co", kind: parseAmbiguous, token: "co"},
		{line: "cl", kind: parseAmbiguous, token: "cl"},
		{line: "clo", kind: parseIncomplete}, // exists on the device, not in the lab
		{line: "con", kind: parseIncomplete},
		{line: "sh c", kind: parseAmbiguous, token: "sh c"},
		{line: "sh cr", kind: parseIncomplete},
		// <arg> takes one word, <rest> the rest of the line as typed.
		{line: "dir flash:", cmd: "dir <arg>", args: []string{"flash:"}},
		{line: "dir", kind: parseIncomplete},
		{line: "dir a b", kind: parseInvalid, col: 6},
		{line: "do  show crypto | include x", cmd: "do <rest>", args: []string{"show crypto | include x"}},
		{line: "terminal length 0", cmd: "terminal length <arg>", args: []string{"0"}},
		{line: "show crypto", kind: parseIncomplete},
		{line: "", kind: parseOK},
		// The caret goes under the first character that did not match.
		{line: "show versoin", kind: parseInvalid, col: 9},
		{line: "shw version", kind: parseInvalid, col: 2},
		{line: "  show  crypto pki trustpol", kind: parseInvalid, col: 26},
		{line: "show crypto pki trustpool extra", kind: parseInvalid, col: 26},
		{line: "zebra", kind: parseInvalid, col: 0},
	}
	for _, tc := range cases {
		r := tbl.parse(tc.line)
		got := ""
		if r.cmd != nil {
			got = strings.Join(r.cmd.words, " ")
		}
		if r.kind != tc.kind || got != tc.cmd || (tc.kind == parseInvalid && r.col != tc.col) || r.token != tc.token ||
			(tc.args != nil && strings.Join(r.args, "|") != strings.Join(tc.args, "|")) {
			t.Errorf("%q: kind=%d cmd=%q args=%q col=%d token=%q", tc.line, r.kind, got, r.args, r.col, r.token)
		}
	}
}

func TestSplitPipeAndFilters(t *testing.T) {
	cmd, filter, at := splitPipe("  show ver | include A|B")
	if cmd != "  show ver" || filter != " include A|B" || at != 11 {
		t.Fatalf("splitPipe: %q %q %d", cmd, filter, at)
	}
	if _, _, at := splitPipe("show ver"); at != -1 {
		t.Fatal("no pipe")
	}
	out := "CA Certificate\n  Status: Available\n    cn=IdenTrust Commercial Root CA 1\n    cn=QuoVadis Root CA 2\n"
	cases := []struct {
		filter, want string
		col          int
		incomplete   bool
	}{
		{" include IdenTrust|QuoVadis", "    cn=IdenTrust Commercial Root CA 1\n    cn=QuoVadis Root CA 2\n", 0, false},
		{" i ^CA", "CA Certificate\n", 0, false},
		{" grep Status", "  Status: Available\n", 0, false},
		{" exclude cn=", "CA Certificate\n  Status: Available\n", 0, false},
		{" e cn=", "CA Certificate\n  Status: Available\n", 0, false},
		{" begin QuoVadis", "    cn=QuoVadis Root CA 2\n", 0, false},
		{" count cn=", "Number of lines which match regexp = 2\n", 0, false},
		{" include (", "", 0, false}, // not a regexp: taken literally
		{" include nothing-matches", "", 0, false},
		{" section x", "", 1, false},
		{"  foo bar", "", 2, false},
		{" include", "", 0, true},
		{"", "", 0, true},
	}
	for _, tc := range cases {
		f, col, inc := parseFilter(tc.filter)
		switch {
		case inc != tc.incomplete:
			t.Errorf("%q: incomplete=%v", tc.filter, inc)
		case f == nil && !inc && col != tc.col:
			t.Errorf("%q: caret %d, want %d", tc.filter, col, tc.col)
		case f != nil && f.apply(out) != tc.want:
			t.Errorf("%q: got %q want %q", tc.filter, f.apply(out), tc.want)
		case f != nil && tc.col != 0:
			t.Errorf("%q: should be refused", tc.filter)
		}
	}
}

// Pasted certificates: BEGIN/END optional, several per paste, and a
// truncated or corrupted one refused (its signature no longer verifies).
func TestReadPEMs(t *testing.T) {
	id := pemOf(t, "identrust-commercial-root-ca-1.pem")
	qv := pemOf(t, "quovadis-root-ca-2.pem")
	cases := []struct {
		name  string
		paste []string
		want  []string
	}{
		{"body only", body(id), []string{identrustSHA1}},
		{"with BEGIN/END and indentation", append([]string{"  " + id[0]}, id[1:]...), []string{identrustSHA1}},
		{"two certificates", append(append([]string{}, qv...), id...), []string{quovadisSHA1, identrustSHA1}},
		{"SHA-1 signed root", qv, []string{quovadisSHA1}},
		{"truncated", body(id)[:len(body(id))-5], nil},
		{"corrupted", corruptMiddle(body(id)), nil},
		{"corrupted SHA-1 root", corruptMiddle(body(qv)), nil},
		{"empty", []string{"", " "}, nil},
	}
	for _, tc := range cases {
		certs, err := readPEMs(tc.paste)
		var got []string
		for _, c := range certs {
			got = append(got, sha1Hex(c))
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") || (tc.want == nil) != (err != nil) {
			t.Errorf("%s: got %v, err %v", tc.name, got, err)
		}
	}
}
