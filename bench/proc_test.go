package bench

// The harness of the benchmarks that run the lab as its own process
// (`trustfix lab`, built here): BenchmarkApply1000, BenchmarkApply5000,
// BenchmarkPlan5000 and BenchmarkPlanCPUBound. trustfix runs as a process
// of its own too, so its peak RSS and CPU are its alone; the lab's CPU is
// reported apart (on a small machine the two share the cores).
//
// TRUSTFIX_BENCH_INPROC=1 runs trustfix in the benchmark process instead
// (cli.Run, the binary's own code path), so that go test's -cpuprofile and
// -memprofile profile trustfix alone, the lab being elsewhere; with
// TRUSTFIX_BENCH_HEAPPROFILE=FILE it also writes a heap profile half-way
// through the fleet run, when every slot is busy (BENCHMARKS.md has the
// commands). Peak RSS is then the benchmark process's, not reported.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
)

// procBench is one fleet benchmark against a lab process.
type procBench struct {
	verb     string   // "plan" or "apply"
	scenario string   // scenario file as the lab reads it
	solo     []string // devices measured alone (-c 1); the fleet is the rest
	soloRuns int      // runs per solo device (plan: the first is untimed, host key)
	n, c     int      // fleet size and concurrency
}

// procResult is one trustfix run.
type procResult struct {
	wall    time.Duration
	peakRSS int64 // bytes; 0 in-process
	cpu     time.Duration
	times   []time.Duration // per device, its record's started → finished
}

// run measures the solo devices, then the fleet, once, and reports.
func (p procBench) run(b *testing.B, bin string) {
	dir := b.TempDir()
	lab, inv := applyStartLab(b, bin, p.scenario, p.n+len(p.solo), dir)
	defer lab.stop()

	var solo []time.Duration
	var soloCPU time.Duration
	for _, name := range p.solo {
		var times []time.Duration
		for i := range max(p.soloRuns, 1) {
			res := p.trustfix(b, bin, inv, filepath.Join(dir, fmt.Sprintf("solo-%s-%d", name, i)), 0, "-l", name, "-c", "1")
			if p.verb == "plan" && i == 0 && p.soloRuns > 1 {
				continue // first contact: records the host key
			}
			times = append(times, res.times[0])
			soloCPU += res.cpu
		}
		slices.Sort(times)
		solo = append(solo, times[len(times)/2])
	}
	soloCPU /= time.Duration(max(len(p.solo)*max(p.soloRuns-1, 1), 1))
	mean := applyMean(solo)
	rounds := math.Ceil(float64(p.n) / float64(p.c))
	ideal := time.Duration(rounds * float64(mean))

	load := loadAvg()
	labBefore := applyProcCPU(b, lab.cmd.Process.Pid)
	b.StartTimer()
	res := p.trustfix(b, bin, inv, filepath.Join(dir, "fleet"), ideal/2, "-l", "!"+strings.Join(p.solo, ",!"), "-c", strconv.Itoa(p.c))
	b.StopTimer()
	labCPU := applyProcCPU(b, lab.cmd.Process.Pid) - labBefore
	if len(res.times) != p.n {
		b.Fatalf("fleet run: %d devices, want %d", len(res.times), p.n)
	}
	ratio := res.wall.Seconds() / ideal.Seconds()
	perDev := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(p.n) }
	b.ReportMetric(res.wall.Seconds(), "wall-s")
	b.ReportMetric(ideal.Seconds(), "ideal-s")
	b.ReportMetric(ratio, "x-ideal")
	if res.peakRSS > 0 {
		b.ReportMetric(float64(res.peakRSS)/(1<<20), "peak-RSS-MiB")
	}
	b.ReportMetric(perDev(res.cpu), "cpu-ms/device")
	b.ReportMetric(perDev(labCPU), "lab-cpu-ms/device")
	b.Logf("%s N=%d c=%d on %d CPUs (%s, load %s): wall %.2fs, ideal %.2fs = %d rounds × one device alone %.3fs %v → %.3f× ideal; "+
		"device time in the fleet mean %.3fs p99 %.3fs max %.3fs; trustfix peak RSS %.1f MiB, CPU %.2fs (%.2f ms/device; alone %.1f ms); lab CPU %.2fs (%.2f ms/device)",
		p.verb, p.n, p.c, runtime.NumCPU(), runtime.Version(), load, res.wall.Seconds(), ideal.Seconds(), int(rounds), mean.Seconds(), roundAll(solo), ratio,
		applyMean(res.times).Seconds(), applyPercentile(res.times, 0.99).Seconds(), slices.Max(res.times).Seconds(),
		float64(res.peakRSS)/(1<<20), res.cpu.Seconds(), perDev(res.cpu), float64(soloCPU.Microseconds())/1000, labCPU.Seconds(), perDev(labCPU))
}

