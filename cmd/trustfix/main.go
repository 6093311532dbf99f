// Command trustfix installs a new root CA on a fleet of Cisco devices.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/trustfix/trustfix/pkg/cli"
)

func main() {
	// The first SIGINT/SIGTERM cancels ctx: no new device starts, devices in
	// flight finish or back out cleanly. A second one cancels hard: devices in
	// flight abort through their guards. Neither exits here. SIGHUP (the
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
	}()
	env := cli.SystemEnv()
	env.Hard = hard
	code := cli.Run(ctx, os.Args[1:], env)
	signal.Stop(sigs)
	os.Exit(code)
}
