package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trustfix/trustfix/pkg/record"
)

// hostileRecord holds in every text field what a hostile device (or a
// tampered journal) could put there.
func hostileRecord() record.Record {
	const esc = "\x1b]0;pwned\x07\x1b[2J\x1b\x1b[Z]52;c;ZXZpbA==\x07\u009b6n"
	return record.Record{
		Name: "sw1", Host: "10.0.0.1", Port: 22, Platform: "iosxe",
		Version: "17.3" + esc, Model: `=HYPERLINK("http://evil/","click")`, Hostname: "+cmd|' /C calc'!A0",
		Serial: "-2+3", Verdict: record.Error, Reason: "@SUM(1+1)*cmd|' /C calc'!A0",
		Error: "\t=1+1 % Invalid input " + esc + "\r\n=2+2",
		Proof: &record.Proof{Subject: "CN=" + esc, Serial: "01"},
	}
}

// terminalSafe: no ESC, C0 control (but newline and tab), DEL or C1.
func terminalSafe(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: invalid UTF-8", what)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			t.Fatalf("%s holds control %U:\n%q", what, r, s)
		}
	}
}

func TestEveryFormatEscapes(t *testing.T) {
	for _, format := range Formats {
		var b bytes.Buffer
		if err := Render(&b, format, []record.Record{hostileRecord()}, Options{Apply: true, Summary: true}); err != nil {
			t.Fatal(err)
		}
		terminalSafe(t, format, b.String())
		if format == JSON && strings.Contains(b.String(), `\u001b`) {
			t.Errorf("json keeps an escaped ESC: %s", b.String())
		}
	}
}

// No CSV cell begins with a character a spreadsheet runs as a formula.
func TestCSVInjectionNeutralised(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, CSV, []record.Record{hostileRecord()}, Options{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]string{}
	for i, col := range rows[0] {
		row[col] = rows[1][i]
	}
	for col, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			t.Errorf("%s cell %q starts a formula", col, c)
		}
	}
	if row["model"] != `'=HYPERLINK("http://evil/","click")` || row["serial"] != "'-2+3" {
		t.Errorf("model %q serial %q: want the value behind a single quote", row["model"], row["serial"])
	}
}
