package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/shard"
)

// Schema is the journal's version (docs/json.md). Device lines are
// record.Record; run lines say so with "journal": "trustfix".
const Schema = "trustfix/v1"

// Run events.
const (
	RunStart = "run-start"
	RunEnd   = "run-end"
)

// Run is a journal line about a run rather than a device: one when the
// run starts (who, what, which devices in inventory order) and one when
// it ends (when, and whether it stopped early). It has no device name, so
// a reader that knows only records skips it; it also marks the file as a
// trustfix journal. Several runs (a resume, shards of one fleet run by
// several processes with one run id) each write their own.
type Run struct {
	Journal string         `json:"journal"` // always "trustfix"
	Schema  string         `json:"schema"`
	Event   string         `json:"event"` // RunStart or RunEnd
	Run     record.RunInfo `json:"run"`
	Time    time.Time      `json:"time"`
	// Run start.
	Command   string        `json:"command,omitempty"`  // e.g. "apply", "apply --resume", "fix"
	Operator  string        `json:"operator,omitempty"` // user@host
	Inventory *InventoryRef `json:"inventory,omitempty"`
	CA        *CARef        `json:"ca,omitempty"`
	// Devices are the devices this run covers, in inventory order.
	Devices []DeviceRef `json:"devices,omitempty"`
	// Shard is the part of the run this process did (--shard K/N): the
	// shards of one run share its id and each writes its own journal.
	Shard *shard.Spec `json:"shard,omitempty"`
	// Run end.
	Stopped string `json:"stopped,omitempty"` // why it stopped early
	Resume  string `json:"resume,omitempty"`  // the command that continues it
}

// InventoryRef names the inventory a run read.
type InventoryRef struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Devices int    `json:"devices"` // in the whole inventory, before --limit
}

// CARef is the certificate a run installs, whole: a change record names it
// and derives its backout from it without the file.
type CARef struct {
	Subject string `json:"subject"`
	SHA1    string `json:"sha1"`
	SHA256  string `json:"sha256"`
	PEM     string `json:"pem"`
}

// DeviceRef is one device of a run; Position is its place in the whole
// inventory (from 1), so that the journals of shards of one inventory
// merge back into inventory order.
type DeviceRef struct {
	Name     string `json:"name"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Position int    `json:"position"`
}

// AppendRun writes a run line (durably, as Append).
func (j *Journal) AppendRun(r Run) error {
	r.Journal, r.Schema = "trustfix", Schema
	if r.Event != RunStart && r.Event != RunEnd {
		return fmt.Errorf("journal: run line with event %q", r.Event)
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("journal: run line: %w", err)
	}
	return j.write(line, "run "+r.Run.ID)
}

// ErrNotJournal matches (with errors.Is) the refusal of a file that is not
// a trustfix journal.
var ErrNotJournal = errors.New("not a trustfix journal")

// lineKind tells the lines of a journal apart.
type lineKind int

const (
	notOurs lineKind = iota
	deviceLine
	runLine
)

// probe is just enough of a line to say what it is.
type probe struct {
	Journal string          `json:"journal"`
	Name    string          `json:"name"`
	Verdict record.Verdict  `json:"verdict"`
	Outcome record.Outcome  `json:"outcome"`
	Event   string          `json:"event"`
	Extra   json.RawMessage `json:"-"`
}

func kindOf(line []byte) lineKind {
	var p probe
	if json.Unmarshal(line, &p) != nil {
		return notOurs
	}
	switch {
	case p.Journal == "trustfix" && (p.Event == RunStart || p.Event == RunEnd):
		return runLine
	case p.Name != "" && (p.Verdict != "" || p.Outcome != ""):
		return deviceLine
	}
	return notOurs
}
