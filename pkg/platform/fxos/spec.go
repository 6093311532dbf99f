package fxos

import (
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Register adds the FXOS supervisor: the terminal method only, made
// lasting by commit-buffer itself. Its CLI lands in exec, no enable.
func Register(r *platform.Registry) error {
	return r.Register(platform.Spec{
		ID: "fxos",
		Session: platform.Session{File: "cisco_fxos.yaml", Paging: "terminal length 0", Extra: []string{"terminal width 511"},
			ReadOnly: []string{platform.ReadShow, `scope security`, `scope trustpoint [A-Za-z0-9_.:-]{1,64}`, `top`, `up`, `terminal (?:length|width) \d{1,3}`}},
		Methods: []platform.Method{{Name: record.MethodTerminal, Persistent: true}},
		Auto:    []record.Method{record.MethodTerminal},
		Driver:  Driver{},
	})
}

// Driver is the code behind FXOS's Spec: its sequences (driver.go), their
// description (sequence.go) and the trust-store reading (trust.go). It
// holds nothing: what the platform is, is the data above.
type Driver struct{}
