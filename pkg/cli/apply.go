package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/plan"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
	"github.com/trustfix/trustfix/pkg/shard"
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
	RunID       string

	shard *shard.Spec // parsed --shard, for the run lines and resume
}

func newApplyCmd(env *Env) *cobra.Command {
	opts := ApplyOptions{}
	cmd := &cobra.Command{
		Use:   "apply -i INVENTORY --journal FILE [--resume] [--yes|-y] [-c N] [--max-failures N] [--max-auth-failures N] [--canary N] [--allow-non-persistent] [-o table|wide|json|csv]",
		Short: "Install the CA on every device that needs it, verify, save, record",
		Long: `apply re-detects every device, runs its platform's import sequence where the
plan says remediate, proves the result by listing the trust store again, saves
the configuration, and writes one journal line per device per attempt
(JSON Lines, fsynced). A device that fails is left as found and the rest of
the fleet goes on. Without --yes it shows the plan and how many devices each
platform and method would change, and asks first (answer d to see every line
it would send, as plan --diff shows them); it refuses to run without --yes
when stdin is not a terminal. The journal starts with a run line (who, when,
which inventory, CA and devices) and ends with one: trustfix report turns it
into a change record (-o markdown or -o html).

Success is what the device's trust store lists afterwards, never a message:
questions whose safe answer is known (save confirmations) are answered, any
other question is cancelled at once and fails that device, left as found.

A fix lost on the next reload (IOS XR's terminal method, the fallback when a
device cannot fetch the bundle) is not a plain success: the record has
persistent: false and a follow_up saying what makes it last, the summary
lists it apart from failures, and the exit code is 2 unless
--allow-non-persistent (or allow_non_persistent: true in the inventory).

Unattended: --canary N runs the first N devices alone and stops if any fails;
--max-failures N stops launching once N devices failed; --max-auth-failures N
(default 3) is the credential circuit breaker: once N devices refused one
credential (the user and where its password comes from), no more devices
using it start, the others go on, and the run ends with exit 3 naming what
to check. The first Ctrl-C lets devices in flight finish, a second one backs
them out. After a stop apply prints the exact command that resumes the run.

--resume continues a journal: devices already remediated or compliant are
skipped. A journal belongs to its CA and each device's name, host and port,
not to the inventory file: after an edit, the devices still to do run with
their new fields, a device whose host or port changed runs again (its record
says so), a new device runs, and one no longer selected stays in the output
as not selected.

Beyond one machine: --shard K/N runs shard K (from 0) of N of the selected
devices, split by a stable hash of the device name (--shard-by group: of
its first group); index/N takes K from $JOB_COMPLETION_INDEX (a Kubernetes
Indexed Job). The shards share one run id (--run-id, or derived from the
devices, the CA and N), each writes its own journal and resumes it alone,
and trustfix report merges their journals into the night's record.

Exit codes: 0 every device fine; 1 bad input (nothing touched); 2 devices
failed or need a follow-up; 3 stopped early (signal, --max-failures,
--canary, --max-auth-failures).`,
		Example: `  # interactive: see the plan, confirm, apply
  trustfix apply -i inventory.yaml --journal tonight.jsonl
  # overnight
  trustfix apply -i inventory.yaml --journal tonight.jsonl --yes --canary 5 --max-failures 10
  # after a crash or a stop (the inventory may have been edited)
  trustfix apply -i inventory.yaml --journal tonight.jsonl --yes --resume
  # accept IOS XR terminal fixes that a reload loses (still listed as follow-ups)
  trustfix apply -i inventory.yaml --journal tonight.jsonl --yes --allow-non-persistent
  # one of four shards (each its own journal; trustfix report merges them)
  trustfix apply -i inventory.yaml --shard 2/4 --journal tonight-2.jsonl --yes --resume
  # in a pod of a Kubernetes Indexed Job (K from JOB_COMPLETION_INDEX)
  trustfix apply -i /etc/trustfix/inventory.yaml --shard index/4 --journal /journals/shard-$JOB_COMPLETION_INDEX.jsonl --yes --resume`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runApply(cmd.Context(), env, opts) },
	}
	opts.bind(cmd, report.Table, report.Wide, report.JSON, report.CSV)
	f := cmd.Flags()
	f.StringVar(&opts.Journal, "journal", "", "journal file (JSON Lines; required)")
	f.BoolVar(&opts.Resume, "resume", false, "continue the run recorded in --journal")
	f.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	f.IntVar(&opts.MaxFailures, "max-failures", 0, "stop launching devices after N failures (0: no limit)")
	f.IntVar(&opts.Canary, "canary", 0, "run the first N devices alone; stop if any fails")
	f.StringVar(&opts.Transcripts, "transcripts", "", "transcript directory (default: JOURNAL.d next to the journal)")
	f.StringVar(&opts.RunID, "run-id", "", "the run's id (with --shard the default is derived from the selected devices, the CA and N, alike in every shard)")
	return cmd
}

