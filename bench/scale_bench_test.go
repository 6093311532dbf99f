package bench

// Scale and CPU benchmarks, each with the lab in its own process (see
// proc_test.go):
//
//   - BenchmarkApply5000 and BenchmarkPlan5000: 5,000 IOS XE devices
//     answering 20 ms per output line (testdata/scenarios/apply-xe-bench.yaml),
//     at -c 500, against ceil(N/c) × one device's time alone.
//   - BenchmarkPlanCPUBound: the 500-device mixed lab of BenchmarkPlan500
//     (2 ms per line) at -c 100, where lab and trustfix together need more
//     CPU than two cores give: the case that shows trustfix's CPU per device.
//
// Every fleet run is a first contact: host keys are recorded (accept-new)
// during the timed run, as on a first night. Knobs:
//
//	TRUSTFIX_BENCH_SCALE_DEVICES=5000 TRUSTFIX_BENCH_SCALE_C=500
//	TRUSTFIX_BENCH_CPU_DEVICES=500 TRUSTFIX_BENCH_CPU_C=100

import "testing"

// xeSolo are the scale lab's devices measured alone: apply changes a
// device, so each is a device of its own (the median of three is taken).
var xeSolo = []string{"xe", "xe-2", "xe-3"}

func BenchmarkApply5000(b *testing.B) { benchmarkScale(b, "apply") }

func BenchmarkPlan5000(b *testing.B) { benchmarkScale(b, "plan") }

func benchmarkScale(b *testing.B, verb string) {
	bin := applyBuild(b)
	p := procBench{
		verb:     verb,
		scenario: "../testdata/scenarios/apply-xe-bench.yaml",
		solo:     xeSolo,
		soloRuns: 1,
		n:        applyEnvInt(b, "TRUSTFIX_BENCH_SCALE_DEVICES", 5000),
		c:        applyEnvInt(b, "TRUSTFIX_BENCH_SCALE_C", 500),
	}
	if verb == "plan" {
		p.solo, p.soloRuns = xeSolo[:1], 4 // plan can be repeated: one device, first run untimed
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p.run(b, bin)
	}
}

// BenchmarkPlanCPUBound plans the four-platform bench lab (2 ms a line) at
// -c 100; the ideal is ceil(N/c) × the templates' mean time alone.
func BenchmarkPlanCPUBound(b *testing.B) {
	bin := applyBuild(b)
	p := procBench{
		verb:     "plan",
		scenario: scenarioFile,
		solo:     []string{"bench-xe", "bench-xr", "bench-asa", "bench-fxos"},
		soloRuns: 4,
		n:        applyEnvInt(b, "TRUSTFIX_BENCH_CPU_DEVICES", 500),
		c:        applyEnvInt(b, "TRUSTFIX_BENCH_CPU_C", 100),
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p.run(b, bin)
	}
}
