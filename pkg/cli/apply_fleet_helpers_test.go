package cli_test

// Helpers of the unattended-run tests: a fleet of templates served by a
// devsimtest lab (its inventory edited: no retries, gates), gates (TCP
// proxies in front of chosen devices that hold the device's output at a
// chosen point, so "mid-run" is a state, not a moment), and trustfix run
// as a real subprocess (the binary TestMain builds) with its stderr read
// line by line. Names start with "fl" (fleet).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
)

// Scenario entries that need the CA, one per platform, and two that
// already hold it.
var flTemplates = map[string]string{
	"xe":     `{platform: iosxe, version: 17.03.04a, model: C9300-48P, quovadis: true}`,
	"xr":     `{platform: iosxr, version: 7.3.2, model: NCS-5500, rp: RP/0/RP0/CPU0, quovadis: true, files: ["harddisk:/ios.p7b"], bundle_file: "harddisk:/ios.p7b"}`,
	"asa":    `{platform: asa, version: 9.16(3)19, model: ASAv10, quovadis: true}`,
	"fxos":   `{platform: fxos, version: 2.10(1.159), model: FPR-4120-K9, quovadis: true}`,
	"xe-ok":  `{platform: iosxe, version: 17.06.04, model: C9300-48P, privilege: 15, identrust: true, quovadis: true}`,
	"asa-ok": `{platform: asa, version: 9.18(2), model: ASAv30, identrust: true, quovadis: true}`,
}

// flDev is one device of a test fleet: a template plus extra scenario
// fields (faults) and extra inventory fields.
type flDev struct {
	name     string
	template string // key of flTemplates
	faults   string // e.g. "auth_fail: true"; latency is added to every device
	inv      []string
}

// flMix is n healthy devices cycling through every platform, named
// PREFIX-NN.
func flMix(prefix string, n int) []flDev {
	kinds := []string{"xe", "xr", "asa", "fxos", "xe", "xe-ok", "asa", "asa-ok"}
	out := make([]flDev, n)
	for i := range out {
		out[i] = flDev{name: fmt.Sprintf("%s-%02d", prefix, i+1), template: kinds[i%len(kinds)]}
	}
	return out
}

// flScenario is a devsim scenario of devs, in order, each writing its
// output lines with latency (0: none).
func flScenario(t *testing.T, devs []flDev, latency string) *devsim.Scenario {
	t.Helper()
	var b strings.Builder
	b.WriteString("devices:\n")
	for _, d := range devs {
		tpl, ok := flTemplates[d.template]
		if !ok {
			t.Fatalf("no template %q", d.template)
		}
		faults := d.faults
		if latency != "" {
			faults = strings.Trim(strings.Join([]string{faults, "latency: " + latency}, ", "), ", ")
		}
		entry := strings.TrimSuffix(tpl, "}") + ", name: " + d.name
		if faults != "" {
			entry += ", faults: {" + faults + "}"
		}
		b.WriteString("  - " + entry + "}\n")
	}
	return devsimtest.Scenario(t, b.String())
}

// flLab is a running lab, its inventory (devices in scenario order, no
// retries), the night's journal, and the gates in front of some devices.
type flLab struct {
	*devsimtest.Lab
	journal string
	names   []string
	gates   map[string]*flGate
}

// flLabOptions shape the inventory.
type flLabOptions struct {
	// Gates puts a gate in front of these devices; the inventory points
	// at the gate.
	Gates map[string]func(*devsim.Device) func() bool
}

// startFlLab serves devs (in this order, each with the per-line latency)
// with the lab's inventory, edited: no retries, the devices' own extra
// fields, and a gate's port for a gated device.
func startFlLab(t *testing.T, devs []flDev, latency string, opt flLabOptions) *flLab {
	t.Helper()
	lab := devsimtest.Start(t, flScenario(t, devs, latency), devsimtest.Options{})
	l := &flLab{Lab: lab, journal: lab.Path("night.jsonl"), gates: map[string]*flGate{}}
	lab.SetDefaults(t, "retries: 0")
	for _, d := range devs {
		dev := lab.Device(d.name)
		fields := d.inv
		if hold, ok := opt.Gates[d.name]; ok {
			g := newFlGate(t, dev.Addr(), hold(dev))
			l.gates[d.name] = g
			_, port, _ := net.SplitHostPort(g.addr())
			fields = append([]string{"port: " + port}, fields...)
		}
		if len(fields) > 0 {
			lab.SetDevice(t, d.name, fields...)
		}
		l.names = append(l.names, d.name)
	}
	return l
}

// states snapshots every device.
func (l *flLab) states() map[string]devsim.State {
	out := map[string]devsim.State{}
	for _, n := range l.names {
		out[n] = l.Device(n).State()
	}
	return out
}

// flCAIn reports whether a trust store holds the target CA.
func flCAIn(store []devsim.CertInfo) bool {
	return slices.ContainsFunc(store, func(c devsim.CertInfo) bool { return strings.EqualFold(c.SHA1, identrustSHA1) })
}

