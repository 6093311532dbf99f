package iosxe

import (
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// saves are the commands that write startup-config.
var saves = []string{"write memory", "copy running-config startup-config"}

// questions are the save's questions, both answered with Enter: the
// destination (FN72298's transcript on IE3x00) and, when startup-config
// was written by another image, the NVRAM overwrite confirmation (an IOS
// message widely quoted; docs/platforms.md).
var questions = []platform.Answer{
	{After: saves, Question: `^Destination filename \[startup-config\]\?\s*$`},
	{After: saves, Question: `^Overwrite the previous NVRAM configuration\?\s*\[confirm\]\s*$`},
}

// controllerMode: a router managed by SD-WAN Manager (vManage) says so in
// show version, and takes its configuration from the controller; FN72323
// gives its own, manual workaround for it (docs/platforms.md).
var controllerMode = platform.VersionBlocker{
	Pattern: `(?i)^Router operating mode:\s*Controller-Managed`,
	Verdict: record.Unsupported,
	Reason:  "SD-WAN controller mode: the trustpoint workaround is manual (FN72323)",
}

// names: Ansible's cisco.ios.ios and the plain ios of Nornir's plugins
// are IOS XE and classic IOS alike, so they read as platform auto
// (detection refuses classic IOS); the IOS XE names of Netmiko
// (cisco_xe) and scrapli (cisco_iosxe) are IOS XE.
var names = platform.ToolNames{
	Ansible: []platform.ToolName{{Name: "cisco.ios.ios", Family: true}, {Name: "ios", Family: true}},
	Nornir: []platform.ToolName{{Name: "ios", Family: true}, {Name: "cisco_ios", Family: true},
		{Name: "iosxe"}, {Name: "cisco_xe"}, {Name: "cisco_iosxe"}},
}

// Register adds IOS XE. Every method lands in the configuration that
// write memory saves; auto is terminal, which needs no internet. The CLI
// lands in user exec and needs enable. A router in SD-WAN controller mode
// is not fixed by these sequences (controllerMode).
func Register(r *platform.Registry) error {
	return r.Register(platform.Spec{
		ID: "iosxe", Aliases: []string{"ios-xe"},
		Session: platform.Session{File: "cisco_iosxe.yaml", Enable: true, Paging: "terminal length 0", Extra: []string{"terminal width 511"},
			ReadOnly:  []string{platform.ReadShow, platform.ReadDir, `enable`, `terminal (?:length|width) \d{1,3}`, `terminal no monitor`},
			Questions: questions},
		Methods: []platform.Method{
			{Name: record.MethodURL, Persistent: true},
			{Name: record.MethodFile, Persistent: true},
			{Name: record.MethodTerminal, Persistent: true},
		},
		Auto:   []record.Method{record.MethodTerminal},
		Detect: platform.Detection{Blockers: []platform.VersionBlocker{controllerMode}},
		Names:  names,
		Driver: Driver{},
	})
}

// Driver is the code behind IOS XE's Spec: its sequences (driver.go), their
// description (sequence.go) and the trust-store reading (trust.go). It
// holds nothing: what the platform is, is the data above.
type Driver struct{}
