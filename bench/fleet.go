// Package bench holds trustfix's fleet benchmarks (`make bench`): plan
// against devsim labs of hundreds of devices with per-line latency, over
// real SSH on loopback, with trustfix run in-process through cli.Run. The
// numbers and how to read them are in BENCHMARKS.md.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// fleet is a running lab and an inventory for it.
type fleet struct {
	lab *devsimtest.Lab
	inv string
}

// startFleet serves sc expanded to n devices (n <= 0: as written) with the
// lab's inventory (devsimtest.Start), host keys accepted on first contact.
//
// The lab runs under the pprof label side=lab, which every goroutine it
// starts inherits, and trustfix under side=trustfix (plan), so that a CPU
// profile (-cpuprofile, then pprof -tagfocus side=trustfix) tells the
// tool's cost from the simulator's, which on a real fleet the devices pay.
func startFleet(b testing.TB, sc *devsim.Scenario, n int) *fleet {
	var lab *devsimtest.Lab
	pprof.Do(context.Background(), pprof.Labels("side", "lab"), func(context.Context) {
		lab = devsimtest.Start(b, sc, devsimtest.Options{Devices: n, Timeout: "5m"})
	})
	return &fleet{lab: lab, inv: lab.Inv}
}

// planned is one device of `plan -o json`, with its timing.
type planned struct {
	Name     string    `json:"name"`
	Verdict  string    `json:"verdict"`
	Error    string    `json:"error"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
}

// run is one `trustfix plan` and what it said.
type run struct {
	wall    time.Duration
	devices []planned
}

// plan runs `trustfix plan -i INV -c C -o json` in-process and times it.
// Anything but exit 0 with every device planned is an error: a benchmark
// of a fleet that fails measures the failure.
func (f *fleet) plan(c int) (run, error) {
	var out, errb bytes.Buffer
	env := cli.Env{Out: &out, Err: &errb, LookupEnv: devsimtest.LookupEnv}
	start := time.Now()
	var code int
	pprof.Do(context.Background(), pprof.Labels("side", "trustfix"), func(ctx context.Context) {
		code = cli.Run(ctx, []string{"plan", "-i", f.inv, "-c", strconv.Itoa(c), "-o", "json"}, env)
	})
	wall := time.Since(start)
	if code != cli.ExitOK {
		return run{}, fmt.Errorf("plan exit %d: %s", code, lastLines(errb.String(), 5))
	}
	var doc struct {
		Devices []planned `json:"devices"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		return run{}, err
	}
	for _, d := range doc.Devices {
		if d.Error != "" || d.Verdict != "remediate" && d.Verdict != "compliant" {
			return run{}, fmt.Errorf("%s: %s %s", d.Name, d.Verdict, d.Error)
		}
	}
	return run{wall: wall, devices: doc.Devices}, nil
}

// busy is the sum of the devices' own times (connect to verdict).
func (r run) busy() time.Duration {
	var sum time.Duration
	for _, d := range r.devices {
		sum += d.Finished.Sub(d.Started)
	}
	return sum
}

// span is the time from the first device's start to the last device's
// end; the rest of the wall time is the run's own (inventory, report).
func (r run) span() time.Duration {
	if len(r.devices) == 0 {
		return 0
	}
	first, last := r.devices[0].Started, r.devices[0].Finished
	for _, d := range r.devices {
		if d.Started.Before(first) {
			first = d.Started
		}
		if d.Finished.After(last) {
			last = d.Finished
		}
	}
	return last.Sub(first)
}

func lastLines(s string, n int) string {
	b := []byte(s)
	for i, k := len(b)-1, 0; i >= 0; i-- {
		if b[i] == '\n' {
			if k++; k > n {
				return string(b[i+1:])
			}
		}
	}
	return s
}
