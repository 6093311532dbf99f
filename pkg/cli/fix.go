package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
	"github.com/trustfix/trustfix/pkg/sanitize"
	"github.com/trustfix/trustfix/pkg/secret"
)

// FixOptions are the flags of `trustfix fix`.
type FixOptions struct {
	Port          int
	Platform      *enum
	Username      string
	Method        *enum
	Yes           bool
	CAFile        string
	BundleFile    string
	BundleURL     string
	KnownHosts    string
	HostKeyPolicy *enum
	Legacy        bool
	JumpHost      string
	SSHConfig     string
	IdentityFile  string
	Timeout       time.Duration
	Journal       string
	Transcripts   string
	// AllowNonPersistent: a fix lost on reload exits 0 (still said).
	AllowNonPersistent bool
	portSet            bool // --port given: it wins over ssh_config's Port
}

func newFixCmd(env *Env) *cobra.Command {
	opts := FixOptions{}
	cmd := &cobra.Command{
		Use:   "fix [USER@]HOST[:PORT] [--port P] [--platform auto|PLATFORM] [--username U] [--method auto|url|file|terminal] [--yes|-y]",
		Short: "Fix one device from a laptop: detect, show the plan, confirm, fix, prove",
		Long: `fix needs no inventory. The device is given as ssh takes it, [USER@]HOST[:PORT]
(an IPv6 address in brackets with a port: [2001:db8::1]:2222). It reads ~/.ssh/config for the host as ssh does
(HostName, User, Port, ProxyJump, IdentityFile; a flag wins), logs in with
the ssh-agent's keys and the identity files first, and takes the password
from $TRUSTFIX_PASSWORD or asks for it without echo, only when no key can be
tried or the device refuses the keys (the enable password likewise, from
$TRUSTFIX_ENABLE_PASSWORD or when the device wants one), detects the device read-only, shows what
it would do, asks, runs the platform's import sequence, verifies it by listing
the trust store again, saves, and prints the proof: the CA's subject, serial
and fingerprint as the device now lists it.

Every flag is checked before anything connects. The check itself is
read-only and runs anywhere (a script, a pipe); only the change needs a
terminal to confirm on, or --yes. Results go to stdout, notes and
questions to stderr, as with plan and apply. Exit codes: 0 the device holds
the CA (fixed now, or already), or needs no CLI fix (upgrade-required,
unsupported: the table says why); 1 bad usage or input, or a change that
was neither confirmed nor allowed by --yes (nothing changed); 2 the device
failed, was unreachable or refused the login, or holds the CA only until
its next reload (IOS XR terminal: the output says what makes it last)
without --allow-non-persistent; 3 interrupted.`,
		Example: `  trustfix fix 10.20.0.11 --username netops
  trustfix fix netops@10.20.0.11:2222                  # user and port as ssh takes them
  trustfix fix edge-fw                                 # check only: answer n, or run it from a script
  TRUSTFIX_PASSWORD=... trustfix fix asa-edge-1.example.net --platform asa --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.portSet = cmd.Flags().Changed("port")
			return runFix(cmd.Context(), env, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Port, "port", 22, "SSH port")
	opts.Platform = enumFlag(cmd, "platform", "", platform.Auto, "the platform (auto: detect it)", append([]string{platform.Auto}, env.Registry.CLINames()...)...)
	f.StringVar(&opts.Username, "username", "", "login name (default: your user name)")
	opts.Method = enumFlag(cmd, "method", "", inventory.DefaultImportMethod, "import method", inventory.ImportMethods...)
	f.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	f.StringVar(&opts.CAFile, "ca-file", "", "install this CA instead of IdenTrust Commercial Root CA 1 (PEM)")
	f.StringVar(&opts.BundleFile, "bundle-file", "", "bundle on the device for --method file (flash:ios_core.p7b, harddisk:/ios.p7b)")
	f.StringVar(&opts.BundleURL, "bundle-url", inventory.DefaultBundleURL, "bundle URL for --method url")
	f.StringVar(&opts.KnownHosts, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts)")
	opts.HostKeyPolicy = enumFlag(cmd, "host-key-policy", "", inventory.DefaultHostKeyPolicy, "host keys", inventory.HostKeyPolicies...)
	f.BoolVar(&opts.Legacy, "legacy-algorithms", false, "allow SHA-1 key exchange, ssh-rsa host keys and CBC ciphers (old images)")
	f.StringVar(&opts.JumpHost, "jump-host", "", "reach the device through [user@]host[:port]")
	f.StringVar(&opts.SSHConfig, "ssh-config", "", `OpenSSH client config for HostName, User, Port, ProxyJump, IdentityFile... (default ~/.ssh/config; "none")`)
	f.StringVar(&opts.IdentityFile, "identity-file", "", "private key to log in with before the password (after the ssh-agent's keys)")
	f.DurationVar(&opts.Timeout, "timeout", inventory.DefaultTimeout, "deadline for the whole device")
	f.StringVar(&opts.Journal, "journal", "", "also append the result to this journal")
	f.StringVar(&opts.Transcripts, "transcripts", "", "transcript directory (default: your cache directory)")
	allowNonPersistentFlag(cmd, &opts.AllowNonPersistent)
	return cmd
}

func fixDevice(env *Env, host string, opts FixOptions) (inventory.Device, error) {
	// HOST is [USER@]HOST[:PORT]; the host is also the device's name (its
	// transcript's file name), so it gets the inventory's checks.
	target, err := inventory.ParseJumpHost(host)
	if err == nil {
		err = inventory.CheckHost(target.Host)
	}
	if err != nil {
		return inventory.Device{}, inputErrf("%s", strings.Replace(err.Error(), "jump host", "host", 1))
	}
	d := inventory.NewDevice(target.Host, target.Host)
	d.Port, d.Platform, d.ImportMethod = opts.Port, opts.Platform.String(), opts.Method.String()
	if target.Port != inventory.DefaultPort {
		d.Port = target.Port
	}
	d.BundleFile, d.BundleURL, d.KnownHosts = opts.BundleFile, opts.BundleURL, opts.KnownHosts
	d.HostKeyPolicy, d.LegacyAlgorithms, d.JumpHost, d.Timeout = opts.HostKeyPolicy.String(), opts.Legacy, opts.JumpHost, opts.Timeout
	d.Retries = 0
	if d.ImportMethod == "file" && d.BundleFile == "" {
		return d, inputErrf("--method file needs --bundle-file")
	}
	// Both are typed at the device: the inventory's grammar applies.
	if d.BundleFile != "" {
		if err := inventory.CheckBundleFile(d.BundleFile); err != nil {
			return d, inputErrf("--bundle-file: %v", err)
		}
	}
	if err := inventory.CheckBundleURL(d.BundleURL); err != nil {
		return d, inputErrf("--bundle-url: %v", err)
	}
	if d.HostKeyPolicy == "insecure" {
		fmt.Fprintln(env.Err, "warning: --host-key-policy insecure: host keys are not checked")
	}
	if d.Port < 1 || d.Port > 65535 {
		return d, inputErrf("--port: want 1-65535")
	}
	if d.Timeout <= 0 {
		return d, inputErrf("--timeout: must be more than 0")
	}
	if d.Platform != platform.Auto && d.ImportMethod != inventory.DefaultImportMethod {
		spec, err := env.Registry.Lookup(d.Platform)
		if err != nil {
			return d, inputErr(err)
		}
		if _, ok := spec.Method(record.Method(d.ImportMethod)); !ok {
			return d, inputErrf("--method %s: %s offers %s", d.ImportMethod, spec.ID, strings.Join(spec.MethodNames(), ", "))
		}
	}
	// USER@, :PORT and the flags are explicit: they win over ~/.ssh/config.
	d.Username, d.SSHConfig, d.IdentityFile = opts.Username, opts.SSHConfig, opts.IdentityFile
	if d.Username == "" {
		d.Username = target.User
	}
	set := inventory.Explicit{Port: opts.portSet || target.Port != inventory.DefaultPort, Username: d.Username != "", JumpHost: opts.JumpHost != ""}
	notes, err := inventory.ResolveSSH(&d, set, env.LookupEnv)
	if err != nil {
		return d, inputErr(err)
	}
	for _, n := range notes {
		fmt.Fprintln(env.Err, "warning:", n)
	}
	if d.Username == "" {
		u, err := user.Current()
		if err != nil {
			return d, inputErrf("--username is required")
		}
		d.Username = u.Username
	}
	if v, ok := env.LookupEnv("TRUSTFIX_PASSWORD"); (ok && v != "") || !d.SSH.CanUseKeys() {
		// No key to try first: ask now, before anything connects.
		pw, err := envOrPrompt(env, "TRUSTFIX_PASSWORD", fmt.Sprintf("Password for %s@%s: ", d.Username, host))
		if err != nil {
			return d, err
		}
		d.Password = pw
		if v, ok := env.LookupEnv("TRUSTFIX_PASSWORD"); ok && v != "" {
			d.PasswordEnv = "TRUSTFIX_PASSWORD"
		} else {
			d.PasswordFrom = "prompt"
		}
	}
	if v, ok := env.LookupEnv("TRUSTFIX_ENABLE_PASSWORD"); ok && v != "" {
		d.EnablePassword, d.EnablePasswordEnv = secret.New(v), "TRUSTFIX_ENABLE_PASSWORD"
	}
	return d, nil
}

// envOrPrompt reads a secret from the environment, or from the terminal
// without echo; never from a pipe (it would end up in shell history).
func envOrPrompt(env *Env, name, prompt string) (secret.Secret, error) {
	if v, ok := env.LookupEnv(name); ok && v != "" {
		return secret.New(v), nil
	}
	if !env.InTerminal || env.ReadPassword == nil {
		return secret.Secret{}, inputErrf("%s is not set and stdin is not a terminal to ask for it", name)
	}
	v, err := env.ReadPassword(prompt)
	if err != nil {
		return secret.Secret{}, inputErrf("reading the password: %v", err)
	}
	if v == "" {
		return secret.Secret{}, inputErrf("empty password")
	}
	return secret.New(v), nil
}

// askOnce prompts (or reads name from the environment) the first time it
// is called, and returns the same secret after.
func askOnce(env *Env, name, prompt string) func() (secret.Secret, error) {
	var mu sync.Mutex
	var got *secret.Secret
	return func() (secret.Secret, error) {
		mu.Lock()
		defer mu.Unlock()
		if got == nil {
			s, err := envOrPrompt(env, name, prompt)
			if err != nil {
				return s, err
			}
			got = &s
		}
		return *got, nil
	}
}

func runFix(ctx context.Context, env *Env, host string, opts FixOptions) error {
	// Everything that can be checked is checked before anything connects
	// (or a password is asked for).
	ca, err := loadCA(env, opts.CAFile, "")
	if err != nil {
		return err
	}
	dev, err := fixDevice(env, host, opts)
	if err != nil {
		return err
	}
	var j *journal.Journal
	if opts.Journal != "" {
		if j, err = journal.Open(opts.Journal); err != nil {
			return inputErr(err)
		}
		defer j.Close()
		// Never append to a file that is something else.
		if _, err := journal.ReadFile(opts.Journal); errors.Is(err, journal.ErrNotJournal) {
			return inputErr(err)
		}
	}
	transcripts := opts.Transcripts
	if transcripts == "" {
		dir, _ := os.UserCacheDir()
		transcripts = filepath.Join(dir, "trustfix", "transcripts")
	}
	run := &record.RunInfo{ID: newRunID(env), Inventory: "fix " + host, CAFingerprint: ca.SHA1()}
	runner := newRunner(env, ca, run)
	runner.TranscriptDir, runner.AllowNonPersistent = transcripts, opts.AllowNonPersistent
	// The enable password is asked for only if the device wants one; the
	// login password, when keys come first, only if the device refuses them.
	runner.AskEnable = askOnce(env, "TRUSTFIX_ENABLE_PASSWORD", "Enable password: ")
	if dev.Password.IsZero() {
		runner.AskPassword = askOnce(env, "TRUSTFIX_PASSWORD", fmt.Sprintf("Password for %s@%s: ", dev.Username, dev.Host))
	}
	// The check is read-only: a Ctrl-C ends it at once. The change runs
	// under env.Hard, as apply's devices do: a first Ctrl-C lets it finish,
	// a second makes it back out.
	planned := runner.Device(ctx, dev, 1).Record
	if err := report.Render(env.Out, report.Table, []record.Record{shown(planned)}, fixTable(env, false)); err != nil {
		return err
	}
	if planned.Verdict != record.Remediate {
		if planned.Failed() {
			return errDevicesFailed
		}
		return nil
	}
	name := displayName(planned)
	if !opts.Yes {
		if !env.InTerminal {
			return inputErrf("stdin is not a terminal: %s needs %s, but is not changed without --yes", name, ca.CommonName())
		}
		what := line(name)
		if planned.Model != "" {
			what += ", " + line(planned.Model)
		}
		method := string(planned.Method)
		if planned.FallbackMethod != "" {
			method += ", falling back to " + string(planned.FallbackMethod)
		}
		ok, err := confirm(env, fmt.Sprintf("Install %s on %s (%s, %s %s, method %s)?", ca.CommonName(), dev.Host, what, planned.Platform, line(planned.Version), method))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(env.Err, "nothing changed")
			return nil
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(env.Err, "nothing changed")
		return &errStopped{reason: "interrupted"}
	}
	if planned.Platform != "" {
		dev.Platform = planned.Platform // detected: no second guess
	}
	runner.Apply = true
	if j != nil {
		// As apply does: the run line, then the intent on disk before the
		// first change.
		start := journal.Run{Event: journal.RunStart, Run: *run, Time: env.Now(), Command: "fix", Operator: env.Operator(), CA: caRef(ca),
			Devices: []journal.DeviceRef{{Name: dev.Name, Host: dev.Host, Port: dev.Port}}}
		if err := j.AppendRun(start); err != nil {
			return err
		}
		runner.BeforeChange = j.Append
	}
	rec := runner.Device(env.Hard, dev, 1).Record
	if j != nil {
		if err := j.Append(rec); err != nil {
			return err
		}
		if err := j.AppendRun(journal.Run{Event: journal.RunEnd, Run: *run, Time: env.Now()}); err != nil {
			return err
		}
	}
	printProof(env, ca, rec)
	if !rec.Done() || rec.FollowUpDue() {
		return errDevicesFailed
	}
	return nil
}

// fixTable is one device's table: on stdout, fitted and coloured as plan's.
func fixTable(env *Env, apply bool) report.Options {
	o := env.tableOptions(apply)
	o.Summary = false
	return o
}

// displayName is the device's own hostname, detected: the host the
// command line gave is in the HOST column and the journal.
func displayName(r record.Record) string {
	if r.Hostname != "" {
		return r.Hostname
	}
	return r.Name
}

// shown is r as fix shows it: named by its hostname.
func shown(r record.Record) record.Record {
	r.Name = displayName(r)
	return r
}

// printProof prints the outcome and the CA as the device lists it. Every
// value passes through line: the proof fields are the device's own words.
func printProof(env *Env, ca *cert.CA, r record.Record) {
	name := displayName(r)
	if r.Outcome != record.Remediated {
		fmt.Fprintf(env.Out, "%s: %s at %s: %s\n", line(name), line(string(r.Outcome)), line(string(r.Stage)), line(firstNonEmpty(r.Error, r.Reason)))
		if r.Transcript != "" {
			fmt.Fprintf(env.Out, "transcript: %s\n", line(r.Transcript))
		}
		return
	}
	fmt.Fprintf(env.Out, "%s (%s): remediated (%s %s, method %s)\n", line(name), line(r.Host), line(r.Platform), line(r.Version), line(string(r.Method)))
	fmt.Fprintf(env.Out, "  %s as the device now lists it:\n", line(ca.CommonName()))
	if p := r.Proof; p != nil {
		fmt.Fprintf(env.Out, "    subject:     %s\n    serial:      %s\n", line(p.Subject), line(p.Serial))
		if p.Fingerprint != "" {
			fmt.Fprintf(env.Out, "    fingerprint: %s (SHA-1)\n", line(p.Fingerprint))
		} else {
			fmt.Fprintf(env.Out, "    fingerprint: not listed by %s; matched by serial and subject (expected SHA-1 %s)\n", line(r.Platform), ca.SHA1())
		}
	}
	persistent := "yes"
	if r.Persistent != nil && !*r.Persistent {
		persistent = "no: lost on reload"
	}
	fmt.Fprintf(env.Out, "  persistent:  %s\n", persistent)
	if r.FollowUp != "" {
		fmt.Fprintf(env.Out, "  follow-up:   %s\n", line(r.FollowUp))
	}
	if r.Fallback != "" {
		fmt.Fprintf(env.Out, "  fallback:    %s\n", line(r.Fallback))
	}
	if r.Transcript != "" {
		fmt.Fprintf(env.Out, "  transcript:  %s\n", line(r.Transcript))
	}
}

// line is how any text reaches the terminal: one line, no control
// characters or escape sequences.
func line(s string) string { return sanitize.Line(s) }

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
