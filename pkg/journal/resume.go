package journal

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/shard"
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
	// Moved says, by device name, why a device runs again although the
	// journal has it: its host or port changed since ("port 2201 → 2202"),
	// so it may be another device. It is to do, and never Interrupted.
	Moved map[string]string
	// NotSelected are the journal's devices this run does not have
	// (removed from the inventory, or left out by --limit), in journal
	// order: their last records stay in the report, never counted.
	NotSelected []string
	// Last is each journaled device's last record.
	Last map[string]record.Record
}

// Resume refuses a journal of another run (CheckRun: another CA, or lines
// that do not say) and, for the devices of this run, matched by name, host
// and port: drops those whose last record is done (record.Record.Done),
// names those an earlier run may have changed without saving, runs again
// those whose host or port changed, and runs those the journal does not
// have. An edited inventory resumes: its fields apply to the devices still
// to do. An empty journal resumes nothing: every device is to do.
func Resume(recs []record.Record, devs []inventory.Device, run record.RunInfo) (Resumed, error) {
	if len(recs) == 0 {
		return Resumed{Todo: devs}, nil
	}
	if err := CheckRun(recs, run); err != nil {
		return Resumed{}, err
	}
	rs := Resumed{Interrupted: map[string]bool{}, Moved: map[string]string{}, Last: LastByDevice(recs)}
	selected := map[string]bool{}
	for _, d := range devs {
		selected[d.Name] = true
		r, ok := rs.Last[d.Name]
		if ok && RecordIdentity(r) != Identity(d) {
			rs.Moved[d.Name] = moved(r, d)
			rs.Todo = append(rs.Todo, d)
			continue
		}
		if ok && r.Done() {
			continue
		}
		if ok && r.ChangeBegun() {
			rs.Interrupted[d.Name] = true
		}
		rs.Todo = append(rs.Todo, d)
	}
	for _, r := range Latest(recs) {
		if !selected[r.Name] {
			rs.NotSelected = append(rs.NotSelected, r.Name)
		}
	}
	return rs, nil
}

// Identity is what identifies a device in a run: its name, host and port
// (shard.Device). It is the one notion of "the same device" that Resume
// matches journal records by and that the shards' run id hashes
// (shard.RunID), so both agree: a device whose host or port changed is
// another device for both. A resume keeps the run id its journal names;
// such a device runs again within it.
func Identity(d inventory.Device) shard.Device {
	return shard.Device{Name: d.Name, Host: d.Host, Port: d.Port}
}

// RecordIdentity is the Identity a record was written for.
func RecordIdentity(r record.Record) shard.Device {
	return shard.Device{Name: r.Name, Host: r.Host, Port: r.Port}
}

// moved says what changed in a device's address since its record.
func moved(r record.Record, d inventory.Device) string {
	switch {
	case r.Host != d.Host && r.Port != d.Port:
		return fmt.Sprintf("address %s → %s", net.JoinHostPort(r.Host, strconv.Itoa(r.Port)), net.JoinHostPort(d.Host, strconv.Itoa(d.Port)))
	case r.Host != d.Host:
		return fmt.Sprintf("host %s → %s", r.Host, d.Host)
	}
	return fmt.Sprintf("port %d → %d", r.Port, d.Port)
}

// CheckRun refuses to resume from a journal written for another CA, or
// holding records that do not say which run wrote them. The inventory may
// have changed (Resume matches devices by name, host and port); run IDs
// differ: each resume is a new run of the same CA. An empty journal
// passes.
func CheckRun(recs []record.Record, want record.RunInfo) error {
	for _, r := range recs {
		if r.Run == nil {
			return fmt.Errorf("%w: the record of device %q has no run information, so its CA is unknown; start a new journal", ErrRunMismatch, r.Name)
		}
		if r.Run.CAFingerprint != want.CAFingerprint {
			got, now := shorten(r.Run.CAFingerprint, want.CAFingerprint)
			return fmt.Errorf("%w: it was written for a different CA (fingerprint %s, this run %s) (run %s, device %q); use a new journal for this CA",
				ErrRunMismatch, got, now, r.Run.ID, r.Name)
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
