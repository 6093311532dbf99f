// Package shlex splits a line into words the way POSIX shells and Python's
// shlex module do.
package shlex

import (
	"errors"
	"strings"
)

// Split splits s into words as Python's shlex.split(s, comments=True)
// does (POSIX mode), which is how Ansible reads an INI host line and close
// to how sh reads a ProxyCommand: blanks separate words, '...' is literal,
// "..." keeps \\ \" \$ \` escapes, a backslash outside quotes escapes the
// next character, and # starts a comment (even inside a word, as shlex).
func Split(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#':
			i = len(line)
		case c == '\\':
			if i+1 >= len(line) {
				return nil, errors.New("no escaped character")
			}
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("no closing quotation")
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\\\"$`\n", line[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, errors.New("no closing quotation")
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
