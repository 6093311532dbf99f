package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/report"
)

// ApplyOptions are the flags of `trustfix apply`.
type ApplyOptions struct {
	fleetFlags
	Journal     string
	Resume      bool
	Yes         bool
	MaxFailures int
	Canary      int
	Transcripts string
}

func newApplyCmd(env *Env) *cobra.Command {
	opts := ApplyOptions{}
	cmd := &cobra.Command{
		Use:   "apply -i INVENTORY --journal FILE [--resume] [--yes] [-c N] [--max-failures N] [--canary N]",
		Short: "Install the CA on every device that needs it, verify, save, record",
		Long: `apply re-detects every device, runs its platform's import sequence where the
plan says remediate, proves the result by listing the trust store again, saves
the configuration, and writes one journal line per device per attempt
(JSON Lines, fsynced). A device that fails is left as found and the rest of
the fleet goes on. Without --yes it shows the plan and asks first; it refuses
to run without --yes when stdin is not a terminal.

Unattended: --canary N runs the first N devices alone and stops if any fails;
--max-failures N stops launching once N devices failed; the first Ctrl-C lets
devices in flight finish, a second one backs them out. --resume continues a
journal: devices already remediated or compliant are skipped.`,
		Example: `  # interactive: see the plan, confirm, apply
  trustfix apply -i inventory.yaml --journal tonight.jsonl
  # overnight
  trustfix apply -i inventory.yaml --journal tonight.jsonl --yes --canary 5 --max-failures 10
  # after a crash or a stop
  trustfix apply -i inventory.yaml --journal tonight.jsonl --yes --resume`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runApply(cmd.Context(), env, opts) },
	}
	opts.bind(cmd, "table|json")
	f := cmd.Flags()
	f.StringVar(&opts.Journal, "journal", "", "journal file (JSON Lines; required)")
	f.BoolVar(&opts.Resume, "resume", false, "continue the run recorded in --journal")
	f.BoolVar(&opts.Yes, "yes", false, "do not ask for confirmation")
	f.IntVar(&opts.MaxFailures, "max-failures", 0, "stop launching devices after N failures (0: no limit)")
	f.IntVar(&opts.Canary, "canary", 0, "run the first N devices alone; stop if any fails")
	f.StringVar(&opts.Transcripts, "transcripts", "", "transcript directory (default: JOURNAL.d next to the journal)")
	return cmd
}

func runApply(ctx context.Context, env *Env, opts ApplyOptions) error {
	inv, devs, ca, err := loadFleet(env, opts.fleetFlags, report.Table, report.JSON)
	if err != nil {
		return err
	}
	if opts.Journal == "" {
		return inputErrf("--journal is required")
	}
	if opts.MaxFailures < 0 || opts.Canary < 0 {
		return inputErrf("--max-failures and --canary must be >= 0")
	}
	if err := checkFDs(opts.Concurrency, devs, true); err != nil {
		return err
	}
	j, err := journal.Open(opts.Journal)
	if err != nil {
		if errors.Is(err, journal.ErrInUse) {
			return inputErr(err)
		}
		return err
	}
	defer j.Close()
	log := newLogger(env, false)
	defer func() { _ = log.Sync() }()
	say := func(level zapcore.Level, msg string, fields ...zap.Field) {
		writeNote(env.Err, env.ErrTerminal, log, level, msg, fields...)
	}
	run := runInfo(env, inv, ca)
	rs, err := resumeFilter(opts, devs, run)
	if err != nil {
		return err
	}
	for _, p := range rs.problems {
		say(zapcore.WarnLevel, fmt.Sprintf("warning: %s: %s", opts.Journal, p), zap.String("journal", opts.Journal), zap.Int("line", p.Line), zap.String("problem", p.Reason))
	}
	if rs.resumed {
		say(zapcore.InfoLevel, fmt.Sprintf("resume: %d devices already done, %d to go (%d were being changed when the run stopped)",
			len(devs)-len(rs.todo), len(rs.todo), len(rs.interrupted)),
			zap.String("event", "resume"), zap.Int("done", len(devs)-len(rs.todo)), zap.Int("todo", len(rs.todo)), zap.Int("interrupted", len(rs.interrupted)))
	}
	transcripts := opts.Transcripts
	if transcripts == "" {
		transcripts = opts.Journal + ".d"
	}
	if !opts.Yes {
		ok, err := planAndConfirm(ctx, env, opts, inv, rs.todo, ca)
		if err != nil || !ok {
			if err == nil {
				fmt.Fprintln(env.Err, "trustfix: nothing applied")
			}
			return err
		}
	}
	runner := &remediate.Runner{Registry: registry.Default(), CA: ca, Apply: true, TranscriptDir: transcripts, Run: run, Logger: log, Now: env.Now, Hard: env.Hard,
		BeforeChange: j.Append, Interrupted: func(name string) bool { return rs.interrupted[name] }}
	prog := newProgress(env, log, "apply", len(rs.todo))
	// The second signal cancels env.Hard: say so at once, the devices in
	// flight take a moment to back out.
	defer context.AfterFunc(env.Hard, prog.aborting)()
	sum := fleet.Run(ctx, env.Hard, rs.todo, runner.Device, fleet.Options{
		Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits,
		Canary: opts.Canary, MaxFailures: opts.MaxFailures,
		OnStart: func(inventory.Device) { prog.start() }, OnAttempt: j.Append, OnDone: prog.done, OnStop: prog.stopping,
	})
	prog.finish()
	recs := inOrder(rs.todo, sum.Records)
	if rs.resumed {
		// The final word covers the whole journal, as `trustfix report`
		// does: what this run did, and what earlier runs left.
		recs = resumed(devs, sum.Records, rs.last)
	}
	if err := report.Render(env.Out, opts.Output, recs, report.Options{Apply: true, Summary: true}); err != nil {
		return err
	}
	say(zapcore.InfoLevel, fmt.Sprintf("journal: %s (run %s); transcripts: %s", opts.Journal, run.ID, filepath.Join(transcripts, run.ID)),
		zap.String("event", "end"), zap.String("journal", opts.Journal), zap.String("run", run.ID), zap.String("transcripts", filepath.Join(transcripts, run.ID)))
	if sum.Stopped != "" {
		say(zapcore.WarnLevel, fmt.Sprintf("trustfix: stopped early (%s): %d devices not started", sum.Stopped, len(sum.NotStarted)),
			zap.String("event", "stopped"), zap.String("reason", sum.Stopped), zap.Int("not_started", len(sum.NotStarted)))
		return &errStopped{reason: sum.Stopped}
	}
	if anyFailure(sum.Records) {
		return errDevicesFailed
	}
	return nil
}

