package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
)

// runPlanCaptures plans from a folder of per-device capture folders.
// Unknown files are ignored; the platform comes from show_version.txt.
// --limit selects folders by name or glob; an inventory has no part in it
// (its devices would be silently ignored, so -i is refused).
func runPlanCaptures(env *Env, opts PlanOptions) error {
	if opts.Inventory != "" {
		return inputErrf("--captures plans from the capture folders, without an inventory: drop --inventory (-i)")
	}
	entries, err := os.ReadDir(opts.Captures)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return inputErrf("--captures %s: %v", opts.Captures, err)
	}
	ca, err := loadCA(env, opts.CAFile, "")
	if err != nil {
		return err
	}
	runner := newRunner(env, ca, nil)
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return inputErrf("%s: no device folders", opts.Captures)
	}
	sort.Strings(names)
	if names, err = limitFolders(names, opts.Limit); err != nil {
		return err
	}
	recs := make([]record.Record, 0, len(names))
	for _, n := range names {
		recs = append(recs, runner.Captured(filepath.Join(opts.Captures, n), n, platform.Prefs{Method: record.MethodAuto, BundleURL: inventory.DefaultBundleURL}))
	}
	if err := report.Render(env.Out, opts.Output.String(), recs, env.tableOptions(false)); err != nil {
		return err
	}
	if needsAttention(recs) {
		return errDevicesFailed
	}
	return nil
}

// limitFolders applies --limit to capture folder names, with the
// inventory's syntax (names, globs, !exclusions; there are no groups).
func limitFolders(names []string, limit string) ([]string, error) {
	inv := &inventory.Inventory{}
	for _, n := range names {
		inv.Devices = append(inv.Devices, inventory.Device{Name: n})
	}
	devs, err := inv.Limit(limit)
	if err != nil {
		return nil, inputErr(err)
	}
	out := make([]string, 0, len(devs))
	for _, d := range devs {
		out = append(out, d.Name)
	}
	return out, nil
}
