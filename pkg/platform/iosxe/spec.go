package iosxe

import (
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Register adds IOS XE. Every method lands in the configuration that
// write memory saves; auto is terminal, which needs no internet. The CLI
// lands in user exec and needs enable.
func Register(r *platform.Registry) error {
	return r.Register(platform.Spec{
		ID: "iosxe", Aliases: []string{"ios-xe"},
		Session: platform.Session{File: "cisco_iosxe.yaml", Enable: true, Paging: "terminal length 0", Extra: []string{"terminal width 511"},
			ReadOnly: []string{platform.ReadShow, platform.ReadDir, `enable`, `terminal (?:length|width) \d{1,3}`, `terminal no monitor`}},
		Methods: []platform.Method{
			{Name: record.MethodURL, Persistent: true},
			{Name: record.MethodFile, Persistent: true},
			{Name: record.MethodTerminal, Persistent: true},
		},
		Auto:   []record.Method{record.MethodTerminal},
		Driver: Driver{},
	})
}
