// The rules of the architecture that no compiler checks
// (docs/architecture.md): the generic worker pool stays generic, and what
// a platform is lives in its own package. The Go files are parsed
// (go/parser, go/ast), never grepped: a comment or a string that merely
// mentions a name is not a violation.

package platform_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/platform/registry"
)

const (
	module = "github.com/trustfix/trustfix/"
	root   = "../.."
)

// goFiles parses every Go file of the repository (tests included) under
// dir, relative to the repository root, with its path.
func goFiles(t *testing.T, dir string) map[string]*ast.File {
	t.Helper()
	files := map[string]*ast.File{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != filepath.Join(root, dir) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files under %s", dir)
	}
	return files
}

// TestFleetStaysGeneric: the worker pool knows records and inventory
// devices, nothing of how a device is remediated or reported. (Its tests
// may drive it with the real runner.)
func TestFleetStaysGeneric(t *testing.T) {
	allowed := []string{module + "pkg/record", module + "pkg/inventory", module + "pkg/fleet"}
	for path, f := range goFiles(t, "pkg/fleet") {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module) && !slices.Contains(allowed, p) {
				t.Errorf("%s imports %s: pkg/fleet may import only record and inventory of trustfix", path, p)
			}
		}
	}
}

// TestNoSwitchOnPlatformIDs: outside pkg/platform/... (where each platform
// says what it is) and pkg/devsim (which simulates the devices), no switch
// has a platform id as a case, or as its tag, and no map literal of
// product code has one as a key (a table of platform names, as the
// inventory front-ends once kept; a test's expectations per platform are
// not one): such code is data that belongs in the platform's Spec.
func TestNoSwitchOnPlatformIDs(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, s := range reg.Specs() {
		ids[s.ID] = true
		for _, a := range s.Aliases {
			ids[a] = true
		}
	}
	literal := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		v, err := strconv.Unquote(lit.Value)
		return v, err == nil && ids[v]
	}
	checked := 0
	for path, f := range goFiles(t, ".") {
		if strings.HasPrefix(path, "pkg/platform/") || strings.HasPrefix(path, "pkg/devsim/") {
			continue
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			if m, ok := n.(*ast.CompositeLit); ok {
				if _, isMap := m.Type.(*ast.MapType); isMap && !strings.HasSuffix(path, "_test.go") {
					for _, e := range m.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							if id, ok := literal(kv.Key); ok {
								t.Errorf("%s: map key %q: a table keyed by platform id outside pkg/platform", path, id)
							}
						}
					}
				}
				return true
			}
			sw, ok := n.(*ast.SwitchStmt)
			if !ok {
				return true
			}
			if id, ok := literal(sw.Tag); ok {
				t.Errorf("%s: switch on platform id %q", path, id)
			}
			for _, st := range sw.Body.List {
				for _, e := range st.(*ast.CaseClause).List {
					if id, ok := literal(e); ok {
						t.Errorf("%s: case %q: a platform id in a switch outside pkg/platform", path, id)
					}
				}
			}
			return true
		})
	}
	if checked < 50 {
		t.Errorf("only %d files checked; is the repository root %s?", checked, root)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
}
