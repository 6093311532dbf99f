// Package ansible reads Ansible inventories into trustfix terms: an INI or
// YAML file, the JSON `ansible-inventory --list` prints, or a directory of
// inventory files, with the group_vars/ and host_vars/ beside them. It
// resolves each host's variables with Ansible's own precedence and maps
// the connection variables and trustfix_<field> variables to trustfix
// fields (see fields.go); package inventory validates the result.
package ansible

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/inventory"
)

// Load reads the Ansible inventory at path (a file or a directory);
// platforms says which ansible_network_os values are platforms trustfix
// fixes.
func Load(path string, platforms Platforms) (*inventory.Doc, error) {
	m, kind, err := loadModel(path)
	if err != nil {
		return nil, err
	}
	doc, err := m.doc(path, kind, platforms)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		doc.Dir = path
	}
	return doc, nil
}

// loadModel reads path into Ansible's terms: groups, hosts, variables.
func loadModel(path string) (*model, string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", fileError(path, err)
	}
	m := newModel()
	kind, varsDir := inventory.KindAnsibleDir, path
	if st.IsDir() {
		if err := loadDir(m, path, 0); err != nil {
			return nil, "", err
		}
	} else {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, "", fileError(path, err)
		}
		m.files = append(m.files, path)
		if kind, err = loadFile(m, path, data); err != nil {
			return nil, "", err
		}
		varsDir = filepath.Dir(path)
	}
	m.reconcile()
	if err := loadVarsDirs(m, varsDir); err != nil {
		return nil, "", err
	}
	return m, kind, nil
}

// LoadData reads an inventory given as bytes (the JSON `ansible-inventory
// --list` prints, piped to `-i -`); name stands for it in messages.
// There are no group_vars/ or host_vars/ beside it.
func LoadData(name string, data []byte, platforms Platforms) (*inventory.Doc, error) {
	m := newModel()
	m.files = append(m.files, name)
	kind, err := loadFile(m, name, data)
	if err != nil {
		return nil, err
	}
	m.reconcile()
	doc, err := m.doc(name, kind, platforms)
	if err != nil {
		return nil, err
	}
	if wd, err := os.Getwd(); err == nil {
		doc.Dir = wd
	}
	return doc, nil
}

func fileError(path string, err error) error {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Op + ": " + pe.Err.Error()
	}
	return &inventory.Error{File: path, Msg: msg, Err: err}
}

var yamlKeyLine = regexp.MustCompile(`(?m)^\s*[^\s#;\[=][^=]*:(\s|$)`)

// loadFile reads one inventory file the way Ansible's plugins would try
// it: YAML first (for .yml, .yaml, .json or no extension), then INI.
func loadFile(m *model, path string, data []byte) (string, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("#!")):
		return "", inventory.Errorf(inventory.Pos{File: path, Line: 1},
			"an executable inventory script: trustfix does not run it; run it (or `ansible-inventory -i %s --list`) and pass the JSON it prints with `-i -`", path)
	case bytes.HasPrefix(trimmed, []byte("$ANSIBLE_VAULT;")):
		return "", inventory.Errorf(inventory.Pos{File: path, Line: 1}, "encrypted with ansible-vault: trustfix does not decrypt inventories")
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == "" || ext == ".yml" || ext == ".yaml" || ext == ".json" {
		root, yerr := inventory.DecodeYAML(path, data)
		if yerr == nil && root != nil && root.Kind == yaml.MappingNode {
			return loadYAMLRoot(m, path, root)
		}
		if ext != "" {
			if yerr != nil {
				return "", yerr
			}
			if root == nil {
				return "", inventory.Errorf(inventory.Pos{File: path, Line: 1}, "empty inventory")
			}
			return "", inventory.Errorf(inventory.Pos{File: path, Line: root.Line}, "want a mapping of groups, got %s", inventory.KindOf(root))
		}
		if ierr := parseINI(m, path, data); ierr != nil {
			if yerr != nil && yamlKeyLine.Match(data) && !iniSection.Match(data) {
				return "", yerr // it looks like YAML: its error says more
			}
			return "", ierr
		}
		return inventory.KindAnsibleINI, nil
	}
	if err := parseINI(m, path, data); err != nil {
		return "", err
	}
	return inventory.KindAnsibleINI, nil
}

func loadYAMLRoot(m *model, path string, root *yaml.Node) (string, error) {
	top, _ := pairs(root)
	for _, kv := range top {
		if kv[0].Value == "plugin" {
			return "", inventory.Errorf(inventory.Pos{File: path, Line: kv[0].Line},
				"an inventory plugin configuration (plugin: %s): trustfix does not run inventory plugins; pass what `ansible-inventory -i %s --list` prints with `-i -`", kv[1].Value, path)
		}
	}
	if isListJSON(root) {
		return inventory.KindAnsibleJSON, parseListJSON(m, path, root)
	}
	return inventory.KindAnsibleYAML, parseYAMLInventory(m, path, root)
}

