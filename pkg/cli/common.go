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
	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/inventory/formats"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/sanitize"
)

// defaultConcurrency is -c's default: AAA servers and vty lines are limited.
const defaultConcurrency = 20

// fleetFlags are shared by plan and apply.
type fleetFlags struct {
	Inventory   string
	Limit       string
	Output      *enum
	Concurrency int
	CAFile      string
	shardFlags
}

func (f *fleetFlags) bind(cmd *cobra.Command, outputs ...string) {
	fl := cmd.Flags()
	f.Output = outputFlag(cmd, outputs...)
	fl.StringVarP(&f.Inventory, "inventory", "i", "", "inventory: trustfix YAML (see inventory.example.yaml), Ansible (INI/YAML file, directory, --list JSON; - reads it from stdin) or Nornir SimpleInventory")
	fl.StringVarP(&f.Limit, "limit", "l", "", "only these devices: names, globs or groups, comma-separated; !X excludes")
	fl.IntVarP(&f.Concurrency, "concurrency", "c", defaultConcurrency, "devices at once (AAA servers and vty lines are limited)")
	fl.StringVar(&f.CAFile, "ca-file", "", "install this CA instead of the embedded IdenTrust Commercial Root CA 1 (PEM)")
	f.bindShard(cmd)
}

// loadFleet reads and validates the inventory, the limit, the shard and
// the CA before anything connects: every problem here is exit 1.
func loadFleet(env *Env, f fleetFlags) (*inventory.Inventory, []inventory.Device, *cert.CA, error) {
	if f.Inventory == "" {
		return nil, nil, nil, inputErrf("--inventory (-i) is required")
	}
	if f.Concurrency < 1 {
		return nil, nil, nil, inputErrf("--concurrency: must be at least 1")
	}
	inv, _, err := formats.Load(f.Inventory, env.In, env.Registry, env.LookupEnv)
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
	// A shard may be empty (a small fleet, many shards): it runs nothing.
	if devs, _, err = f.split(env, devs); err != nil {
		return nil, nil, nil, err
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

// newLogger logs to w (stderr): JSON lines when it is not a terminal (an
// unattended run), warnings only on a terminal (the progress bar shows
// the rest). verbosity moves the level: -v (1) one step more, -q (-1) one
// step less.
func newLogger(w io.Writer, terminal bool, verbosity int) *zap.Logger {
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	level := zapcore.InfoLevel
	var encoder zapcore.Encoder
	if terminal {
		encoder = zapcore.NewConsoleEncoder(enc)
		level = zapcore.WarnLevel
	} else {
		encoder = zapcore.NewJSONEncoder(enc)
	}
	level -= zapcore.Level(verbosity)
	// Devices log from their own goroutines: one lock around the stream,
	// or concurrent entries race (and a bytes.Buffer in tests corrupts).
	// Every message and string field is escaped: device text must not
	// reach a terminal raw (the console encoder prints strings as they are).
	return zap.New(sanitize.ZapCore(zapcore.NewCore(encoder, zapcore.Lock(zapcore.AddSync(w)), level)))
}

// newRunner is the one place a remediate.Runner is built: what every
// command shares comes from env; the caller sets what differs (Apply, the
// journal hooks, transcripts, the enable-password prompt).
func newRunner(env *Env, ca *cert.CA, run *record.RunInfo) *remediate.Runner {
	return &remediate.Runner{Registry: env.Registry, CA: ca, Run: run, Logger: env.Logger, Now: env.Now, Hard: env.Hard}
}

// endOfRun maps how a run ended to its exit code, once the output is
// written: a stop (exit 3) is said on stderr through say, with the command
// that resumes the run when there is one; a device that failed is exit 2.
func endOfRun(sum fleet.Summary, say func(level zapcore.Level, msg string, fields ...zap.Field), resume string) error {
	if sum.Stopped != "" {
		msg := fmt.Sprintf("trustfix: stopped early (%s): %d devices not started", sum.Stopped, len(sum.NotStarted))
		fields := []zap.Field{zap.String("event", "stopped"), zap.String("reason", sum.Stopped), zap.Int("not_started", len(sum.NotStarted))}
		if resume != "" {
			msg += "\nto continue the run: " + resume
			fields = append(fields, zap.String("resume", resume))
		}
		say(zapcore.WarnLevel, msg, fields...)
		return &errStopped{reason: sum.Stopped}
	}
	if anyFailure(sum.Records) {
		return errDevicesFailed
	}
	return nil
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
		if r.Failed() {
			return true
		}
	}
	return false
}

// confirm asks on a terminal; without one it refuses (use --yes).
func confirm(env *Env, question string) (bool, error) {
	ans, err := ask(env, question+" [y/N]: ")
	return ans == "y" || ans == "yes", err
}

// ask prints prompt and reads one answer (lower case, trimmed) from a
// terminal; without one it refuses (use --yes).
func ask(env *Env, prompt string) (string, error) {
	if !env.InTerminal {
		return "", inputErrf("stdin is not a terminal: refusing to change devices without --yes")
	}
	fmt.Fprint(env.Err, prompt)
	var ans string
	_, err := fmt.Fscanln(env.In, &ans)
	if err != nil && err != io.EOF && !strings.Contains(err.Error(), "unexpected newline") {
		return "", err
	}
	return strings.ToLower(strings.TrimSpace(ans)), nil
}
