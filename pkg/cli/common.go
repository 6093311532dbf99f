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
	Inventory          string
	Limit              string
	Output             *enum
	Concurrency        int
	CAFile             string
	MaxAuthFailures    int
	AllowNonPersistent bool
	shardFlags
}

func (f *fleetFlags) bind(cmd *cobra.Command, outputs ...string) {
	fl := cmd.Flags()
	f.Output = outputFlag(cmd, outputs...)
	fl.StringVarP(&f.Inventory, "inventory", "i", "", "inventory: trustfix YAML (see inventory.example.yaml), Ansible (INI/YAML file, directory, --list JSON; - reads it from stdin) or Nornir SimpleInventory")
	fl.StringVarP(&f.Limit, "limit", "l", "", "only these devices: names, globs or groups, comma-separated; !X excludes")
	fl.IntVarP(&f.Concurrency, "concurrency", "c", defaultConcurrency, "devices at once (AAA servers and vty lines are limited)")
	fl.StringVar(&f.CAFile, "ca-file", "", "install this CA instead of the embedded IdenTrust Commercial Root CA 1 (PEM)")
	fl.IntVar(&f.MaxAuthFailures, "max-auth-failures", DefaultMaxAuthFailures,
		"credential circuit breaker: after N devices refuse one credential (user + password variable, prompt or inventory line), start no more devices that use it; exit 3 (0: off)")
	allowNonPersistentFlag(cmd, &f.AllowNonPersistent)
	f.bindShard(cmd)
}

// DefaultMaxAuthFailures is --max-auth-failures: below the lockout
// threshold of common TACACS+/RADIUS policies.
const DefaultMaxAuthFailures = 3

func allowNonPersistentFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "allow-non-persistent", false,
		"a fix lost on the next reload (IOS XR terminal) is still listed as a follow-up, but does not make the exit code 2 (as allow_non_persistent: true in the inventory)")
}

// breaker is the run's credential circuit breaker (nil when off).
func (f fleetFlags) breaker() *fleet.Breaker {
	if f.MaxAuthFailures <= 0 {
		return nil
	}
	return fleet.NewBreaker(f.MaxAuthFailures, inventory.Device.Credential)
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
	if f.MaxAuthFailures < 0 {
		return nil, nil, nil, inputErrf("--max-auth-failures: must be >= 0 (0: off)")
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

// endOfRun maps how a run ended to its exit code, once the output (recs)
// is written: a stop (exit 3: a signal, max-failures, the canary, the
// credential circuit breaker) is said on stderr through say, with the
// command that resumes the run when there is one; a device that failed,
// or whose fix is lost on reload without --allow-non-persistent, is exit 2.
func endOfRun(sum fleet.Summary, devs []inventory.Device, recs []record.Record, say func(level zapcore.Level, msg string, fields ...zap.Field), resume string) error {
	var stop error
	if sum.Stopped != "" {
		msg := fmt.Sprintf("trustfix: stopped early (%s): %d devices not started", sum.Stopped, len(sum.NotStarted))
		fields := []zap.Field{zap.String("event", "stopped"), zap.String("reason", sum.Stopped), zap.Int("not_started", len(sum.NotStarted))}
		if resume != "" {
			msg += "\nto continue the run: " + resume
			fields = append(fields, zap.String("resume", resume))
		}
		say(zapcore.WarnLevel, msg, fields...)
		stop = &errStopped{reason: sum.Stopped}
	}
	for _, tr := range sum.Tripped {
		check := "check the credential"
		for _, d := range devs {
			if d.Credential() == tr.Credential {
				check = d.CredentialCheck()
				break
			}
		}
		msg := fmt.Sprintf("trustfix: credential circuit breaker: %d devices refused %s; %d devices that use it were not started: %s (and whether the account is now locked), then run again (apply: --resume)",
			tr.Failures, tr.Credential, tr.NotStarted, check)
		say(zapcore.ErrorLevel, msg, zap.String("event", "circuit-breaker"), zap.String("credential", tr.Credential),
			zap.Int("failures", tr.Failures), zap.Int("not_started", tr.NotStarted))
		if tr.NotStarted > 0 && stop == nil {
			stop = &errStopped{reason: "the credential circuit breaker tripped (--max-auth-failures)"}
		}
	}
	if stop != nil {
		return stop
	}
	if n := followUpsDue(recs); n > 0 {
		say(zapcore.WarnLevel, fmt.Sprintf("trustfix: %d devices hold the CA only until their next reload (follow-up: see follow_up); --allow-non-persistent accepts that", n),
			zap.String("event", "follow-up"), zap.Int("devices", n))
	}
	if needsAttention(recs) {
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

// followUpsDue counts the follow-ups nobody accepted.
func followUpsDue(recs []record.Record) int {
	n := 0
	for _, r := range recs {
		if r.FollowUpDue() {
			n++
		}
	}
	return n
}

// needsAttention reports exit 2: a device failed, or holds the CA only
// until its next reload and nobody accepted that.
func needsAttention(recs []record.Record) bool {
	for _, r := range recs {
		if r.Failed() || r.FollowUpDue() {
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