// flImports counts the sessions that sent an import command (the
// commands that put a certificate into a trust store).
func flImports(sessions []devsim.SessionLog) int {
	n := 0
	for _, s := range sessions {
		if slices.ContainsFunc(s.Mutating, flIsImport) {
			n++
		}
	}
	return n
}

func flIsImport(cmd string) bool {
	c := strings.ToLower(cmd)
	return strings.Contains(c, "import") || strings.Contains(c, "authenticate") || strings.Contains(c, "set certchain")
}

// flDirty lists the sessions that left a device in config mode, with a
// pending buffer or half a paste.
func flDirty(st devsim.State, sessions []devsim.SessionLog) []string {
	var out []string
	for _, s := range sessions {
		if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
			out = append(out, fmt.Sprintf("%s session %d: mode %q config %v buffer %v half-paste %v dropped %v; last lines %v",
				st.Name, s.ID, s.EndMode, s.EndedInConfig, s.PendingBuffer, s.HalfPaste, s.Dropped, devsimtest.Tail(s.Lines, 8)))
		}
	}
	return out
}

// flJournal reads a journal that may be being written.
func flJournal(t *testing.T, path string) ([]record.Record, []journal.Problem) {
	t.Helper()
	recs, probs, err := journal.Read(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read journal: %v", err)
	}
	return recs, probs
}

// flFinal returns each device's last record that is not in-progress.
func flFinal(recs []record.Record) map[string]record.Record {
	out := map[string]record.Record{}
	for _, r := range recs {
		if r.Outcome != record.InProgress {
			out[r.Name] = r
		}
	}
	return out
}

// flWholeJournal checks what a stopped run's journal must be, whole (no
// partial last line, no problem line), and returns each device's final
// record.
func flWholeJournal(t *testing.T, path string) map[string]record.Record {
	t.Helper()
	if frag := flCheckLines(t, path); len(frag) > 0 {
		t.Errorf("journal ends in a partial line: %.80q", frag)
	}
	recs, probs := flJournal(t, path)
	if len(probs) > 0 {
		t.Errorf("journal problems: %v", probs)
	}
	return flFinal(recs)
}

// flCheckLines proves every complete line of a journal file is a whole
// JSON record, or a run line. It returns the unterminated tail, if any.
func flCheckLines(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(b, []byte("\n"))
	tailFrag := lines[len(lines)-1]
	for i, line := range lines[:len(lines)-1] {
		var r struct {
			record.Record
			Journal string `json:"journal"`
			Event   string `json:"event"`
		}
		if err := json.Unmarshal(line, &r); err != nil || (r.Name == "" && (r.Journal != "trustfix" || r.Event == "")) {
			t.Errorf("journal line %d is not a record nor a run line (%v): %.120q", i+1, err, line)
		}
	}
	return tailFrag
}

// flGate is a TCP proxy in front of one device. Before it forwards a
// chunk of the device's output it asks hold(); once hold() is true it
// forwards nothing more until release. Since the device changes its state
// before it prints what follows (the prompt after an import), a gate that
// holds on "the CA is in the running configuration" stops the client
// right after the import, before it can verify or save. down makes it
// refuse new connections (accept and close), cut drops the live ones.
type flGate struct {
	ln   net.Listener
	to   string
	hold func() bool

	mu       sync.Mutex
	released chan struct{}
	heldOnce chan struct{}
	isHeld   bool
	down     bool
	conns    []net.Conn
	closed   chan struct{}
}

func newFlGate(t *testing.T, to string, hold func() bool) *flGate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &flGate{ln: ln, to: to, hold: hold, released: make(chan struct{}), heldOnce: make(chan struct{}), closed: make(chan struct{})}
	go g.serve()
	t.Cleanup(g.close)
	return g
}

func (g *flGate) addr() string { return g.ln.Addr().String() }

// held is closed the first time the gate holds output.
func (g *flGate) held() <-chan struct{} { return g.heldOnce }

// release lets output through again, now and from then on.
func (g *flGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.released:
	default:
		close(g.released)
	}
}

func (g *flGate) setDown(down bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.down = down
}

// cut closes every connection through the gate, as a network would.
func (g *flGate) cut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.conns {
		_ = c.Close()
	}
	g.conns = nil
}

func (g *flGate) close() {
	g.mu.Lock()
	select {
	case <-g.closed:
	default:
		close(g.closed)
	}
	g.mu.Unlock()
	_ = g.ln.Close()
	g.cut()
}

func (g *flGate) serve() {
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return
		}
		g.mu.Lock()
		down := g.down
		g.mu.Unlock()
		if down {
			_ = c.Close()
			continue
		}
		d, err := net.Dial("tcp", g.to)
		if err != nil {
			_ = c.Close()
			continue
		}
		g.mu.Lock()
		g.conns = append(g.conns, c, d)
		g.mu.Unlock()
		go func() {
			_, _ = io.Copy(d, c) // client → device, never held
			_ = d.Close()
			_ = c.Close()
		}()
		go g.fromDevice(c, d)
	}
}

