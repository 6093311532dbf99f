package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// decode parses data into a yaml.v3 node tree and returns the root content
// node, or nil for an empty document. Syntax errors become one-line *Error
// values with the right line.
func decode(path string, data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil { // yaml.v3 must not take the CLI down
			root, err = nil, &Error{File: path, Line: 1, Field: "yaml", Msg: fmt.Sprintf("parser failed: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlError(path, data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, yamlError(path, data, err)
	default:
		return nil, &Error{File: path, Line: max(extra.Line, 1), Field: "yaml", Msg: "more than one document (want one)"}
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = deref(doc.Content[0])
	}
	if root != nil && root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	return root, nil
}

// deref follows an alias to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

var lineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are yaml.v3's parser (not scanner) messages: for these it
// prints a 0-based line (its marks are 0-based and only scanner errors add
// one), so we add one. See gopkg.in/yaml.v3 decode.go parser.fail.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
	"unknown problem parsing YAML content":   true,
}

var anchorRE = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// yamlError turns a yaml.v3 error into "FILE:LINE: yaml: MESSAGE".
func yamlError(path string, data []byte, err error) error {
	msg := strings.TrimPrefix(oneLine(err.Error()), "yaml: ")
	line := 0
	if m := lineRE.FindStringSubmatch("yaml: " + msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if parserProblems[msg] {
			line++
		}
	} else if m := anchorRE.FindStringSubmatch(msg); m != nil {
		line = lineOf(data, "*"+m[1])
	} else if parserProblems[msg] {
		line = 1 // 0-based line 0 is not printed
	} else {
		line = badByteLine(data)
	}
	return &Error{File: path, Line: max(line, 1), Field: "yaml", Msg: msg, Err: err}
}

// lineOf is the 1-based line of the first occurrence of s in data (0 if none).
func lineOf(data []byte, s string) int {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

// badByteLine is the line of the first byte YAML rejects (invalid UTF-8 or
// a control character), or 0.
func badByteLine(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r == 0x7f, r >= 0x80 && r < 0xa0 && r != 0x85:
			return line
		case r == '\n':
			line++
		}
		i += size
	}
	return 0
}
