package journal

import (
	"errors"
	"fmt"
	"strings"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
)

// ErrRunMismatch matches (with errors.Is) CheckRun's refusals.
var ErrRunMismatch = errors.New("journal does not match this run")

// LastByDevice returns the last record of each device, in file order: the
// device's current state for a resume.
func LastByDevice(recs []record.Record) map[string]record.Record {
	last := make(map[string]record.Record, len(recs))
	for _, r := range recs {
		last[r.Name] = r
	}
	return last
}

// Latest returns the last record of each device, ordered by each device's
// first appearance: a journal of several attempts as one row per device,
// for the report.
func Latest(recs []record.Record) []record.Record {
	index := make(map[string]int, len(recs))
	var out []record.Record
	for _, r := range recs {
		if i, ok := index[r.Name]; ok {
			out[i] = r
			continue
		}
		index[r.Name] = len(out)
		out = append(out, r)
	}
	return out
}

// Resumed is what a journal says about the run being resumed.
type Resumed struct {
	// Todo are the devices to run, in the order given.
	Todo []inventory.Device
	// Interrupted names the devices an earlier run may have changed without
	// saving (record.Record.ChangeBegun): the runner saves such a device if
	// it now holds the CA, and changes it again only if it does not.
	Interrupted map[string]bool
	// Last is each journaled device's last record.
	Last map[string]record.Record
}

// Resume refuses to mix runs in one journal (CheckRun) and, for the
// devices of this run, drops those whose last record is done
// (record.Record.Done) and names those an earlier run may have changed
// without saving. An empty journal resumes nothing: every device is to do.
func Resume(recs []record.Record, devs []inventory.Device, run record.RunInfo) (Resumed, error) {
	if len(recs) == 0 {
		return Resumed{Todo: devs}, nil
	}
	if err := CheckRun(recs, run); err != nil {
		return Resumed{}, err
	}
	rs := Resumed{Interrupted: map[string]bool{}, Last: LastByDevice(recs)}
	for _, d := range devs {
		r, ok := rs.Last[d.Name]
		if ok && r.Done() {
			continue
		}
		if ok && r.ChangeBegun() {
			rs.Interrupted[d.Name] = true
		}
		rs.Todo = append(rs.Todo, d)
	}
	return rs, nil
}

// CheckRun refuses to resume from a journal written for another inventory
// or another CA, or holding records that do not say which run wrote them.
// Run IDs may differ: each resume is a new run of the same inputs. An empty
// journal passes.
func CheckRun(recs []record.Record, want record.RunInfo) error {
	for _, r := range recs {
		if r.Run == nil {
			return fmt.Errorf("%w: the record of device %q has no run information, so its inventory and CA are unknown; start a new journal", ErrRunMismatch, r.Name)
		}
		var diff []string
		if r.Run.Inventory != want.Inventory {
			got, now := shorten(r.Run.Inventory, want.Inventory)
			diff = append(diff, fmt.Sprintf("a different inventory (sha256 %s, this run %s)", got, now))
		}
		if r.Run.CAFingerprint != want.CAFingerprint {
			got, now := shorten(r.Run.CAFingerprint, want.CAFingerprint)
			diff = append(diff, fmt.Sprintf("a different CA (fingerprint %s, this run %s)", got, now))
		}
		if len(diff) > 0 {
			return fmt.Errorf("%w: it was written for %s (run %s, device %q); use a new journal for these inputs", ErrRunMismatch, strings.Join(diff, " and "), r.Run.ID, r.Name)
		}
	}
	return nil
}

// shorten trims two different digests to the shortest readable prefixes
// that still tell them apart.
func shorten(a, b string) (string, string) {
	n := 12
	for n < max(len(a), len(b)) && prefix(a, n) == prefix(b, n) {
		n += 8
	}
	return show(a, n), show(b, n)
}

func prefix(s string, n int) string { return s[:min(n, len(s))] }

func show(s string, n int) string {
	switch {
	case s == "":
		return "none"
	case len(s) > n:
		return s[:n] + "…"
	}
	return s
}