// ignoredExts are skipped in an inventory directory, as Ansible's default
// INVENTORY_IGNORE_EXTS does (.ini among them: Ansible reads a .ini file
// only when it is named on its own).
var ignoredExts = []string{".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".ini", ".cfg", ".retry"}

// loadDir reads every inventory file of dir in name order, and its
// subdirectories, skipping what Ansible skips.
func loadDir(m *model, dir string, depth int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fileError(dir, err)
	}
	for _, e := range entries { // os.ReadDir sorts by name
		name := e.Name()
		if strings.HasPrefix(name, ".") || name == "group_vars" || name == "host_vars" || name == "vars_plugins" {
			continue
		}
		path := filepath.Join(dir, name)
		if slices.ContainsFunc(ignoredExts, func(x string) bool { return strings.HasSuffix(name, x) }) {
			if strings.HasSuffix(name, ".ini") {
				m.notes = append(m.notes, inventory.Problem{Pos: inventory.Pos{File: path},
					Msg: "skipped: in an inventory directory Ansible ignores .ini files (INVENTORY_IGNORE_EXTS); name the file with -i to read it"})
			}
			continue
		}
		if e.IsDir() {
			if depth < 8 {
				if err := loadDir(m, path, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fileError(path, err)
		}
		m.files = append(m.files, path)
		if _, err := loadFile(m, path, data); err != nil {
			return err
		}
	}
	return nil
}

// loadVarsDirs reads group_vars/ and host_vars/ in dir for every group
// and host (Ansible's host_group_vars plugin).
func loadVarsDirs(m *model, dir string) error {
	for _, g := range m.groupList {
		vs, err := m.varsFiles(filepath.Join(dir, "group_vars"), g.name)
		if err != nil {
			return err
		}
		g.dirVars = vs
	}
	for _, h := range m.hostList {
		if strings.HasPrefix(h.name, "/") {
			continue
		}
		vs, err := m.varsFiles(filepath.Join(dir, "host_vars"), h.name)
		if err != nil {
			return err
		}
		h.dirVars = vs
	}
	return nil
}

// varsFiles reads DIR/NAME as Ansible does: the first of NAME (a file or
// a directory of files, read in name order), NAME.yml, NAME.yaml,
// NAME.json that exists.
func (m *model) varsFiles(dir, name string) (vars, error) {
	var out vars
	for _, ext := range []string{"", ".yml", ".yaml", ".json"} {
		path := filepath.Join(dir, name+ext)
		st, err := os.Stat(path)
		if err != nil {
			continue
		}
		files := []string{path}
		if st.IsDir() {
			files = varsDirFiles(path)
		}
		for _, f := range files {
			vs, err := m.varsFile(f, name)
			if err != nil {
				return out, err
			}
			out = out.combine(vs)
		}
		break
	}
	return out, nil
}

func varsDirFiles(dir string) []string {
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			continue
		}
		ext := filepath.Ext(name)
		path := filepath.Join(dir, name)
		switch {
		case e.IsDir() && ext == "":
			out = append(out, varsDirFiles(path)...)
		case !e.IsDir() && (ext == "" || ext == ".yml" || ext == ".yaml" || ext == ".json"):
			out = append(out, path)
		}
	}
	return out
}

// varsFile reads one group_vars/host_vars file: a mapping of variables.
// A vault-encrypted file is left unread (it usually holds passwords,
// which trustfix never takes from files).
func (m *model) varsFile(path, owner string) (vars, error) {
	var out vars
	data, err := os.ReadFile(path)
	if err != nil {
		return out, fileError(path, err)
	}
	m.files = append(m.files, path)
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("$ANSIBLE_VAULT;")) {
		m.notes = append(m.notes, inventory.Problem{Pos: inventory.Pos{File: path, Owner: owner},
			Msg: "encrypted with ansible-vault: not read (trustfix never takes passwords from inventory files)"})
		return out, nil
	}
	root, err := inventory.DecodeYAML(path, data)
	if err != nil {
		return out, err
	}
	entries, ok := pairs(root)
	if !ok {
		return out, inventory.Errorf(inventory.Pos{File: path, Line: root.Line}, "want a mapping of variables, got %s", inventory.KindOf(root))
	}
	for _, e := range entries {
		out.set(e[0].Value, variable{e[1], inventory.Pos{File: path, Line: e[0].Line, Owner: owner, Var: e[0].Value}})
	}
	return out, nil
}
