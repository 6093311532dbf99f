package advisory

import (
	"strings"
	"testing"
)

// Every release and range end a row names must come out affected: a named
// release that a fixed_in entry swallows, or that an earlier row shadows
// with other wording, is a data error.
func TestDataNamedReleasesAreAffected(t *testing.T) {
	tab, err := loadNotices()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range tab.notices {
		for i, r := range n.rows {
			for _, p := range r.match {
				ends := []Version{p.lo}
				switch p.kind {
				case patRange:
					ends = append(ends, p.hi)
				case patTrain, patInterim, patBelow:
					continue
				}
				for _, v := range ends {
					got := n.judge(v)
					if !got.Affected || got.Note != r.note || got.Fixed != r.fixed {
						t.Errorf("%s row %d: %s judged %+v", n.id, i, v.Canonical(), got)
					}
				}
			}
		}
		for _, f := range n.fixedIn {
			if got := n.judge(f); got.Affected {
				t.Errorf("%s: fixed release %s judged affected", n.id, f.Canonical())
			}
		}
	}
}

func TestParseTableErrors(t *testing.T) {
	const good = `
notices:
  - id: FN1
    platforms: [iosxe]
    fixed: 17.6.1 or later
    fixed_in: ["17.6.1"]
    note: named
    unlisted: not named
    affected:
      - match: ["17.1.1..17.4.1b"]
`
	if _, err := parseTable([]byte(good)); err != nil {
		t.Fatalf("good table: %v", err)
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown field", strings.Replace(good, "note:", "notes:", 1), "notes"},
		{"bad release", strings.Replace(good, `"17.6.1"]`, `"17.x.1"]`, 1), "fixed_in[0]"},
		{"bad pattern", strings.Replace(good, "17.1.1..17.4.1b", "17.1.1..", 1), "match[0]"},
		{"reversed range", strings.Replace(good, "17.1.1..17.4.1b", "17.4.1b..17.1.1", 1), "low end above high end"},
		{"suffixed train", strings.Replace(good, "17.1.1..17.4.1b", "17.1a.x", 1), "numbers only"},
		{"no id", strings.Replace(good, "id: FN1", "id: ''", 1), "id: missing"},
		{"no unlisted", strings.Replace(good, "unlisted: not named", "", 1), "unlisted: missing"},
		{"no fixed wording", strings.Replace(good, "fixed: 17.6.1 or later", "", 1), "fixed: missing"},
		{"no note", strings.Replace(good, "note: named", "", 1), "note: missing"},
		{"no default", strings.Replace(good, "platforms: [iosxe]", "platforms: [iosxe]\n    models: [IE-3400]", 1), "no entry without models"},
		{"default first", good + `
  - id: FN2
    platforms: [iosxe]
    models: [IE-3400]
    unlisted: x
`, "after the default entry"},
	} {
		_, err := parseTable([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}
