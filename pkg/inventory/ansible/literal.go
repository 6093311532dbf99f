package ansible

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// iniValue is what Ansible's INI plugin makes of a value: it tries
// Python's ast.literal_eval and keeps the text when that fails (host lines
// and :vars sections alike, in ansible-core 2.14: "x=23" is the number 23,
// "x=cisco.ios.ios" the string). The result is a YAML node of the same
// type: !!int, !!float, !!bool, !!null, !!str, or a sequence/mapping for a
// list, tuple, set or dict.
func iniValue(s string) *yaml.Node {
	p := &pyParser{s: strings.TrimLeft(s, " \t")}
	n, err := p.expr()
	if err == nil {
		p.space()
		if p.i == len(p.s) {
			return n
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

var errNotLiteral = errors.New("not a Python literal")

// pyParser reads the subset of Python's expression grammar literal_eval
// accepts: strings (adjacent ones concatenated), numbers with an optional
// sign, True/False/None, and [] () {} containers of those.
type pyParser struct {
	s string
	i int
}

// space skips blanks, line continuations and a trailing # comment.
func (p *pyParser) space() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ' ' || c == '\t' || c == '\f':
			p.i++
		case c == '#':
			p.i = len(p.s)
		default:
			return
		}
	}
}

func (p *pyParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyParser) expr() (*yaml.Node, error) {
	p.space()
	c := p.peek()
	switch {
	case c == '[' || c == '(' || c == '{':
		return p.container()
	case c == '+' || c == '-':
		sign := c
		p.i++
		p.space()
		n, err := p.number()
		if err != nil {
			return nil, err
		}
		if sign == '-' {
			if strings.HasPrefix(n.Value, "-") {
				n.Value = n.Value[1:]
			} else {
				n.Value = "-" + n.Value
			}
		}
		return n, nil
	case c >= '0' && c <= '9' || c == '.' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9':
		return p.number()
	case c == '\'' || c == '"':
		return p.strings()
	case isIdentStart(c):
		start := p.i
		for p.i < len(p.s) && isIdent(p.s[p.i]) {
			p.i++
		}
		word := p.s[start:p.i]
		if q := p.peek(); q == '\'' || q == '"' {
			if prefix := strings.ToLower(word); prefix == "r" || prefix == "u" || prefix == "b" || prefix == "br" || prefix == "rb" {
				p.i = start
				return p.strings()
			}
		}
		switch word {
		case "True":
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}, nil
		case "False":
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"}, nil
		case "None":
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}, nil
		}
	}
	return nil, errNotLiteral
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool      { return isIdentStart(c) || c >= '0' && c <= '9' }

// container reads [..], (..), {..}: a dict becomes a mapping, the rest a
// sequence.
func (p *pyParser) container() (*yaml.Node, error) {
	open := p.s[p.i]
	close := map[byte]byte{'[': ']', '(': ')', '{': '}'}[open]
	p.i++
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	dict := false
	items := 0
	for {
		p.space()
		if p.peek() == close {
			p.i++
			break
		}
		k, err := p.expr()
		if err != nil {
			return nil, err
		}
		p.space()
		if open == '{' && p.peek() == ':' {
			if items > 0 && !dict {
				return nil, errNotLiteral
			}
			dict = true
			p.i++
			v, err := p.expr()
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, k, v)
		} else {
			if dict {
				return nil, errNotLiteral
			}
			n.Content = append(n.Content, k)
		}
		items++
		p.space()
		switch p.peek() {
		case ',':
			p.i++
		case close:
		default:
			return nil, errNotLiteral
		}
	}
	if dict || open == '{' && items == 0 {
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
	}
	return n, nil
}

// number reads an int (decimal, 0x, 0o, 0b, with _) or a float.
func (p *pyParser) number() (*yaml.Node, error) {
	start := p.i
	for p.i < len(p.s) && (isIdent(p.s[p.i]) || p.s[p.i] == '.' ||
		(p.s[p.i] == '+' || p.s[p.i] == '-') && p.i > start && (p.s[p.i-1] == 'e' || p.s[p.i-1] == 'E')) {
		p.i++
	}
	text := p.s[start:p.i]
	if text == "" || strings.Contains(text, "__") || strings.HasSuffix(text, "_") {
		return nil, errNotLiteral
	}
	clean := strings.ReplaceAll(text, "_", "")
	lower := strings.ToLower(clean)
	base := 10
	digits := clean
	switch {
	case strings.HasPrefix(lower, "0x"):
		base, digits = 16, clean[2:]
	case strings.HasPrefix(lower, "0o"):
		base, digits = 8, clean[2:]
	case strings.HasPrefix(lower, "0b"):
		base, digits = 2, clean[2:]
	}
	if v, ok := new(big.Int).SetString(digits, base); ok && digits != "" && digits[0] != '+' && digits[0] != '-' {
		if base == 10 && len(digits) > 1 && digits[0] == '0' && strings.Trim(digits, "0") != "" {
			return nil, errNotLiteral // Python 3: leading zeros are a syntax error
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: v.String()}, nil
	}
	if base == 10 && strings.ContainsAny(lower, ".e") && !strings.ContainsAny(lower, "abcdfghijklmnopqrstuvwxyz") {
		if f, err := strconv.ParseFloat(clean, 64); err == nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(f, 'g', -1, 64)}, nil
		}
	}
	return nil, errNotLiteral
}

// strings reads one or more adjacent string literals ('a' "b" → "ab").
func (p *pyParser) strings() (*yaml.Node, error) {
	var b strings.Builder
	for first := true; ; first = false {
		p.space()
		start := p.i
		for p.i < len(p.s) && isIdentStart(p.s[p.i]) {
			p.i++
		}
		prefix := strings.ToLower(p.s[start:p.i])
		q := p.peek()
		if q != '\'' && q != '"' || len(prefix) > 2 {
			if first {
				return nil, errNotLiteral
			}
			p.i = start
			break
		}
		s, err := p.quoted(q, strings.Contains(prefix, "r"))
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: b.String()}, nil
}

// quoted reads one quoted literal (triple quotes too) with Python escapes.
func (p *pyParser) quoted(q byte, raw bool) (string, error) {
	delim := string(q)
	if strings.HasPrefix(p.s[p.i:], delim+delim+delim) {
		delim += delim + delim
	}
	p.i += len(delim)
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", errNotLiteral
		}
		if strings.HasPrefix(p.s[p.i:], delim) {
			p.i += len(delim)
			return b.String(), nil
		}
		c := p.s[p.i]
		if c != '\\' {
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			b.WriteRune(r)
			p.i += size
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", errNotLiteral
		}
		if raw {
			b.WriteString(p.s[p.i : p.i+2])
			p.i += 2
			continue
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if p.i+n > len(p.s) {
				return "", errNotLiteral
			}
			v, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
			if err != nil {
				return "", errNotLiteral
			}
			b.WriteRune(rune(v))
			p.i += n
		case '0', '1', '2', '3', '4', '5', '6', '7':
			end := p.i - 1
			for end < len(p.s) && end < p.i+2 && p.s[end] >= '0' && p.s[end] <= '7' {
				end++
			}
			v, _ := strconv.ParseUint(p.s[p.i-1:end], 8, 32)
			b.WriteRune(rune(v))
			p.i = end
		default:
			b.WriteByte('\\') // Python keeps unknown escapes as written
			b.WriteByte(e)
		}
	}
}
