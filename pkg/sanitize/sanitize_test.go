package sanitize

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Cisco IOS XE Software, Version 17.03.04a\n\tok", "Cisco IOS XE Software, Version 17.03.04a\n\tok"},
		{"csi colour", "\x1b[31mred\x1b[0m", "red"},
		{"clear screen", "a\x1b[2J\x1b[Hb", "ab"},
		{"osc title bel", "x\x1b]0;pwned\x07y", "xy"},
		{"osc title st", "x\x1b]2;pwned\x1b\\y", "xy"},
		{"osc 52 clipboard", "x\x1b]52;c;ZXZpbA==\x07y", "xy"},
		// A one-pass regexp strips ESC[Z and leaves ESC]52;… behind.
		{"nested escape", "x\x1b\x1b[Z]52;c;ZXZpbA==\x07y", "x]52;c;ZXZpbA==y"},
		{"dcs", "a\x1bP1$r0m\x1b\\b", "ab"},
		{"apc pm sos", "a\x1b_hidden\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d", "abcd"},
		{"two-byte esc", "a\x1b7b\x1b8c\x1bcd", "abcd"},
		{"esc intermediate", "a\x1b(Bb\x1b#8c", "abc"},
		{"c1 csi", "a\u009b2Jb", "ab"},
		{"c1 osc", "a\u009d0;t\u009cb", "ab"},
		{"c1 other", "a\u0085b\u008db", "abb"},
		{"raw 8-bit csi", "a\x9b2Jb", "a\uFFFD2Jb"},
		{"controls", "a\x00b\x07c\x08d\re\x7ff", "abcdef"},
		{"bidi override", "adm\u202eni", "adm\uFFFDni"},
		{"invalid utf8", "a\xff\xfeb\xc3", "a\uFFFD\uFFFDb\uFFFD"},
		{"cut utf8", "a\xe2\x82b", "a\uFFFDb"},
		{"unterminated osc ends at line", "a\x1b]0;title\nb", "a\nb"},
		{"csi aborted by newline", "a\x1b[12\nb", "a\nb"},
		{"line separator", "a\u2028b", "a\nb"},
		{"unicode kept", "Zürich ✓", "Zürich ✓"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"  a\n\tb\r\n c  ":         "a b c",
		"one line":                 "one line",
		"% Invalid\x1b[2J input\n": "% Invalid input",
		"":                         "",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCap(t *testing.T) {
	if got := Cap("short", 512); got != "short" {
		t.Errorf("Cap short: %q", got)
	}
	long := strings.Repeat("é", 400) // 800 bytes
	got := Cap(long, 512)
	if len(got) > 512 || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) {
		t.Errorf("Cap: %d bytes, valid %v, suffix %q", len(got), utf8.ValidString(got), got[len(got)-3:])
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+1":                         "'+1",
		"-2+3":                       "'-2+3",
		"@SUM(A1)":                   "'@SUM(A1)",
		"\tx":                        "'\tx",
		"\rx":                        "'\rx",
		"C9300-24P":                  "C9300-24P",
		"":                           "",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every split of a hostile stream gives what Text gives for the whole.
func TestWriterSplits(t *testing.T) {
	in := "ok \x1b\x1b[Z]52;c;x\x07 é\u009b2J\x1b]0;t\x1b\\ end\xe2\x9c\x93\n"
	want := Text(in)
	for i := 0; i <= len(in); i++ {
		for j := i; j <= len(in); j++ {
			var b bytes.Buffer
			w := NewWriter(&b)
			for _, part := range []string{in[:i], in[i:j], in[j:]} {
				if _, err := w.Write([]byte(part)); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if b.String() != want {
				t.Fatalf("split %d,%d: %q, want %q", i, j, b.String(), want)
			}
		}
	}
}

func TestLimit(t *testing.T) {
	var b bytes.Buffer
	l := NewLimit(&b, 10, "[cut]")
	for range 3 {
		if n, err := l.Write([]byte("12345678")); n != 8 || err != nil {
			t.Fatalf("write: %d %v", n, err)
		}
	}
	if b.String() != "1234567812[cut]" || !l.Cut() {
		t.Fatalf("got %q cut %v", b.String(), l.Cut())
	}
}

// safe reports output a terminal cannot act on: valid UTF-8 without ESC,
// C0 (but newline and tab), DEL or C1.
func safe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	return true
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"\x1b\x1b[Z]52;c;x\x07", "\u009b2J", "a\x1b]0;t\x1b\\b", "\xc2\x9b", "\x1bP\x1b\x1b\\"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, split int) {
		got := Text(s)
		if !safe(got) {
			t.Fatalf("Text(%q) = %q is not safe", s, got)
		}
		if again := Text(got); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
		if l := Line(s); !safe(l) || strings.ContainsAny(l, "\n\t") {
			t.Fatalf("Line(%q) = %q", s, l)
		}
		if split < 0 || split > len(s) {
			split = len(s) / 2
		}
		var b bytes.Buffer
		w := NewWriter(&b)
		_, _ = w.Write([]byte(s[:split]))
		_, _ = w.Write([]byte(s[split:]))
		_ = w.Close()
		if b.String() != got {
			t.Fatalf("stream split at %d: %q, Text: %q", split, b.String(), got)
		}
	})
}