func runApply(ctx context.Context, env *Env, opts ApplyOptions) error {
	inv, devs, ca, err := loadFleet(env, opts.fleetFlags)
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
	say := func(level zapcore.Level, msg string, fields ...zap.Field) {
		writeNote(env.Err, env.ErrTerminal, env.verbosity < 0, env.Logger, level, msg, fields...)
	}
	run := runInfo(env, inv, ca)
	if opts.RunID != "" {
		if err := shard.CheckRunID(opts.RunID); err != nil {
			return inputErr(err)
		}
		run.ID = opts.RunID
	}
	if opts.shard, err = opts.spec(env); err != nil {
		return err
	}
	if opts.shard != nil {
		selected, err := inv.Limit(opts.Limit)
		if err != nil {
			return inputErr(err)
		}
		run.ID = shardRunID(opts.RunID, *opts.shard, selected, ca)
	}
	rs, err := resumeFilter(opts, devs, run)
	if err != nil {
		return err
	}
	for _, p := range rs.problems {
		say(zapcore.WarnLevel, fmt.Sprintf("warning: %s: %s", opts.Journal, p), zap.String("journal", opts.Journal), zap.Int("line", p.Line), zap.String("problem", p.Reason))
	}
	if rs.resumed {
		say(zapcore.InfoLevel, fmt.Sprintf("resume: %d devices already done, %d to go (%d were being changed when the run stopped; %d not selected now)",
			len(devs)-len(rs.Todo), len(rs.Todo), len(rs.Interrupted), len(rs.NotSelected)),
			zap.String("event", "resume"), zap.Int("done", len(devs)-len(rs.Todo)), zap.Int("todo", len(rs.Todo)),
			zap.Int("interrupted", len(rs.Interrupted)), zap.Int("not_selected", len(rs.NotSelected)))
		for _, d := range rs.Todo {
			if m := rs.Moved[d.Name]; m != "" {
				say(zapcore.WarnLevel, fmt.Sprintf("resume: %s: %s since the journal: it runs again", d.Name, m),
					zap.String("event", "resume-moved"), zap.String("device", d.Name), zap.String("change", m))
			}
		}
	}
	transcripts := opts.Transcripts
	if transcripts == "" {
		transcripts = opts.Journal + ".d"
	}
	if !opts.Yes {
		ok, err := planAndConfirm(ctx, env, opts, inv, rs.Todo, ca)
		if err != nil || !ok {
			if err == nil {
				fmt.Fprintln(env.Err, "trustfix: nothing applied")
			}
			return err
		}
	}
	b := opts.breaker()
	command := "apply"
	if rs.resumed {
		command = "apply --resume"
	}
	start := runStart(env, command, run, inv, rs.Todo, ca)
	start.Shard = opts.shard
	if err := j.AppendRun(start); err != nil {
		return err
	}
	runner := newRunner(env, ca, run)
	runner.Apply, runner.TranscriptDir, runner.AllowNonPersistent = true, transcripts, opts.AllowNonPersistent
	runner.BeforeChange, runner.Interrupted = j.Append, func(name string) bool { return rs.Interrupted[name] }
	runner.Note = func(name string) string {
		if m := rs.Moved[name]; m != "" {
			return m + " since the journal: run again"
		}
		return ""
	}
	if b != nil {
		runner.OnLogin = b.LoggedIn
	}
	prog := newProgress(env, "apply", len(rs.Todo), opts.Concurrency)
	// The second signal cancels env.Hard: say so at once, the devices in
	// flight take a moment to back out.
	defer context.AfterFunc(env.Hard, prog.aborting)()
	sum := fleet.Run(ctx, env.Hard, rs.Todo, runner.Device, fleet.Options{
		Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits,
		Canary: opts.Canary, MaxFailures: opts.MaxFailures, Breaker: b,
		OnStart: prog.start, OnAttempt: j.Append, OnDone: prog.done, OnStop: prog.stopping,
	})
	prog.finish()
	resume := ""
	if sum.Stopped != "" {
		resume = resumeCommand(opts)
	}
	end := journal.Run{Event: journal.RunEnd, Run: *run, Time: env.Now(), Stopped: sum.Stopped, Resume: resume}
	if err := j.AppendRun(end); err != nil {
		say(zapcore.ErrorLevel, "journal: the run's end line could not be written: "+err.Error(), zap.String("event", "journal"), zap.Error(err))
	}
	recs := inOrder(rs.Todo, sum.Records)
	if rs.resumed {
		// The final word covers the whole journal, as `trustfix report`
		// does: what this run did, and what earlier runs left.
		recs = resumed(devs, sum.Records, rs.Last, rs.NotSelected)
	}
	if err := report.Render(env.Out, opts.Output.String(), recs, env.tableOptions(true)); err != nil {
		return err
	}
	say(zapcore.InfoLevel, fmt.Sprintf("journal: %s (run %s); transcripts: %s; change record: trustfix report %s -o markdown", opts.Journal, run.ID, filepath.Join(transcripts, run.ID), shellQuote(opts.Journal)),
		zap.String("event", "end"), zap.String("journal", opts.Journal), zap.String("run", run.ID), zap.String("transcripts", filepath.Join(transcripts, run.ID)))
	return endOfRun(sum, devs, recs, say, resume)
}

