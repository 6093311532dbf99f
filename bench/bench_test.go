package bench

import (
	"math"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/devsim"
)

// scenarioFile is the benchmark fleet: one healthy template per platform,
// 2ms before every line a device writes.
const scenarioFile = "../testdata/scenarios/bench.yaml"

// BenchmarkPlan500 plans a 500-device lab (125 of each platform) with 50
// sessions at once, against the ideal ceil(N/c) × one device's time.
func BenchmarkPlan500(b *testing.B) { benchmarkPlan(b, 500, 50) }

// BenchmarkPlan100 is the same at a fifth of the size, with 10 at once.
func BenchmarkPlan100(b *testing.B) { benchmarkPlan(b, 100, 10) }

// BenchmarkPlan500Concurrency plans the 500-device lab at several pool
// sizes: where the ratio to the ideal degrades shows what the machine,
// not the pool, can sustain.
func BenchmarkPlan500Concurrency(b *testing.B) {
	for _, c := range []int{10, 25, 100} {
		b.Run("c="+strconv.Itoa(c), func(b *testing.B) { benchmarkPlan(b, 500, c) })
	}
}

// benchmarkPlan: time one device of each template alone (-c 1), start an
// n-device lab, plan it once untimed (accept-new records every host key:
// the "cold" first run), then time b.N warm runs at concurrency c.
//
// The ideal is ceil(n/c) × the mean alone time of the templates: the lab
// cycles through them, so that is the fleet's total work spread perfectly
// over c slots with no cost for running c at once. Using the slowest
// template instead would flatter the result (ideal_max_s is reported too).
func benchmarkPlan(b *testing.B, n, c int) {
	sc, err := devsim.LoadScenario(scenarioFile)
	if err != nil {
		b.Fatal(err)
	}
	alone, aloneCPU := aloneTimes(b, sc)
	var sum, slowest time.Duration
	for _, d := range alone {
		sum += d
		slowest = max(slowest, d)
	}
	mean := sum / time.Duration(len(alone))
	rounds := math.Ceil(float64(n) / float64(c))
	ideal := time.Duration(rounds * float64(mean))

	f := startFleet(b, sc, n)
	defer f.lab.Close()
	cold, err := f.plan(c)
	if err != nil {
		b.Fatalf("cold run: %v", err)
	}
	if len(cold.devices) != n {
		b.Fatalf("cold run planned %d devices, want %d", len(cold.devices), n)
	}

	b.ResetTimer()
	var wall, busy, span time.Duration
	cpu0 := cpuTime()
	for range b.N {
		r, err := f.plan(c)
		if err != nil {
			b.Fatal(err)
		}
		wall += r.wall
		busy += r.busy()
		span += r.span()
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0) / time.Duration(b.N)
	wall /= time.Duration(b.N)
	busy /= time.Duration(b.N)
	span /= time.Duration(b.N)
	cores := runtime.GOMAXPROCS(0)

	b.ReportMetric(wall.Seconds(), "wall_s")
	b.ReportMetric(ideal.Seconds(), "ideal_s")
	b.ReportMetric(wall.Seconds()/ideal.Seconds(), "ratio")
	b.ReportMetric(time.Duration(rounds*float64(slowest)).Seconds(), "ideal_max_s")
	b.ReportMetric(cold.wall.Seconds(), "cold_s")
	b.ReportMetric(mean.Seconds()*1000, "alone_ms")
	b.ReportMetric((busy/time.Duration(n)).Seconds()*1000, "loaded_ms")
	b.ReportMetric(busy.Seconds()/(float64(c)*wall.Seconds()), "slot_use")
	// From the first device's start to the last one's end: wall - span is
	// the run's own time (inventory, report), span - ideal the fleet's.
	b.ReportMetric(span.Seconds(), "span_s")
	b.ReportMetric(float64(n)/wall.Seconds(), "dev/s")
	// CPU of the whole process (lab and trustfix): per device, and as a
	// share of what the cores could give during the run. Near 1, the
	// machine is the limit; well below 1 with a poor ratio, something
	// else is (another process, or waiting).
	b.ReportMetric(cpu.Seconds()*1000/float64(n), "cpu_ms/dev")
	b.ReportMetric(aloneCPU.Seconds()*1000, "alone_cpu_ms")
	b.ReportMetric(cpu.Seconds()/(wall.Seconds()*float64(cores)), "cpu_use")
	b.Logf("n=%d c=%d: wall %v, ideal %v (ceil(%d/%d)=%v rounds × mean alone %v), ratio %.2f; cold run %v; device time alone %v, under load %v; slots busy %.0f%%; CPU %v per run (%.1f ms/device, %.0f%% of %d cores)",
		n, c, wall.Round(time.Millisecond), ideal.Round(time.Millisecond), n, c, rounds, mean.Round(time.Millisecond),
		wall.Seconds()/ideal.Seconds(), cold.wall.Round(time.Millisecond), mean.Round(time.Millisecond),
		(busy / time.Duration(n)).Round(time.Millisecond), 100*busy.Seconds()/(float64(c)*wall.Seconds()),
		cpu.Round(time.Millisecond), cpu.Seconds()*1000/float64(n), 100*cpu.Seconds()/(wall.Seconds()*float64(cores)), cores)
}

// aloneTimes plans each template of sc as a one-device lab with -c 1: one
// untimed run to record its host key, then the median of three. It also
// returns the mean CPU (lab and trustfix) of one such run.
func aloneTimes(b *testing.B, sc *devsim.Scenario) (map[string]time.Duration, time.Duration) {
	b.Helper()
	out := map[string]time.Duration{}
	var cpu time.Duration
	runs := 0
	for _, sp := range sc.Devices {
		one := *sc
		one.Devices = []devsim.Spec{sp}
		f := startFleet(b, &one, 0)
		var times []time.Duration
		for i := range 4 {
			c0 := cpuTime()
			r, err := f.plan(1)
			if err != nil {
				f.lab.Close()
				b.Fatalf("%s alone: %v", sp.Name, err)
			}
			if i > 0 {
				times = append(times, r.wall)
				cpu += cpuTime() - c0
				runs++
			}
		}
		f.lab.Close()
		slices.Sort(times)
		out[sp.Name] = times[len(times)/2]
		b.Logf("%s alone: %v (of %v)", sp.Name, out[sp.Name].Round(time.Millisecond), times)
	}
	return out, cpu / time.Duration(runs)
}