func (g *flGate) fromDevice(c, d net.Conn) {
	defer func() { _ = c.Close(); _ = d.Close() }()
	buf := make([]byte, 32*1024)
	for {
		n, err := d.Read(buf)
		if n > 0 && g.shouldHold() {
			select {
			case <-g.released:
			case <-g.closed:
				return
			}
		}
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (g *flGate) shouldHold() bool {
	select {
	case <-g.released:
		return false
	default:
	}
	if !g.hold() {
		return false
	}
	g.mu.Lock()
	if !g.isHeld {
		g.isHeld = true
		close(g.heldOnce)
	}
	g.mu.Unlock()
	return true
}

// flAfterImport holds once the device lists the CA in its running
// configuration without having saved it: between import and save.
func flAfterImport(d *devsim.Device) func() bool {
	return func() bool {
		st := d.State()
		return flCAIn(st.TrustStore) && st.Unsaved
	}
}

// flAtFirstChange holds once a session sent its first state-changing
// command (configure terminal, run cp, create trustpoint): the device is
// in the middle of its change, its intent already journaled.
func flAtFirstChange(d *devsim.Device) func() bool {
	return func() bool {
		for _, s := range d.State().Sessions {
			if len(s.Mutating) > 0 {
				return true
			}
		}
		return false
	}
}

// flProc is trustfix running as a subprocess.
type flProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout bytes.Buffer
	done   chan struct{}

	mu     sync.Mutex
	stderr []string
	more   chan struct{}
}

// flStart runs the trustfix binary with the lab's passwords in its
// environment, stdin empty (not a terminal), stdout and stderr to pipes.
func flStart(t *testing.T, args ...string) *flProc {
	t.Helper()
	return flStartVia(t, nil, args...)
}

// flStartVia is flStart with trustfix run through a wrapper (e.g. nohup).
func flStartVia(t *testing.T, wrapper []string, args ...string) *flProc {
	t.Helper()
	return flStartEnv(t, wrapper, nil, args...)
}

// flStartEnv is flStartVia with more environment variables (NAME=value).
func flStartEnv(t *testing.T, wrapper, env []string, args ...string) *flProc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), devsimtest.Guard)
	t.Cleanup(cancel)
	argv := append(append(slices.Clone(wrapper), trustfixBin), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(devsimtest.Environ(), env...)
	p := &flProc{t: t, cmd: cmd, done: make(chan struct{}), more: make(chan struct{}, 1)}
	cmd.Stdout = &p.stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(errPipe)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr = append(p.stderr, sc.Text())
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return p
}

func (p *flProc) signal(s syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(s); err != nil {
		p.t.Fatalf("signal %v: %v", s, err)
	}
}

// waitLine waits for a stderr line that satisfies match and returns it.
func (p *flProc) waitLine(what string, match func(string) bool) string {
	p.t.Helper()
	timeout := time.After(devsimtest.Guard)
	seen := 0
	for {
		p.mu.Lock()
		lines := p.stderr[seen:]
		seen = len(p.stderr)
		p.mu.Unlock()
		for _, l := range lines {
			if match(l) {
				return l
			}
		}
		select {
		case <-p.more:
		case <-p.done:
			p.mu.Lock()
			rest := len(p.stderr) > seen
			p.mu.Unlock()
			if !rest {
				p.t.Fatalf("trustfix ended without %s; stderr:\n%s", what, p.stderrText())
			}
		case <-timeout:
			p.t.Fatalf("no %s after %v; stderr:\n%s", what, devsimtest.Guard, p.stderrText())
		}
	}
}

// event matches a zap line with this "event" field.
func flEvent(name string) func(string) bool {
	return func(line string) bool {
		var m map[string]any
		return json.Unmarshal([]byte(line), &m) == nil && m["event"] == name
	}
}

// wait waits for the process and returns its exit code (-1 if a signal
// ended it).
func (p *flProc) wait() int {
	p.t.Helper()
	err := p.cmd.Wait()
	<-p.done
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	p.t.Fatalf("trustfix: %v", err)
	return 0
}

func (p *flProc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.stderr, "\n")
}

func (p *flProc) stderrLines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.stderr)
}

// flLogLines parses stderr's JSON lines; plain lines are returned apart.
func flLogLines(lines []string) (logs []map[string]any, plain []string) {
	for _, l := range lines {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil {
			logs = append(logs, m)
		} else if strings.TrimSpace(l) != "" {
			plain = append(plain, l)
		}
	}
	return logs, plain
}

// flDoneLines returns the per-device "done" log lines by device.
func flDoneLines(logs []map[string]any) map[string]int {
	out := map[string]int{}
	for _, m := range logs {
		if m["msg"] == "apply device done" {
			name, _ := m["device"].(string)
			out[name]++
		}
	}
	return out
}