// runStart is the journal's run-start line: who runs what, when, against
// which inventory and CA, and the devices this run covers with their
// place in the inventory.
func runStart(env *Env, command string, run *record.RunInfo, inv *inventory.Inventory, devs []inventory.Device, ca *cert.CA) journal.Run {
	pos := make(map[string]int, len(inv.Devices))
	for i, d := range inv.Devices {
		pos[d.Name] = i + 1
	}
	refs := make([]journal.DeviceRef, 0, len(devs))
	for _, d := range devs {
		refs = append(refs, journal.DeviceRef{Name: d.Name, Host: d.Host, Port: d.Port, Position: pos[d.Name]})
	}
	return journal.Run{
		Event: journal.RunStart, Run: *run, Time: env.Now(), Command: command, Operator: env.Operator(),
		Inventory: &journal.InventoryRef{Path: inv.Path, SHA256: inv.SHA256, Devices: len(inv.Devices)},
		CA:        caRef(ca),
		Devices:   refs,
	}
}

func caRef(ca *cert.CA) *journal.CARef {
	return &journal.CARef{Subject: ca.Subject(), SHA1: ca.SHA1(), SHA256: ca.SHA256(), PEM: string(ca.PEM())}
}

// resumeCommand is the exact command that continues a stopped run: the
// same inventory, limit, CA, journal and settings, with --resume (and
// --yes if the run had it).
func resumeCommand(opts ApplyOptions) string {
	args := []string{"trustfix", "apply", "-i", opts.Inventory}
	if opts.Limit != "" {
		args = append(args, "-l", opts.Limit)
	}
	if opts.shard != nil {
		// The shard as resolved: index/N needs the pod's variable.
		args = append(args, "--shard", fmt.Sprintf("%d/%d", opts.shard.Index, opts.shard.Count))
		if by := opts.ShardBy; by != nil && by.String() != string(shard.ByName) {
			args = append(args, "--shard-by", by.String())
		}
	}
	if opts.RunID != "" {
		args = append(args, "--run-id", opts.RunID)
	}
	args = append(args, "--journal", opts.Journal, "--resume")
	if opts.Yes {
		args = append(args, "--yes")
	}
	if opts.CAFile != "" {
		args = append(args, "--ca-file", opts.CAFile)
	}
	if opts.Transcripts != "" {
		args = append(args, "--transcripts", opts.Transcripts)
	}
	if opts.Concurrency != defaultConcurrency {
		args = append(args, "-c", fmt.Sprint(opts.Concurrency))
	}
	if opts.MaxFailures > 0 {
		args = append(args, "--max-failures", fmt.Sprint(opts.MaxFailures))
	}
	if opts.MaxAuthFailures != DefaultMaxAuthFailures {
		args = append(args, "--max-auth-failures", fmt.Sprint(opts.MaxAuthFailures))
	}
	if opts.AllowNonPersistent {
		args = append(args, "--allow-non-persistent")
	}
	for i, a := range args[2:] {
		args[i+2] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// resumeState is what an existing journal says about this run.
type resumeState struct {
	journal.Resumed
	resumed  bool
	problems []journal.Problem // lines skipped (a write cut short by a crash)
}

// resumeFilter reads the journal: a journal that holds records needs
// --resume, and then journal.Resume says what is left to do.
func resumeFilter(opts ApplyOptions, devs []inventory.Device, run *record.RunInfo) (resumeState, error) {
	rs := resumeState{Resumed: journal.Resumed{Todo: devs}}
	f, err := journal.ReadFile(opts.Journal)
	if errors.Is(err, journal.ErrNotJournal) {
		// Never append to a file that is something else (lab.yaml, …).
		return rs, inputErr(err)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return rs, err
	}
	recs := f.Records
	rs.problems = f.Problems
	// A shard continues only its own journal, under its run's id.
	if err := journal.CheckShard(f, opts.shard); err != nil {
		return rs, inputErr(err)
	}
	if id := journal.ShardRunID(f); id != "" {
		if opts.RunID != "" && opts.RunID != id {
			return rs, inputErrf("%s belongs to run %s: --run-id %s names another run; resume with its id, or use a new journal", opts.Journal, id, opts.RunID)
		}
		run.ID = id
	}
	if len(recs) == 0 {
		return rs, nil
	}
	if !opts.Resume {
		return rs, inputErrf("%s already holds %d records: use --resume to continue that run, or a new journal", opts.Journal, len(recs))
	}
	if rs.Resumed, err = journal.Resume(recs, devs, *run); err != nil {
		return rs, inputErr(err)
	}
	rs.resumed = true
	return rs, nil
}

// resumed is the final output of a resumed run: for every selected device
// in inventory order, its record from this run, else its last one in the
// journal (done earlier, or not reached by this run); then the journal's
// devices this run did not select, marked so (never counted).
func resumed(devs []inventory.Device, now []record.Record, last map[string]record.Record, notSelected []string) []record.Record {
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
	for _, n := range notSelected {
		r := last[n]
		r.NotSelected = true
		r.Reason = plan.WithNotes(r.Reason, []string{"not selected in this run (no longer in the inventory, or left out by --limit)"})
		out = append(out, r)
	}
	return out
}

// planAndConfirm shows the read-only plan and how many devices each
// platform × method would change, and asks before changing anything; "d"
// shows every line apply would send (as plan --diff) and asks again.
func planAndConfirm(ctx context.Context, env *Env, opts ApplyOptions, inv *inventory.Inventory, devs []inventory.Device, ca *cert.CA) (bool, error) {
	if !env.InTerminal {
		return false, inputErrf("stdin is not a terminal: refusing to change devices without --yes")
	}
	b := opts.breaker()
	runner := newRunner(env, ca, nil)
	runner.AllowNonPersistent = opts.AllowNonPersistent
	// Quiet: apply logs the same devices' warnings when it runs them.
	runner.Logger = zap.NewNop()
	if b != nil {
		runner.OnLogin = b.LoggedIn
	}
	prog := newProgress(env, "plan", len(devs), opts.Concurrency)
	sum := fleet.Run(ctx, env.Hard, devs, runner.Device, fleet.Options{Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits, Breaker: b,
		OnStart: prog.start, OnDone: prog.done, OnStop: prog.stopping})
	prog.finish()
	recs := inOrder(devs, sum.Records)
	errOpts := env.errTableOptions(false)
	if err := report.Render(env.Err, report.Table, recs, errOpts); err != nil {
		return false, err
	}
	if err := endOfRun(sum, devs, recs, func(_ zapcore.Level, msg string, _ ...zap.Field) { fmt.Fprintln(env.Err, msg) }, ""); err != nil {
		var st *errStopped
		if errors.As(err, &st) {
			return false, err // nothing is applied after a stop (a signal, a tripped credential)
		}
	}
	items := planned(env, devs, recs, ca)
	n := 0
	for _, it := range items {
		if it.Sequence != nil {
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(env.Err, "\nnothing to remediate")
	} else {
		fmt.Fprintf(env.Err, "\nTo change: %d %s\n", n, plural(n, "device", "devices"))
		if err := report.RenderMethodCounts(env.Err, items, errOpts); err != nil {
			return false, err
		}
	}
	question := fmt.Sprintf("Apply to %d devices (%d to remediate)? [y/N, d: show the lines each device would get]: ", len(devs), n)
	for {
		ans, err := ask(env, question)
		if err != nil {
			return false, err
		}
		if ans != "d" && ans != "diff" {
			return ans == "y" || ans == "yes", nil
		}
		if err := report.RenderDiff(env.Err, items, errOpts); err != nil {
			return false, err
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
