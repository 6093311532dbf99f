package cli

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/trustfix/trustfix/pkg/inventory"
)

// fdHeadroom is what a run opens besides its devices' connections: the
// journal and its lock, known_hosts (read and appended under a lock, one
// at a time), the CA file, DNS lookups, and margin for the Go runtime.
const fdHeadroom = 16

// fdsPerDevice counts the descriptors one device in flight holds: its TCP
// connection and, with apply or fix, its transcript; through a jump host,
// a second connection and, while it logs in there, one to the SSH agent.
func fdsPerDevice(d inventory.Device, transcript bool) int {
	n := 1
	if transcript {
		n++
	}
	if d.JumpHost != "" {
		n += 2
	}
	return n
}

// checkFDs refuses a concurrency the open-file limit cannot carry, before
// any device is contacted: running out mid-run would fail devices for a
// reason that is not theirs.
func checkFDs(concurrency int, devs []inventory.Device, transcript bool) error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == unix.RLIM_INFINITY {
		return nil
	}
	per := 0
	for _, d := range devs {
		per = max(per, fdsPerDevice(d, transcript))
	}
	inFlight := min(concurrency, len(devs))
	need := openFDs() + fdHeadroom + inFlight*per
	if uint64(need) <= lim.Cur {
		return nil
	}
	most := (int(lim.Cur) - openFDs() - fdHeadroom) / max(per, 1)
	return inputErrf("-c %d needs about %d open files (%d per device in flight) but the limit is %d: raise ulimit -n or lower -c (to at most %d)",
		concurrency, need, per, lim.Cur, max(most, 0))
}

// openFDs counts this process's open descriptors (3 where /proc is absent).
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 3
	}
	return len(ents) - 1 // the directory being read
}
