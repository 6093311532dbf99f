package journal

import (
	"slices"
	"strings"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
)

// Merged is one or more journals read as one: what `trustfix report`
// shows and the change record is made of. Journals of one run split over
// several processes (shards: one run id, disjoint devices) merge into the
// whole run; a device in more than one journal is a Conflict (the latest
// record wins), a device a run line names but no journal has a record for
// is Missing.
type Merged struct {
	// Devices are one entry per device, in inventory order (the positions
	// run lines give), then devices no run line names, in the order they
	// first appear in the journals as given.
	Devices []Entry
	// Runs are the runs the journals hold, by start time.
	Runs []RunInfo
	// Conflicts are devices with records in more than one journal.
	Conflicts []Conflict
	// Missing are devices a run covered (its run-start line) with no
	// record in any journal: never started, or the journal is missing.
	Missing []DeviceRef
	// Shards are the sharded runs (--shard K/N), each with the shards
	// the journals hold and those they do not.
	Shards []ShardSet
	// Overlaps are devices recorded by two shards of one run.
	Overlaps []Overlap
}

// Entry is one device's latest record and the journal it came from.
type Entry struct {
	Record   record.Record
	Source   string // the journal's path
	Position int    // in the inventory, from 1; 0 unknown
}

// RunInfo is one run as its lines (or, in journals written before run
// lines, its records) tell it.
type RunInfo struct {
	ID      string
	Sources []string // the journals that hold it
	Start   *Run     // its run-start line (the first, when shards wrote several)
	// Operators and Commands are those of every run-start line of the run.
	Operators []string
	Commands  []string
	Started   time.Time // run-start, else the earliest record start
	Finished  time.Time // the last run-end, else the latest record finish
	// Ended: every run-start line of it has its run-end line (false for a
	// run killed or crashed, and for journals without run lines).
	Ended   bool
	Stopped string // why it stopped early, if a run-end says so
	Resume  string
	Devices int // records of the run
}

// Conflict is a device with records in more than one journal.
type Conflict struct {
	Device  string
	Kept    string    // the journal whose record won
	KeptAt  time.Time // its record's finish (or start)
	Dropped []Dropped
}

// Dropped is a journal's record that lost a conflict.
type Dropped struct {
	Source string
	At     time.Time
}

