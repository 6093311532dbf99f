// Command trustfix installs a new root CA on a fleet of Cisco devices.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/session"
)

// backstop is how long after the second signal the process may take: the
// sessions' grace for backing out, then time to write the last records.
const backstop = session.DefaultAbortGrace + 5*time.Second

func main() {
	// The first SIGINT/SIGTERM cancels ctx: no new device starts, devices in
	// flight finish or back out cleanly. A second one cancels hard: devices in
	// flight abort through their guards, within their session's grace.
	// Neither exits here; only a third signal, or the backstop after the
	// second, ends the process from this handler. SIGHUP (the
	// terminal or SSH session that started the run went away) counts as a
	// signal too: by default it would kill the process mid-change. A signal
	// the run was started with ignored (nohup, a background job) stays
	// ignored: Notify would otherwise turn it back on.
	ctx, stop := context.WithCancel(context.Background())
	hard, abort := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	watch := []os.Signal{syscall.SIGTERM}
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			watch = append(watch, s)
		}
	}
	signal.Notify(sigs, watch...)
	go func() {
		<-sigs
		stop()
		<-sigs
		abort()
		// Devices back out within their session's grace and are then cut
		// off, so the run ends by itself in seconds. Should anything still
		// hold it (a disk that does not answer an fsync), a third signal
		// or the backstop ends the process; the journal survives that as
		// it survives kill -9.
		select {
		case <-sigs:
		case <-time.After(backstop):
		}
		fmt.Fprintln(os.Stderr, "trustfix: did not stop after the second signal; exiting")
		os.Exit(cli.ExitStopped)
	}()
	env := cli.SystemEnv()
	env.Hard = hard
	code := cli.Run(ctx, os.Args[1:], env)
	signal.Stop(sigs)
	os.Exit(code)
}
