package ansible

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform/registry"
)

// FuzzInventoryFile feeds arbitrary bytes to the Ansible file reader as
// an extension-less file (YAML tried, then INI), seeded with every
// published fixture: it must not panic, and an error must be one line
// naming the file; a success must lay out into a Doc the validator takes
// without panicking.
func FuzzInventoryFile(f *testing.F) {
	seeds, _ := filepath.Glob("../../../testdata/inventory/ansible/docs/*")
	seeds = append(seeds, "../../../testdata/inventory/ansible/repos/ansible-net-backups/hosts",
		"../../../testdata/inventory/ansible/precedence/01-hosts", "../../../testdata/inventory/ansible/precedence/02-more.yml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newModel()
		_, err := loadFile(m, "hosts", data)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "hosts") || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		if len(m.hostList) > 500 {
			return // a wide range: correct, but too slow to validate per input
		}
		m.reconcile()
		doc, err := m.doc("hosts", inventory.KindAnsibleINI, registry.MustDefault())
		if err != nil {
			return
		}
		_, err = inventory.FromDoc(doc, registry.MustDefault(), func(string) (string, bool) { return "", false })
		if err != nil && strings.ContainsAny(err.Error(), "\r\n") {
			t.Fatalf("bad error %q", err)
		}
	})
}
