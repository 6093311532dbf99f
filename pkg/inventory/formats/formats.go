// Package formats reads whatever -i names: a trustfix inventory, an
// Ansible inventory (INI, YAML, the JSON `ansible-inventory --list`
// prints, or a directory with group_vars/ and host_vars/; "-" is that JSON
// on stdin) or a Nornir SimpleInventory. It tells them apart by content,
// not by name, and every kind goes through the same validation.
package formats

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/inventory/ansible"
	"github.com/trustfix/trustfix/pkg/inventory/nornir"
)

// Stdin is the -i value that reads the inventory from standard input.
const Stdin = "-"

// stdinName stands for standard input in messages.
const stdinName = "<stdin>"

// maxStdin bounds an inventory read from standard input.
const maxStdin = 256 << 20

// Platforms is what reading an inventory needs of the platform registry
// (*platform.Registry): the ids and aliases validation accepts, and the
// names Ansible and Nornir inventories give the platforms (their Specs'
// Names).
type Platforms interface {
	inventory.Platforms
	ansible.Platforms
	nornir.Platforms
}

// Source is an inventory as read, before validation: a trustfix file's
// bytes, or another format translated into a Doc.
type Source struct {
	Kind string
	Path string
	Data []byte         // KindTrustfix: the file
	Doc  *inventory.Doc // other kinds
}

// Read detects the kind of inventory at path and reads it; platforms
// gives the names other tools' inventories use.
func Read(path string, stdin io.Reader, platforms Platforms) (*Source, error) {
	if path == Stdin {
		data, err := io.ReadAll(io.LimitReader(stdin, maxStdin+1))
		if err != nil {
			return nil, &inventory.Error{File: stdinName, Msg: err.Error(), Err: err}
		}
		if len(data) > maxStdin {
			return nil, &inventory.Error{File: stdinName, Msg: fmt.Sprintf("more than %d MiB", maxStdin>>20)}
		}
		if root, err := inventory.DecodeYAML(stdinName, data); err == nil && isTrustfix(root) {
			return &Source{Kind: inventory.KindTrustfix, Path: stdinName, Data: data}, nil
		}
		doc, err := ansible.LoadData(stdinName, data, platforms)
		if err != nil {
			return nil, err
		}
		return &Source{Kind: doc.Kind, Path: stdinName, Doc: doc}, nil
	}
	kind, err := Detect(path)
	if err != nil {
		return nil, err
	}
	switch kind {
	case inventory.KindTrustfix:
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &inventory.Error{File: path, Msg: err.Error(), Err: err}
		}
		return &Source{Kind: kind, Path: path, Data: data}, nil
	case inventory.KindNornir:
		doc, err := nornir.Load(path, platforms)
		if err != nil {
			return nil, err
		}
		return &Source{Kind: kind, Path: path, Doc: doc}, nil
	}
	doc, err := ansible.Load(path, platforms)
	if err != nil {
		return nil, err
	}
	return &Source{Kind: doc.Kind, Path: path, Doc: doc}, nil
}

// Load reads and validates the inventory at path against the registered
// platforms (*platform.Registry); env looks up password variables (nil:
// os.LookupEnv).
func Load(path string, stdin io.Reader, platforms Platforms, env func(string) (string, bool)) (*inventory.Inventory, *Source, error) {
	src, err := Read(path, stdin, platforms)
	if err != nil {
		return nil, nil, err
	}
	var inv *inventory.Inventory
	if src.Kind == inventory.KindTrustfix {
		inv, err = inventory.Parse(src.Path, src.Data, platforms, env)
	} else {
		inv, err = inventory.FromDoc(src.Doc, platforms, env)
	}
	if err != nil {
		return nil, nil, err
	}
	return inv, src, nil
}

// Detect tells the kind of inventory at path (a file or a directory).
// Files are told by content: a trustfix file has a devices list; an
// Ansible YAML inventory has groups with hosts, vars or children (or all);
// --list JSON has _meta or host lists; a Nornir hosts.yaml maps host
// names to SimpleInventory keys (and has groups.yaml or defaults.yaml
// beside it, or is named hosts.yaml); a Nornir config.yaml names its
// inventory plugin. Anything that is not YAML (INI) is Ansible; a YAML
// file that is none of these is read as trustfix, whose errors are the
// most precise.
func Detect(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", &inventory.Error{File: path, Msg: "open: " + unwrapPath(err), Err: err}
	}
	if st.IsDir() {
		for _, name := range nornir.HostFiles {
			hosts := filepath.Join(path, name)
			if root := readYAML(hosts); root != nil && nornir.LooksLikeHosts(root) {
				return inventory.KindNornir, nil
			}
		}
		return inventory.KindAnsibleDir, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", &inventory.Error{File: path, Msg: "read: " + unwrapPath(err), Err: err}
	}
	root, yerr := inventory.DecodeYAML(path, data)
	ext := filepath.Ext(path)
	yamlName := ext == ".yaml" || ext == ".yml"
	switch {
	case yerr != nil || root == nil || root.Kind != yaml.MappingNode:
		if yamlName && !bytes.HasPrefix(bytes.TrimSpace(data), []byte("#!")) {
			return inventory.KindTrustfix, nil // its parser says what is wrong
		}
		return inventory.KindAnsibleINI, nil
	case isTrustfix(root):
		return inventory.KindTrustfix, nil
	}
	if _, ok := nornir.IsConfig(root); ok {
		return inventory.KindNornir, nil
	}
	if isAnsible(root) {
		return inventory.KindAnsibleYAML, nil
	}
	if nornir.LooksLikeHosts(root) && (slices.Contains(nornir.HostFiles, filepath.Base(path)) || hasSibling(path, nornir.GroupFiles, nornir.DefaultsFiles)) {
		return inventory.KindNornir, nil
	}
	if !yamlName {
		return inventory.KindAnsibleYAML, nil // JSON or extension-less: Ansible's yaml plugin reads it
	}
	return inventory.KindTrustfix, nil
}

func readYAML(path string) *yaml.Node {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	root, err := inventory.DecodeYAML(path, data)
	if err != nil {
		return nil
	}
	return root
}

func hasSibling(path string, lists ...[]string) bool {
	for _, names := range lists {
		for _, n := range names {
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), n)); err == nil {
				return true
			}
		}
	}
	return false
}

// isTrustfix: a top-level devices list.
func isTrustfix(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "devices" && root.Content[i+1].Kind == yaml.SequenceNode {
			return true
		}
	}
	return false
}

// isAnsible: a group all/ungrouped, a plugin configuration, --list JSON,
// or a group with hosts, vars or children.
func isAnsible(root *yaml.Node) bool {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i].Value, root.Content[i+1]
		switch {
		case k == "all" || k == "ungrouped" || k == "_meta" || k == "plugin":
			return true
		case v.Kind == yaml.MappingNode:
			for j := 0; j+1 < len(v.Content); j += 2 {
				switch v.Content[j].Value {
				case "hosts", "vars", "children":
					return true
				}
			}
		}
	}
	return false
}

func unwrapPath(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
