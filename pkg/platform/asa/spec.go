package asa

import (
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// questions: updating the trustpool from the bundle is what the url
// import is for, so its "continue?" is answered yes; the first-use
// question about error reporting is answered "ask later", which changes
// nothing. A question about removing certificates first is not here: the
// session cancels it.
var questions = []platform.Answer{
	{After: []string{"crypto ca trustpool import url"}, Question: `^Do you want to continue\? ?[\[(]y/n[\])]:?\s*$`, Reply: "y"},
	{After: []string{"configure terminal"}, Question: `\[Y\]es, \[N\]o, \[A\]sk later:\s*$`, Reply: "A"},
}

// Register adds the ASA: both methods are saved by write memory, and auto
// is terminal, which needs no internet. What rules a device out (multiple
// contexts, FIPS with a SHA-1 root, a trustpoint in the way) its Detect
// reports as blockers.
func Register(r *platform.Registry) error {
	return r.Register(platform.Spec{
		ID: "asa",
		Session: platform.Session{File: "cisco_asa.yaml", Enable: true, Paging: "terminal pager 0", Extra: []string{"terminal width 511"},
			ReadOnly:  []string{platform.ReadShow, platform.ReadDir, `enable`, `terminal pager \d{1,3}`, `terminal width \d{1,3}`},
			Questions: questions},
		Methods: []platform.Method{{Name: record.MethodURL, Persistent: true}, {Name: record.MethodTerminal, Persistent: true}},
		Auto:    []record.Method{record.MethodTerminal},
		Names: platform.ToolNames{
			Ansible: []platform.ToolName{{Name: "cisco.asa.asa"}, {Name: "asa"}},
			Nornir:  []platform.ToolName{{Name: "asa"}, {Name: "cisco_asa"}},
		},
		Driver: Driver{},
	})
}

// Driver is the code behind ASA's Spec: its sequences (driver.go), their
// description (sequence.go) and the trust-store reading (trust.go). It
// holds nothing: what the platform is, is the data above.
type Driver struct{}