// trustfix runs `trustfix VERB -i INV -o json` plus args (apply: with a
// journal at base.jsonl and --yes) and checks that every device came out
// right: a benchmark of a fleet that fails measures the failure. heapAt
// (in-process, with TRUSTFIX_BENCH_HEAPPROFILE) is when to take the heap
// profile.
func (p procBench) trustfix(b *testing.B, bin, inv, base string, heapAt time.Duration, args ...string) procResult {
	b.Helper()
	args = append([]string{p.verb, "-i", inv, "-o", "json"}, args...)
	jpath := base + ".jsonl"
	if p.verb == "apply" {
		args = append(args, "--journal", jpath, "--yes")
	}
	var res procResult
	var stdout []byte
	if os.Getenv("TRUSTFIX_BENCH_INPROC") != "" {
		res, stdout = inProc(b, args, heapAt)
	} else {
		res, stdout = subProc(b, bin, args)
	}
	switch p.verb {
	case "apply":
		recs, probs, err := journal.Read(jpath)
		if err != nil || len(probs) > 0 {
			b.Fatalf("journal: %v %v", err, probs)
		}
		for _, r := range journal.Latest(recs) {
			if r.Outcome != record.Remediated || r.Started == nil || r.Finished == nil {
				b.Fatalf("%s: %s %s", r.Name, r.Outcome, r.Error)
			}
			res.times = append(res.times, r.Finished.Sub(*r.Started))
		}
	default:
		var doc struct{ Devices []planned }
		if err := json.Unmarshal(stdout, &doc); err != nil {
			b.Fatalf("plan output: %v", err)
		}
		for _, d := range doc.Devices {
			if d.Error != "" || d.Verdict != "remediate" && d.Verdict != "compliant" {
				b.Fatalf("%s: %s %s", d.Name, d.Verdict, d.Error)
			}
			res.times = append(res.times, d.Finished.Sub(d.Started))
		}
	}
	return res
}

// subProc runs the binary; its peak RSS is sampled from /proc while it runs
// (see peakRSS) and its CPU read from its rusage.
func subProc(b *testing.B, bin string, args []string) (procResult, []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = devsimtest.Environ()
	var stdout bytes.Buffer
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	parentHWM := hwm("self")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	sampled := make(chan int64, 1)
	stop := make(chan struct{})
	go func() { sampled <- sampleHWM(cmd.Process.Pid, stop) }()
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	if err != nil {
		b.Fatalf("trustfix %v: %v\n%s", args, err, lastLines(stderr.String(), 10))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return procResult{
		wall:    wall,
		peakRSS: peakRSS(ru.Maxrss*1024, parentHWM, <-sampled),
		cpu:     time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
	}, stdout.Bytes()
}

// peakRSS is the child's peak resident size. Its ru_maxrss is exact only
// when it is above the parent's own high-water mark: os/exec starts a
// child with vfork, and the kernel counts the parent's memory image (the
// one the child ran in until exec) in the child's maxrss. Otherwise the
// highest VmHWM sampled while it ran stands in (it misses at most the last
// sampling interval).
func peakRSS(maxrss, parentHWM, sampled int64) int64 {
	if maxrss > parentHWM {
		return maxrss
	}
	return sampled
}

// sampleHWM reads /proc/PID/status's VmHWM every 5 ms until stop.
func sampleHWM(pid int, stop <-chan struct{}) int64 {
	var peak int64
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		peak = max(peak, hwm(strconv.Itoa(pid)))
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}

// hwm is a process's VmHWM in bytes (0 when gone).
func hwm(pid string) int64 {
	raw, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// inProc runs trustfix through cli.Run in this process, labelled
// side=trustfix for pprof.
func inProc(b *testing.B, args []string, heapAt time.Duration) (procResult, []byte) {
	var out, errb bytes.Buffer
	env := cli.Env{Out: &out, Err: &errb, LookupEnv: devsimtest.LookupEnv}
	heap := os.Getenv("TRUSTFIX_BENCH_HEAPPROFILE")
	done := make(chan struct{})
	var wg sync.WaitGroup
	if heap != "" && heapAt > 0 {
		wg.Go(func() { heapProfileAt(b, heap, heapAt, done) })
	}
	cpu0 := cpuTime()
	start := time.Now()
	var code int
	pprof.Do(context.Background(), pprof.Labels("side", "trustfix"), func(ctx context.Context) {
		code = cli.Run(ctx, args, env)
	})
	wall := time.Since(start)
	close(done)
	wg.Wait()
	if code != cli.ExitOK {
		b.Fatalf("trustfix %v: exit %d\n%s", args, code, lastLines(errb.String(), 10))
	}
	return procResult{wall: wall, cpu: cpuTime() - cpu0}, out.Bytes()
}

// heapProfileAt writes the heap profile (as of the last GC) after d,
// unless the run is done first.
func heapProfileAt(b *testing.B, path string, d time.Duration, done <-chan struct{}) {
	select {
	case <-done:
		return
	case <-time.After(d):
	}
	f, err := os.Create(path)
	if err != nil {
		b.Error(err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Error(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("heap profile %s at %v: heap in use %.1f MiB, stacks %.1f MiB, from the OS %.1f MiB, goroutines %d",
		path, d.Round(time.Second), float64(ms.HeapInuse)/(1<<20), float64(ms.StackInuse)/(1<<20), float64(ms.Sys)/(1<<20), runtime.NumGoroutine())
}

// loadAvg is the 1-minute load average as the run starts.
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}
