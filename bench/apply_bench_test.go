package bench

// BenchmarkApply1000: `trustfix apply` over a lab of 1,000 devices (all
// four platforms, per-line latency) at -c 200, against the ideal
// ceil(N/c) × one device's apply time. Both trustfix and the lab run as
// their own processes (the binary is built here), so the peak RSS and the
// CPU are trustfix's own, read from its rusage; the lab's CPU is reported
// apart, since on a small machine the two share the cores.
//
// Knobs for experiments (defaults are the numbers):
//
//	TRUSTFIX_BENCH_APPLY_DEVICES=1000 TRUSTFIX_BENCH_APPLY_C=200
//	TRUSTFIX_BENCH_APPLY_LATENCY_SCALE=1 (multiplies every per-line latency)

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
)

// applySolo are the scenario's own devices (testdata/scenarios/apply-bench.yaml),
// measured alone; the fleet is their copies.
var applySolo = []string{"xe", "xr", "asa", "fxos"}

func BenchmarkApply1000(b *testing.B) {
	n := applyEnvInt(b, "TRUSTFIX_BENCH_APPLY_DEVICES", 1000)
	c := applyEnvInt(b, "TRUSTFIX_BENCH_APPLY_C", 200)
	scale := applyEnvFloat(b, "TRUSTFIX_BENCH_APPLY_LATENCY_SCALE", 1)
	bin := applyBuild(b)
	scenario := applyScenario(b, scale)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		lab, inv := applyStartLab(b, bin, scenario, n+len(applySolo), dir)

		// One device alone, per platform: the time from connect to save,
		// as its journal record says.
		var solo []time.Duration
		for _, name := range applySolo {
			res := applyRun(b, bin, inv, filepath.Join(dir, "solo-"+name+".jsonl"), "-l", name, "-c", "1")
			solo = append(solo, res.deviceTimes[0])
		}
		mean := applyMean(solo)
		ideal := time.Duration(math.Ceil(float64(n)/float64(c))) * mean

		labBefore := applyProcCPU(b, lab.cmd.Process.Pid)
		b.StartTimer()
		res := applyRun(b, bin, inv, filepath.Join(dir, "fleet.jsonl"), "-l", "!"+strings.Join(applySolo, ",!"), "-c", strconv.Itoa(c))
		b.StopTimer()
		labCPU := applyProcCPU(b, lab.cmd.Process.Pid) - labBefore
		lab.stop()

		if len(res.deviceTimes) != n {
			b.Fatalf("fleet run: %d devices, want %d", len(res.deviceTimes), n)
		}
		ratio := res.wall.Seconds() / ideal.Seconds()
		fleetMean := applyMean(res.deviceTimes)
		b.ReportMetric(res.wall.Seconds(), "wall-s")
		b.ReportMetric(ideal.Seconds(), "ideal-s")
		b.ReportMetric(ratio, "x-ideal")
		b.ReportMetric(float64(res.maxRSS)/(1<<20), "peak-RSS-MiB")
		b.ReportMetric(float64(res.cpu.Microseconds())/1000/float64(n), "cpu-ms/device")
		b.ReportMetric(labCPU.Seconds(), "lab-cpu-s")
		b.Logf("apply N=%d c=%d latency ×%.3g on %d CPUs (%s/%s, %s): wall %.2fs, ideal %.2fs = ceil(N/c) %d × one device alone %.3fs (xe %.3f xr %.3f asa %.3f fxos %.3f) → %.3f× ideal; "+
			"device time in the fleet mean %.3fs p99 %.3fs max %.3fs; trustfix peak RSS %.1f MiB, CPU %.2fs user+sys (%.2f ms/device); lab CPU %.2fs",
			n, c, scale, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), res.wall.Seconds(), ideal.Seconds(), int(math.Ceil(float64(n)/float64(c))), mean.Seconds(),
			solo[0].Seconds(), solo[1].Seconds(), solo[2].Seconds(), solo[3].Seconds(), ratio,
			fleetMean.Seconds(), applyPercentile(res.deviceTimes, 0.99).Seconds(), slices.Max(res.deviceTimes).Seconds(),
			float64(res.maxRSS)/(1<<20), res.cpu.Seconds(), float64(res.cpu.Microseconds())/1000/float64(n), labCPU.Seconds())
	}
}

