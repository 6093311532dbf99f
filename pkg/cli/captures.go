package cli

import (
	"os"
	"path/filepath"
	"sort"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/report"
)

// runPlanCaptures plans from a folder of per-device capture folders.
// Unknown files are ignored; the platform comes from show_version.txt.
func runPlanCaptures(env *Env, opts PlanOptions) error {
	if err := checkFormat(opts.Output, report.Table, report.JSON, report.CSV); err != nil {
		return err
	}
	entries, err := os.ReadDir(opts.Captures)
	if err != nil {
		return inputErr(err)
	}
	ca, err := loadCA(env, opts.CAFile, "")
	if err != nil {
		return err
	}
	runner := &remediate.Runner{Registry: registry.Default(), CA: ca, Now: env.Now}
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
	recs := make([]record.Record, 0, len(names))
	for _, n := range names {
		recs = append(recs, runner.Captured(filepath.Join(opts.Captures, n), n, platform.Prefs{Method: record.MethodAuto, BundleURL: inventory.DefaultBundleURL}))
	}
	if err := report.Render(env.Out, opts.Output, recs, report.Options{Summary: true}); err != nil {
		return err
	}
	if anyFailure(recs) {
		return errDevicesFailed
	}
	return nil
}
