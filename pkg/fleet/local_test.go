package fleet_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/secret"
)

// fdHelperEnv carries the lab's device ports to the helper process.
const fdHelperEnv = "TRUSTFIX_TEST_FD_HELPER"

// When this process has no file descriptor left, every dial fails with
// EMFILE. That is this machine's problem, not the devices': the first
// device fails as a local error (not unreachable, not retried), the fleet
// stops launching with what to do, and no other device is tried. The run
// happens in a child process, which exhausts its own descriptors.
func TestLocalErrorsStopTheFleet(t *testing.T) {
	if ports := os.Getenv(fdHelperEnv); ports != "" {
		fdHelper(t, ports)
		return
	}
	sc := devsim.DefaultScenario()
	var keep []devsim.Spec
	for _, sp := range sc.Devices {
		if sp.Name == "c9300-core-01" || sp.Name == "xr-peer-03" || sp.Name == "asa-dmz-4" {
			keep = append(keep, sp)
		}
	}
	sc.Devices = keep
	l, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var ports []string
	for _, d := range l.Devices() {
		ports = append(ports, strconv.Itoa(d.Port()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run", "^TestLocalErrorsStopTheFleet$", "-test.v")
	cmd.Env = append(os.Environ(), fdHelperEnv+"="+strings.Join(ports, ","))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	i := strings.Index(string(out), "SUMMARY ")
	if i < 0 {
		t.Fatalf("helper printed no summary:\n%s", out)
	}
	var sum struct {
		Records    []record.Record
		NotStarted []struct{ Name string }
		Stopped    string
	}
	if err := json.NewDecoder(strings.NewReader(string(out[i+len("SUMMARY "):]))).Decode(&sum); err != nil {
		t.Fatal(err)
	}
	if sum.Stopped != fleet.StopLocal || len(sum.Records) != 1 || len(sum.NotStarted) != 2 {
		t.Fatalf("stopped %q, %d records, %d not started: want %q, 1, 2", sum.Stopped, len(sum.Records), len(sum.NotStarted), fleet.StopLocal)
	}
	r := sum.Records[0]
	if r.Verdict != "error" || r.Attempts != 1 || !strings.Contains(r.Error, "raise ulimit -n or lower -c") {
		t.Errorf("record: verdict %s, attempts %d, error %q: want error, 1, what to do", r.Verdict, r.Attempts, r.Error)
	}
	for _, d := range l.Devices() {
		if n := d.State().Connections; n != 0 {
			t.Errorf("%s: %d connections: no device can be reached without a descriptor", d.Name(), n)
		}
	}
}

// fdHelper runs a three-device fleet (two retries each) with every file
// descriptor of the process in use, and prints the summary.
func fdHelper(t *testing.T, ports string) {
	var devs []inventory.Device
	for i, p := range strings.Split(ports, ",") {
		d := inventory.NewDevice("dev-"+strconv.Itoa(i), "127.0.0.1")
		d.Port, _ = strconv.Atoi(p)
		d.Platform, d.Username, d.Password = "auto", "netops", secret.New("lab-Pa55-w0rd")
		d.KnownHosts = filepath.Join(t.TempDir(), "known_hosts")
		d.Retries = 2
		devs = append(devs, d)
	}
	// A low limit first, so that filling it is quick.
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = min(lim.Cur, 256)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	var held []*os.File
	defer func() {
		for _, f := range held {
			f.Close()
		}
	}()
	for {
		f, err := os.Open(os.DevNull)
		if errors.Is(err, syscall.EMFILE) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, f)
	}
	runner := &remediate.Runner{Registry: registry.Default(), CA: cert.Default()}
	sum := fleet.Run(context.Background(), context.Background(), devs, runner.Device, fleet.Options{
		Concurrency: 1, Sleep: func(context.Context, time.Duration) error { return nil },
	})
	b, _ := json.Marshal(sum)
	os.Stdout.WriteString("SUMMARY " + string(b) + "\n")
}
