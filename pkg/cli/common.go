package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/inventory/formats"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
	"github.com/trustfix/trustfix/pkg/sanitize"
)

// fleetFlags are shared by plan and apply.
type fleetFlags struct {
	Inventory   string
	Limit       string
	Output      string
	Concurrency int
	CAFile      string
}

func (f *fleetFlags) bind(cmd *cobra.Command, outputs string) {
	fl := cmd.Flags()
	fl.StringVarP(&f.Inventory, "inventory", "i", "", "inventory: trustfix YAML (see inventory.example.yaml), Ansible (INI/YAML file, directory, --list JSON; - reads it from stdin) or Nornir SimpleInventory")
	fl.StringVarP(&f.Limit, "limit", "l", "", "only these devices: names, globs or groups, comma-separated; !X excludes")
	fl.StringVarP(&f.Output, "output", "o", "table", "output format: "+outputs)
	fl.IntVarP(&f.Concurrency, "concurrency", "c", 20, "devices at once (AAA servers and vty lines are limited)")
	fl.StringVar(&f.CAFile, "ca-file", "", "install this CA instead of the embedded IdenTrust Commercial Root CA 1 (PEM)")
}

// loadFleet reads and validates the inventory, the limit and the CA
// before anything connects: every problem here is exit 1.
func loadFleet(env *Env, f fleetFlags, outputs ...string) (*inventory.Inventory, []inventory.Device, *cert.CA, error) {
	if f.Inventory == "" {
		return nil, nil, nil, inputErrf("--inventory (-i) is required")
	}
	if err := checkFormat(f.Output, outputs...); err != nil {
		return nil, nil, nil, err
	}
	if f.Concurrency < 1 {
		return nil, nil, nil, inputErrf("--concurrency: must be at least 1")
	}
	inv, _, err := formats.Load(f.Inventory, env.In, env.LookupEnv)
	if err != nil {
		return nil, nil, nil, inputErr(err)
	}
	for _, w := range inv.Warnings {
		fmt.Fprintln(env.Err, "warning:", w)
	}
	devs, err := inv.Limit(f.Limit)
	if err != nil {
		return nil, nil, nil, inputErr(err)
	}
	ca, err := loadCA(env, f.CAFile, inv.CAFile)
	if err != nil {
		return nil, nil, nil, err
	}
	return inv, devs, ca, nil
}

func loadCA(env *Env, flag, fromInventory string) (*cert.CA, error) {
	path := flag
	if path == "" {
		path = fromInventory
	}
	if path == "" {
		return cert.Default(), nil
	}
	ca, err := cert.Load(path, env.Now())
	if err != nil {
		return nil, inputErr(err)
	}
	return ca, nil
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return inputErrf("--output %q: want %s", format, strings.Join(allowed, "|"))
}

// newLogger logs to stderr: JSON lines when stderr is not a terminal (an
// unattended run), warnings only on a terminal (the progress bar shows the rest).
func newLogger(env *Env, verbose bool) *zap.Logger {
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	level := zapcore.InfoLevel
	var encoder zapcore.Encoder
	if env.ErrTerminal {
		encoder = zapcore.NewConsoleEncoder(enc)
		level = zapcore.WarnLevel
	} else {
		encoder = zapcore.NewJSONEncoder(enc)
	}
	if verbose {
		level = zapcore.DebugLevel
	}
	// Devices log from their own goroutines: one lock around the stream,
	// or concurrent entries race (and a bytes.Buffer in tests corrupts).
	// Every message and string field is escaped: device text must not
	// reach a terminal raw (the console encoder prints strings as they are).
	return zap.New(sanitize.ZapCore(zapcore.NewCore(encoder, zapcore.Lock(zapcore.AddSync(env.Err)), level)))
}

func newRunID(env *Env) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return env.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

func runInfo(env *Env, inv *inventory.Inventory, ca *cert.CA) *record.RunInfo {
	return &record.RunInfo{ID: newRunID(env), Inventory: inv.SHA256, CAFingerprint: ca.SHA1()}
}

// inOrder returns recs sorted as devs (inventory order), whatever order
// they completed in.
func inOrder(devs []inventory.Device, recs []record.Record) []record.Record {
	idx := map[string]record.Record{}
	for _, r := range recs {
		idx[r.Name] = r
	}
	out := make([]record.Record, 0, len(recs))
	for _, d := range devs {
		if r, ok := idx[d.Name]; ok {
			out = append(out, r)
		}
	}
	return out
}

func anyFailure(recs []record.Record) bool {
	for _, r := range recs {
		if report.IsFailure(r) {
			return true
		}
	}
	return false
}

// confirm asks on a terminal; without one it refuses (use --yes).
func confirm(env *Env, question string) (bool, error) {
	if !env.InTerminal {
		return false, inputErrf("stdin is not a terminal: refusing to change devices without --yes")
	}
	fmt.Fprintf(env.Err, "%s [y/N]: ", question)
	var ans string
	_, err := fmt.Fscanln(env.In, &ans)
	if err != nil && err != io.EOF && !strings.Contains(err.Error(), "unexpected newline") {
		return false, err
	}
	ans = strings.ToLower(strings.TrimSpace(ans))
	return ans == "y" || ans == "yes", nil
}
