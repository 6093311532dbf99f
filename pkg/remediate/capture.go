package remediate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Captures reads command outputs that other tools collected: one file per
// command, named after it with spaces as underscores (show_version.txt).
// A file may hold the echoed command and the trailing prompt.
type Captures struct{ Dir string }

// Show implements platform.Reader.
func (c Captures) Show(cmd string) (string, error) {
	name := strings.ReplaceAll(cmd, " ", "_") + ".txt"
	b, err := os.ReadFile(filepath.Join(c.Dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no capture of %q (%s)", cmd, name)
	}
	if err != nil {
		return "", err
	}
	return detect.CleanCapture(string(b), cmd), nil
}

// Captured plans one device from its capture folder, with the same
// detection and decision as a live plan.
func (r *Runner) Captured(dir, name string, prefs platform.Prefs) record.Record {
	a := record.Attempt{Record: record.Record{Name: name, Platform: "auto", Run: r.Run}}
	r.detect(&a, Captures{Dir: dir}, nil, nil, prefs)
	return a.Record
}
