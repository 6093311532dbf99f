package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// trustfixBin is the binary TestMain builds: `fix` is driven as a user
// runs it, on a pseudo-terminal.
var trustfixBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "trustfix-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	trustfixBin = filepath.Join(dir, "trustfix")
	build := exec.Command("go", "build", "-o", trustfixBin, "github.com/trustfix/trustfix/cmd/trustfix")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
