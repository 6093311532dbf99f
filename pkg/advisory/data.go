package advisory

import (
	"bytes"
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed notices.yaml
var noticesYAML []byte

// loadNotices parses the embedded tables once.
var loadNotices = sync.OnceValues(func() (*table, error) {
	return parseTable(noticesYAML)
})

// file is the YAML document; see the header of notices.yaml.
type file struct {
	Notices []noticeYAML `yaml:"notices"`
}

type noticeYAML struct {
	ID        string    `yaml:"id"`
	Title     string    `yaml:"title"`
	Platforms []string  `yaml:"platforms"`
	Models    []string  `yaml:"models"`
	Fixed     string    `yaml:"fixed"`
	FixedIn   []string  `yaml:"fixed_in"`
	Note      string    `yaml:"note"`
	Unlisted  string    `yaml:"unlisted"`
	Affected  []rowYAML `yaml:"affected"`
}

type rowYAML struct {
	Match []string `yaml:"match"`
	Fixed string   `yaml:"fixed"`
	Note  string   `yaml:"note"`
}

// table is the parsed, validated data.
type table struct {
	notices   []*notice
	platforms []string // sorted
}

type notice struct {
	id        string
	platforms []string
	models    []string // normalised PID prefixes
	fixed     string
	fixedIn   []Version
	unlisted  string
	rows      []row
}

type row struct {
	match []pattern
	fixed string
	note  string
}

// patternKind says how a pattern matches; see notices.yaml.
type patternKind int

const (
	patRelease patternKind = iota // "17.3.4": the release and its extensions
	patRange                      // "A..B"
	patTrain                      // "11.0.x"
	patInterim                    // "9.1.7.*"
	patBelow                      // "<17.6.1"
)

type pattern struct {
	kind   patternKind
	lo, hi Version
}

func parseTable(data []byte) (*table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("advisory: notices.yaml: %w", err)
	}
	t := &table{}
	defaults := map[string]bool{}
	for i, ny := range f.Notices {
		n, err := ny.compile()
		if err != nil {
			return nil, fmt.Errorf("advisory: notices.yaml: notices[%d] (%s): %w", i, ny.ID, err)
		}
		for _, p := range n.platforms {
			if defaults[p] {
				return nil, fmt.Errorf("advisory: notices.yaml: notices[%d] (%s): comes after the default entry of %q", i, n.id, p)
			}
			if len(n.models) == 0 {
				defaults[p] = true
			}
			if !slices.Contains(t.platforms, p) {
				t.platforms = append(t.platforms, p)
			}
		}
		t.notices = append(t.notices, n)
	}
	for _, p := range t.platforms {
		if !defaults[p] {
			return nil, fmt.Errorf("advisory: notices.yaml: platform %q has no entry without models", p)
		}
	}
	slices.Sort(t.platforms)
	return t, nil
}

func (ny noticeYAML) compile() (*notice, error) {
	switch {
	case ny.ID == "":
		return nil, errors.New("id: missing")
	case len(ny.Platforms) == 0:
		return nil, errors.New("platforms: missing")
	case ny.Unlisted == "":
		return nil, errors.New("unlisted: missing")
	case len(ny.FixedIn) > 0 && ny.Fixed == "":
		return nil, errors.New("fixed: missing while fixed_in is set")
	}
	n := &notice{id: ny.ID, platforms: ny.Platforms, fixed: ny.Fixed, unlisted: ny.Unlisted}
	for _, m := range ny.Models {
		n.models = append(n.models, normModel(m))
	}
	for j, s := range ny.FixedIn {
		v, err := Parse(s)
		if err != nil {
			return nil, fmt.Errorf("fixed_in[%d]: %w", j, err)
		}
		n.fixedIn = append(n.fixedIn, v)
	}
	for j, ry := range ny.Affected {
		r := row{fixed: cmp.Or(ry.Fixed, ny.Fixed), note: cmp.Or(ry.Note, ny.Note)}
		if r.note == "" {
			return nil, fmt.Errorf("affected[%d]: note: missing (and no default)", j)
		}
		if len(ry.Match) == 0 {
			return nil, fmt.Errorf("affected[%d]: match: missing", j)
		}
		for k, s := range ry.Match {
			p, err := parsePattern(s)
			if err != nil {
				return nil, fmt.Errorf("affected[%d].match[%d]: %w", j, k, err)
			}
			r.match = append(r.match, p)
		}
		n.rows = append(n.rows, r)
	}
	return n, nil
}

// parsePattern reads one entry of a match list.
func parsePattern(s string) (pattern, error) {
	one := func(k patternKind, v string) (pattern, error) {
		lo, err := Parse(v)
		return pattern{kind: k, lo: lo}, err
	}
	switch {
	case strings.HasPrefix(s, "<"):
		return one(patBelow, s[1:])
	case strings.HasSuffix(s, ".*"):
		return one(patInterim, strings.TrimSuffix(s, ".*"))
	case strings.HasSuffix(s, ".x"):
		p, err := one(patTrain, strings.TrimSuffix(s, ".x"))
		if err == nil && slices.ContainsFunc(p.lo.parts, func(pt part) bool { return len(pt) > 1 }) {
			err = fmt.Errorf("train %q: want numbers only", s)
		}
		return p, err
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		lo, err := Parse(a)
		if err != nil {
			return pattern{}, err
		}
		hi, err := Parse(b)
		if err != nil {
			return pattern{}, err
		}
		if lo.Compare(hi) > 0 {
			return pattern{}, fmt.Errorf("range %q: low end above high end", s)
		}
		return pattern{kind: patRange, lo: lo, hi: hi}, nil
	}
	return one(patRelease, s)
}

func (p pattern) matches(v Version) bool {
	switch p.kind {
	case patRelease:
		return v.hasPrefix(p.lo)
	case patRange:
		return v.Compare(p.lo) >= 0 && (v.Compare(p.hi) <= 0 || v.hasPrefix(p.hi))
	case patTrain:
		return len(v.parts) >= len(p.lo.parts) &&
			slices.Equal(v.numbers(len(p.lo.parts)), p.lo.numbers(len(p.lo.parts)))
	case patInterim:
		return len(v.parts) > len(p.lo.parts) && v.hasPrefix(p.lo)
	case patBelow:
		return v.Compare(p.lo) < 0
	}
	return false
}

// isFixed reports whether v is at or above a fixed release of its own train
// (the first two numbers), or at or above the highest fixed release.
func (n *notice) isFixed(v Version) bool {
	var highest Version
	for _, f := range n.fixedIn {
		train := f.numbers(2)
		if slices.Equal(v.numbers(len(train)), train) && v.Compare(f) >= 0 {
			return true
		}
		if f.Compare(highest) > 0 {
			highest = f
		}
	}
	return len(n.fixedIn) > 0 && v.Compare(highest) >= 0
}

// normModel upper-cases a PID and drops '-' and spaces: "cBR-8" → "CBR8".
func normModel(m string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(m)))
}
