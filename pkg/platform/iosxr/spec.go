package iosxr

import (
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// methods: the trustpool is on disk; a certificate authenticated at the
// terminal is lost on reload (FN72290). Under import_method auto, url falls
// back to terminal when the device cannot fetch the bundle (Driver.Apply).
func methods() []platform.Method {
	return []platform.Method{
		{Name: record.MethodURL, Persistent: true, Fallback: record.MethodTerminal,
			FallbackNote: "if the device cannot fetch it, falls back to terminal, which does not survive a reload"},
		{Name: record.MethodFile, Persistent: true},
		{Name: record.MethodTerminal, Persistent: false,
			Note:     "lost on reload (FN72290): stage a bundle and use file for a lasting fix",
			FollowUp: followUp},
	}
}

// followUp is what makes the terminal method's fix last (FN72290).
const followUp = "lost at the next reload (IOS XR terminal method, FN72290): copy the bundle to the device " +
	"(e.g. harddisk:/ios.p7b) and run apply with bundle_file set (import_method file or auto), " +
	"or with import_method url once the device reaches the bundle URL"

// questions: the url import (also the file method's import from /tmp) may
// ask before it adds the bundle's certificates; adding them is what the
// step is for. A question about removing anything is not on this list:
// the session cancels it.
var questions = []platform.Answer{
	{After: []string{"crypto ca trustpool import url"}, Question: `^(?:Add|Import) (?:the )?\d+ (?:CA )?certificates?\b[^?]*\?\s*\[yes/no\]:?\s*$`, Reply: "yes"},
}

// Register adds IOS XR: auto is file when a bundle is staged, else url.
// The CLI lands in privileged exec; timestamps are turned off so that
// listings start with their first line.
func Register(r *platform.Registry) error {
	return r.Register(platform.Spec{
		ID: "iosxr", Aliases: []string{"ios-xr"},
		Methods: methods(),
		Auto:    []record.Method{record.MethodFile, record.MethodURL},
		Session: platform.Session{File: "cisco_iosxr.yaml", Paging: "terminal length 0", Extra: []string{"terminal width 512", "terminal exec prompt no-timestamp"},
			ReadOnly:  []string{platform.ReadShow, platform.ReadDir, `terminal (?:length|width) \d{1,3}`, `terminal exec prompt no-timestamp`},
			Questions: questions},
		Names: platform.ToolNames{
			Ansible: []platform.ToolName{{Name: "cisco.iosxr.iosxr"}, {Name: "iosxr"}},
			Nornir:  []platform.ToolName{{Name: "iosxr"}, {Name: "cisco_xr"}, {Name: "cisco_iosxr"}, {Name: "iosxr_netconf"}},
		},
		Driver: Driver{},
	})
}

// Driver is the code behind IOS XR's Spec: its sequences (driver.go), their
// description (sequence.go) and the trust-store reading (trust.go). It
// holds nothing: what the platform is, is the data above.
type Driver struct{}