// applyScenario writes the benchmark's scenario with every device's
// per-line latency multiplied by scale, and returns its path.
func applyScenario(b *testing.B, scale float64) string {
	b.Helper()
	sc, err := devsim.LoadScenario("../testdata/scenarios/apply-bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for i := range sc.Devices {
		lat := time.Duration(float64(sc.Devices[i].Faults.Latency) * scale).Round(100 * time.Microsecond)
		sc.Devices[i].Faults.Latency = devsim.Duration(lat)
	}
	text, err := yaml.Marshal(sc)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "apply-bench.yaml")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// applyResult is one `trustfix apply` subprocess.
type applyResult struct {
	wall        time.Duration
	maxRSS      int64 // bytes
	cpu         time.Duration
	deviceTimes []time.Duration // per remediated device, connect to save
}

// applyRun runs `trustfix apply -i INV --journal J --yes -o json` plus
// args and checks that every device was remediated: a benchmark of a
// fleet that fails measures the failure.
func applyRun(b *testing.B, bin, inv, journalPath string, args ...string) applyResult {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"apply", "-i", inv, "--journal", journalPath, "--yes", "-o", "json"}, args...)...)
	cmd.Env = devsimtest.Environ()
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("trustfix apply %v: %v\n%s", args, err, lastLines(stderr.String(), 10))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	res := applyResult{
		wall:   wall,
		maxRSS: ru.Maxrss * 1024, // kilobytes on Linux
		cpu:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
	}
	recs, probs, err := journal.Read(journalPath)
	if err != nil || len(probs) > 0 {
		b.Fatalf("journal: %v %v", err, probs)
	}
	for _, r := range journal.Latest(recs) {
		if r.Outcome != record.Remediated || r.Started == nil || r.Finished == nil {
			b.Fatalf("%s: %s %s", r.Name, r.Outcome, r.Error)
		}
		res.deviceTimes = append(res.deviceTimes, r.Finished.Sub(*r.Started))
	}
	return res
}

// applyLab is `trustfix lab` running as its own process.
type applyLab struct {
	cmd    *exec.Cmd
	exited chan error
	once   sync.Once
}

// applyStartLab starts the lab and waits for the inventory it writes once
// every device listens.
func applyStartLab(b *testing.B, bin, scenario string, devices int, dir string) (*applyLab, string) {
	b.Helper()
	inv := filepath.Join(dir, "lab.yaml")
	cmd := exec.Command(bin, "lab", "--scenario", scenario, "--devices", strconv.Itoa(devices), "--inventory-out", inv)
	out, err := os.Create(filepath.Join(dir, "lab.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	lab := &applyLab{cmd: cmd, exited: make(chan error, 1)}
	go func() { lab.exited <- cmd.Wait() }()
	b.Cleanup(lab.stop)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(2 * time.Minute)
	for {
		if _, err := os.Stat(inv); err == nil {
			return lab, inv
		}
		select {
		case err := <-lab.exited:
			lab.once.Do(func() {}) // nothing left to stop
			log, _ := os.ReadFile(filepath.Join(dir, "lab.log"))
			b.Fatalf("trustfix lab exited: %v\n%s", err, lastLines(string(log), 10))
		case <-timeout:
			b.Fatal("trustfix lab wrote no inventory")
		case <-tick.C:
		}
	}
}

// stop interrupts the lab (it closes every device) and waits for it; a lab
// that does not stop within a minute is killed.
func (l *applyLab) stop() {
	l.once.Do(func() {
		_ = l.cmd.Process.Signal(os.Interrupt)
		select {
		case <-l.exited:
		case <-time.After(time.Minute):
			_ = l.cmd.Process.Kill()
			<-l.exited
		}
	})
}

// applyProcCPU is a live process's user+sys CPU time from /proc.
func applyProcCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Logf("lab CPU: %v", err)
		return 0
	}
	// Fields after the ")" that ends the command name: utime is the 12th,
	// stime the 13th (stat(5) numbers them 14 and 15).
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz
}

// applyBuild builds trustfix once for this benchmark.
func applyBuild(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "trustfix")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/trustfix/trustfix/cmd/trustfix").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func applyEnvInt(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

func applyEnvFloat(b *testing.B, name string, def float64) float64 {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return f
}

func applyMean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

func applyPercentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(p*float64(len(s))))-1)]
}