// Merge merges journals (in the order given). Within one journal a
// device's last line is its state (journals are append-only); across
// journals the record that finished last wins, and on a tie the journal
// given later.
func Merge(files []*File) Merged {
	var m Merged
	type best struct {
		entry Entry
		at    time.Time
		order int // first appearance, for devices without a position
		from  map[string]time.Time
	}
	devices := map[string]*best{}
	position := map[string]int{}
	covered := map[string]DeviceRef{}
	var coveredOrder []string
	runs := map[string]*RunInfo{}
	run := func(id string) *RunInfo {
		if runs[id] == nil {
			runs[id] = &RunInfo{ID: id}
		}
		return runs[id]
	}
	next := 0
	starts, ends := map[string]int{}, map[string]int{}
	lastRecord, firstRecord := map[string]time.Time{}, map[string]time.Time{}
	for _, f := range files {
		for _, r := range f.Runs {
			ri := run(r.Run.ID)
			addSource(ri, f.Path)
			switch r.Event {
			case RunStart:
				starts[r.Run.ID]++
				ri.Operators = appendNew(ri.Operators, r.Operator)
				ri.Commands = appendNew(ri.Commands, r.Command)
				if ri.Start == nil || r.Time.Before(ri.Started) {
					rr := r
					ri.Start, ri.Started = &rr, r.Time
				}
				for _, d := range r.Devices {
					if d.Position > 0 {
						position[d.Name] = d.Position
					}
					if _, ok := covered[d.Name]; !ok {
						covered[d.Name] = d
						coveredOrder = append(coveredOrder, d.Name)
					}
				}
			case RunEnd:
				ends[r.Run.ID]++
				if r.Time.After(ri.Finished) {
					ri.Finished = r.Time
				}
				if r.Stopped != "" {
					ri.Stopped, ri.Resume = r.Stopped, r.Resume
				}
			}
		}
		for _, r := range f.Records {
			if r.Run == nil {
				continue
			}
			id := r.Run.ID
			addSource(run(id), f.Path)
			if r.Started != nil && (firstRecord[id].IsZero() || r.Started.Before(firstRecord[id])) {
				firstRecord[id] = *r.Started
			}
			if at := when(r); at.After(lastRecord[id]) {
				lastRecord[id] = at
			}
		}
		for _, r := range Latest(f.Records) {
			at := when(r)
			if r.Run != nil {
				run(r.Run.ID).Devices++
			}
			b, ok := devices[r.Name]
			if !ok {
				devices[r.Name] = &best{entry: Entry{Record: r, Source: f.Path}, at: at, order: next, from: map[string]time.Time{f.Path: at}}
				next++
				continue
			}
			b.from[f.Path] = at
			if !at.Before(b.at) {
				b.entry, b.at = Entry{Record: r, Source: f.Path}, at
			}
		}
	}
	for name, b := range devices {
		b.entry.Position = position[name]
		m.Devices = append(m.Devices, b.entry)
		if len(b.from) > 1 {
			c := Conflict{Device: name, Kept: b.entry.Source, KeptAt: b.at}
			for src, at := range b.from {
				if src != b.entry.Source {
					c.Dropped = append(c.Dropped, Dropped{Source: src, At: at})
				}
			}
			slices.SortFunc(c.Dropped, func(a, b Dropped) int { return strings.Compare(a.Source, b.Source) })
			m.Conflicts = append(m.Conflicts, c)
		}
	}
	slices.SortFunc(m.Devices, func(a, b Entry) int {
		pa, pb := a.Position, b.Position
		switch {
		case pa > 0 && pb > 0 && pa != pb:
			return pa - pb
		case pa > 0 && pb == 0:
			return -1
		case pa == 0 && pb > 0:
			return 1
		}
		return devices[a.Record.Name].order - devices[b.Record.Name].order
	})
	order := map[string]int{}
	for i, e := range m.Devices {
		order[e.Record.Name] = i
	}
	slices.SortFunc(m.Conflicts, func(a, b Conflict) int { return order[a.Device] - order[b.Device] })
	for _, name := range coveredOrder {
		if _, ok := devices[name]; !ok {
			m.Missing = append(m.Missing, covered[name])
		}
	}
	slices.SortStableFunc(m.Missing, func(a, b DeviceRef) int { return a.Position - b.Position })
	m.Shards, m.Overlaps = shardSets(files, m.Devices)
	for id, ri := range runs {
		ri.Ended = starts[id] > 0 && ends[id] >= starts[id]
		if shardedEnded, ok := shardsEnded(files, id); ok {
			// A shard retried in its own journal (--resume keeps the id):
			// the run ended when every journal's last start has its end.
			ri.Ended = shardedEnded
		}
		if ri.Start == nil {
			ri.Started = firstRecord[id]
		}
		if !ri.Ended || ri.Finished.IsZero() {
			ri.Finished = later(ri.Finished, lastRecord[id])
		}
		m.Runs = append(m.Runs, *ri)
	}
	slices.SortFunc(m.Runs, func(a, b RunInfo) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return m
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// when orders records across journals: the finish, else the start.
func when(r record.Record) time.Time {
	switch {
	case r.Finished != nil:
		return *r.Finished
	case r.Started != nil:
		return *r.Started
	}
	return time.Time{}
}

func addSource(ri *RunInfo, path string) { ri.Sources = appendNew(ri.Sources, path) }

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// Records are the merged devices' records, in order.
func (m Merged) Records() []record.Record {
	out := make([]record.Record, len(m.Devices))
	for i, e := range m.Devices {
		out[i] = e.Record
	}
	return out
}
