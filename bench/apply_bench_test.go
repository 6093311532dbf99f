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
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/devsim"
)

// applySolo are the scenario's own devices (testdata/scenarios/apply-bench.yaml),
// measured alone; the fleet is their copies.
var applySolo = []string{"xe", "xr", "asa", "fxos"}

func BenchmarkApply1000(b *testing.B) {
	bin := applyBuild(b)
	p := procBench{
		verb:     "apply",
		scenario: applyScenario(b, "../testdata/scenarios/apply-bench.yaml", applyEnvFloat(b, "TRUSTFIX_BENCH_APPLY_LATENCY_SCALE", 1)),
		solo:     applySolo,
		n:        applyEnvInt(b, "TRUSTFIX_BENCH_APPLY_DEVICES", 1000),
		c:        applyEnvInt(b, "TRUSTFIX_BENCH_APPLY_C", 200),
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p.run(b, bin)
	}
}

// applyScenario writes the benchmark's scenario with every device's
// per-line latency multiplied by scale, and returns its path.
func applyScenario(b *testing.B, file string, scale float64) string {
	b.Helper()
	sc, err := devsim.LoadScenario(file)
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
	path := filepath.Join(b.TempDir(), filepath.Base(file))
	if err := os.WriteFile(path, text, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
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