// resumeState is what an existing journal says about this run.
type resumeState struct {
	resumed     bool
	todo        []inventory.Device       // the devices to run
	interrupted map[string]bool          // changed, or being changed, when a run stopped
	last        map[string]record.Record // each journaled device's last record
	problems    []journal.Problem        // lines skipped (a write cut short by a crash)
}

// resumeFilter refuses to mix runs in one journal and, with --resume,
// drops the devices whose last record is remediated or already-compliant,
// and names those an earlier run may have changed without saving: the
// last record is in-progress (the run stopped while changing it), or
// failed once the change had begun (import, verify or save: e.g. the
// connection was lost after the import). remediate saves such a device
// if it now holds the CA, and changes it again only if it does not.
func resumeFilter(opts ApplyOptions, devs []inventory.Device, run *record.RunInfo) (resumeState, error) {
	rs := resumeState{todo: devs}
	recs, problems, err := journal.Read(opts.Journal)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return rs, err
	}
	rs.problems = problems
	if len(recs) == 0 {
		return rs, nil
	}
	if !opts.Resume {
		return rs, inputErrf("%s already holds %d records: use --resume to continue that run, or a new journal", opts.Journal, len(recs))
	}
	if err := journal.CheckRun(recs, *run); err != nil {
		return rs, inputErr(err)
	}
	rs.resumed = true
	rs.last = journal.LastByDevice(recs)
	rs.interrupted = map[string]bool{}
	rs.todo = nil
	for _, d := range devs {
		r, ok := rs.last[d.Name]
		if ok && journal.Done(r) {
			continue
		}
		if ok && changeBegun(r) {
			rs.interrupted[d.Name] = true
		}
		rs.todo = append(rs.todo, d)
	}
	return rs, nil
}

// changeBegun reports whether a device's last record leaves it possibly
// changed but not saved.
func changeBegun(r record.Record) bool {
	switch {
	case r.Outcome == record.InProgress:
		return true
	case r.Outcome != record.Failed:
		return false
	}
	switch r.Stage {
	case remediate.StageImport, remediate.StageVerify, remediate.StageSave:
		return true
	}
	return false
}

// resumed is the final output of a resumed run: for every selected device
// in inventory order, its record from this run, else its last one in the
// journal (done earlier, or not reached by this run).
func resumed(devs []inventory.Device, now []record.Record, last map[string]record.Record) []record.Record {
	mine := make(map[string]record.Record, len(now))
	for _, r := range now {
		mine[r.Name] = r
	}
	var out []record.Record
	for _, d := range devs {
		if r, ok := mine[d.Name]; ok {
			out = append(out, r)
		} else if r, ok := last[d.Name]; ok {
			out = append(out, r)
		}
	}
	return out
}

// planAndConfirm shows the read-only plan and asks before changing anything.
func planAndConfirm(ctx context.Context, env *Env, opts ApplyOptions, inv *inventory.Inventory, devs []inventory.Device, ca *cert.CA) (bool, error) {
	if !env.InTerminal {
		return false, inputErrf("stdin is not a terminal: refusing to change devices without --yes")
	}
	runner := &remediate.Runner{Registry: registry.Default(), CA: ca, Now: env.Now, Hard: env.Hard}
	sum := fleet.Run(ctx, env.Hard, devs, runner.Device, fleet.Options{Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits})
	recs := inOrder(devs, sum.Records)
	if err := report.Render(env.Err, report.Table, recs, report.Options{Summary: true}); err != nil {
		return false, err
	}
	if sum.Stopped != "" {
		return false, &errStopped{reason: sum.Stopped}
	}
	n := 0
	for _, r := range recs {
		if r.Verdict == record.Remediate {
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(env.Err, "nothing to remediate")
	}
	return confirm(env, fmt.Sprintf("Apply to %d devices (%d to remediate)?", len(devs), n))
}
