package devsim

import (
	"regexp"
	"strconv"
	"strings"
)

// A command is a sequence of keywords and arguments. Keywords may be
// abbreviated to any unambiguous prefix, as on IOS; "<arg>" takes one word
// and "<rest>" the rest of the line.
type command struct {
	words []string
	// mutates marks commands that change configuration or state; the lab
	// records them so tests can prove a read-only run sent none.
	mutates bool
	// show marks commands whose output can be piped (| include ...) and paged.
	show bool
	run  func(args []string) error
}

const (
	argWord = "<arg>"
	argRest = "<rest>"
)

// table is one mode's command set. Placeholder keywords exist only so that
// abbreviations are as ambiguous as on the real device ("c" is ambiguous on
// IOS because clear, clock, configure, copy ... all start with it).
type table struct {
	cmds         []*command
	placeholders []string
}

func (t *table) add(spec string, run func(args []string) error) *command {
	c := &command{words: strings.Fields(spec), run: run}
	t.cmds = append(t.cmds, c)
	return c
}

// errKind is how a line failed to parse; each platform prints it its own way.
type errKind int

const (
	parseOK errKind = iota
	parseInvalid
	parseAmbiguous
	parseIncomplete
)

type parseResult struct {
	kind errKind
	cmd  *command
	args []string
	// col is the offset in the line where parsing failed (for the caret).
	col int
	// token is what was ambiguous.
	token string
}

type token struct {
	text string
	col  int
}

func tokenize(line string) []token {
	var out []token
	i := 0
	for i < len(line) {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' {
			j++
		}
		out = append(out, token{line[i:j], i})
		i = j
	}
	return out
}

// parse matches line against the table.
func (t *table) parse(line string) parseResult {
	toks := tokenize(line)
	alive := t.cmds
	var args []string
	for i, tk := range toks {
		lower := strings.ToLower(tk.text)
		// Keywords offered at this position by the live commands.
		var next []*command
		kwHits := map[string]bool{}
		var argHits []*command
		best := 0
		for _, c := range alive {
			if i >= len(c.words) {
				continue
			}
			w := c.words[i]
			switch {
			case w == argRest:
				return parseResult{kind: parseOK, cmd: c, args: append(args, strings.TrimSpace(line[tk.col:]))}
			case w == argWord:
				argHits = append(argHits, c)
			case strings.HasPrefix(w, lower):
				kwHits[w] = true
				next = append(next, c)
			default:
				if n := commonPrefix(w, lower); n > best {
					best = n
				}
			}
		}
		if i == 0 {
			for _, p := range t.placeholders {
				if strings.HasPrefix(p, lower) {
					kwHits[p] = true
				}
			}
		}
		// An exact keyword wins over longer keywords it prefixes.
		if kwHits[lower] {
			var exact []*command
			for _, c := range next {
				if c.words[i] == lower {
					exact = append(exact, c)
				}
			}
			next, kwHits = exact, map[string]bool{lower: true}
		}
		switch {
		case len(kwHits) > 1:
			return parseResult{kind: parseAmbiguous, col: tk.col, token: line[:tk.col+len(tk.text)]}
		case len(next) > 0:
			alive = next
		case len(argHits) > 0:
			alive = argHits
			args = append(args, tk.text)
		case len(kwHits) == 1:
			// A placeholder keyword: it exists on the device but not here.
			return parseResult{kind: parseIncomplete}
		default:
			return parseResult{kind: parseInvalid, col: tk.col + best}
		}
	}
	for _, c := range alive {
		if len(c.words) == len(toks) {
			return parseResult{kind: parseOK, cmd: c, args: args}
		}
	}
	if len(toks) == 0 {
		return parseResult{kind: parseOK}
	}
	return parseResult{kind: parseIncomplete}
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// splitPipe separates `show x | include y` into the command and the
// filter; at is the column of the "|" (-1 when there is none). Leading
// spaces are kept so parse columns stay columns of the typed line.
func splitPipe(line string) (cmd, filter string, at int) {
	if i := strings.Index(line, "|"); i >= 0 {
		return strings.TrimRight(line[:i], " "), line[i+1:], i
	}
	return line, "", -1
}

// outputFilter is a parsed output modifier (`| include re`).
type outputFilter struct {
	kind string
	re   *regexp.Regexp
}

// filterKinds are the modifiers the lab implements on every platform (ASA
// also says grep). Each may be abbreviated to a unique prefix.
var filterKinds = []string{"begin", "count", "exclude", "grep", "include"}

// parseFilter reads the text after "|". The pattern is a regular
// expression, as on the devices; one that does not compile is taken
// literally. col is the offset of a bad keyword (for the caret) and
// incomplete reports a missing keyword or pattern.
func parseFilter(text string) (f *outputFilter, col int, incomplete bool) {
	toks := tokenize(text)
	if len(toks) == 0 {
		return nil, 0, true
	}
	kw := strings.ToLower(toks[0].text)
	var hits []string
	for _, k := range filterKinds {
		if strings.HasPrefix(k, kw) {
			hits = append(hits, k)
		}
	}
	if len(hits) != 1 {
		return nil, toks[0].col, false
	}
	if len(toks) < 2 {
		return nil, 0, true
	}
	pat := strings.TrimSpace(text[toks[1].col:])
	re, err := regexp.Compile(pat)
	if err != nil {
		re = regexp.MustCompile(regexp.QuoteMeta(pat))
	}
	return &outputFilter{kind: hits[0], re: re}, 0, false
}

// apply filters command output.
func (f *outputFilter) apply(out string) string {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var keep []string
	switch f.kind {
	case "include", "grep":
		for _, l := range lines {
			if f.re.MatchString(l) {
				keep = append(keep, l)
			}
		}
	case "exclude":
		for _, l := range lines {
			if !f.re.MatchString(l) {
				keep = append(keep, l)
			}
		}
	case "begin":
		on := false
		for _, l := range lines {
			on = on || f.re.MatchString(l)
			if on {
				keep = append(keep, l)
			}
		}
	case "count":
		n := 0
		for _, l := range lines {
			if f.re.MatchString(l) {
				n++
			}
		}
		return "Number of lines which match regexp = " + strconv.Itoa(n) + "\n"
	}
	if len(keep) == 0 {
		return ""
	}
	return strings.Join(keep, "\n") + "\n"
}
