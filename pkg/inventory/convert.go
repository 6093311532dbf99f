package inventory

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Convert renders doc as a trustfix inventory file: the very tree FromDoc
// validates, with where each value came from as a comment, so a team can
// review and commit what trustfix understood. It never holds a secret:
// front-ends do not carry passwords, only the names of variables. It
// validates first (with every password variable taken as set), so what it
// writes loads.
func Convert(doc *Doc, platforms Platforms, env func(string) (string, bool)) ([]byte, error) {
	if _, err := FromDoc(doc, platforms, ReviewEnv(env)); err != nil {
		return nil, err
	}
	root, loc := buildTree(doc)
	annotate(root, loc, filepath.Dir(doc.Path))
	var head strings.Builder
	fmt.Fprintf(&head, "Converted by `trustfix inventory convert` from %s (%s).\n", doc.Path, KindName(doc.Kind))
	head.WriteString("Review it, then use it with -i. Precedence is the source's: a device's groups\n")
	head.WriteString("are listed lowest first, and a value a group would get wrong is set on the device.\n")
	head.WriteString("Passwords are never converted: password_env and enable_password_env name\n")
	head.WriteString("environment variables. Comments say where each value came from.")
	dir := doc.Dir
	if dir == "" {
		dir = filepath.Dir(doc.Path)
	}
	fmt.Fprintf(&head, "\nRelative paths (identity_file, known_hosts, ssh_config) are the source's:\nkeep this file in %s.", dir)
	if len(doc.Warnings) > 0 {
		head.WriteString("\n\nNotes:")
		for _, w := range doc.Warnings {
			head.WriteString("\n  " + (&Error{File: w.Pos.File, Line: w.Pos.Line, Field: w.Pos.Field(), Msg: w.Msg}).Error())
		}
	}
	root.HeadComment = head.String()
	return encodeTree(root)
}

// ReviewEnv wraps env (nil: os.LookupEnv) for commands that read an
// inventory without logging in (convert, show): a password variable that
// is not set counts as set, so a review does not need the secrets.
func ReviewEnv(env func(string) (string, bool)) func(string) (string, bool) {
	if env == nil {
		env = os.LookupEnv
	}
	return func(k string) (string, bool) {
		if v, ok := env(k); ok {
			return v, true
		}
		if k == "HOME" || k == "USER" || k == "SSH_AUTH_SOCK" {
			return "", false // not a password: absent means absent
		}
		return "(not set)", true
	}
}

// annotate puts "FILE:LINE VARIABLE" after every value built from one.
func annotate(root *yaml.Node, loc *locator, base string) {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if p := loc.pos(v.Line); p.Var != "" && v.Kind == yaml.ScalarNode {
					v.LineComment = rel(base, p)
				}
				if k.Value == "name" && v.Kind == yaml.ScalarNode {
					if p := loc.pos(v.Line); p.Line > 0 {
						v.LineComment = rel(base, p)
					}
				}
				walk(v)
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
}

func rel(base string, p Pos) string {
	file := p.File
	if r, err := filepath.Rel(base, file); err == nil && !strings.HasPrefix(r, "..") {
		file = r
	}
	s := file
	if p.Line > 0 {
		s = fmt.Sprintf("%s:%d", file, p.Line)
	}
	if p.Var != "" {
		s += " " + p.Var
	}
	return s
}

// encodeTree writes a node tree as YAML (2-space indent).
func encodeTree(root *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// KindName is a kind of inventory's name for people.
func KindName(kind string) string {
	switch kind {
	case KindAnsibleINI:
		return "Ansible INI inventory"
	case KindAnsibleYAML:
		return "Ansible YAML inventory"
	case KindAnsibleJSON:
		return "ansible-inventory --list JSON"
	case KindAnsibleDir:
		return "Ansible inventory directory"
	case KindNornir:
		return "Nornir SimpleInventory"
	case KindTrustfix:
		return "trustfix inventory"
	}
	return kind
}
