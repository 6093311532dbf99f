package report

import (
	"time"

	"github.com/trustfix/trustfix/pkg/record"
)

var (
	t0 = time.Date(2025, 3, 14, 2, 10, 0, 0, time.UTC)
	fn = &record.Advisory{Notice: "FN72298", Affected: true, Fixed: "17.6.1 or later", Note: "upgrade to a fixed release or import the root"}
)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

// planRecords is a plan over a mixed fleet: every verdict once or more.
func planRecords() []record.Record {
	return []record.Record{
		{Name: "ie3400-dock-01", Host: "10.20.0.11", Port: 22, Platform: "iosxe", Version: "17.3.4", Model: "IE-3400-8P2S", Hostname: "dock-01",
			CAPresent: record.Bool(false), Verdict: record.Remediate, Method: record.MethodTerminal, Persistent: record.Bool(true),
			Reason: "terminal import needs no internet access and survives a reload", Advisory: fn},
		{Name: "c9300-access-02", Host: "10.20.0.12", Port: 22, Platform: "iosxe", Version: "17.9.4", Model: "C9300-48P", Hostname: "access-02",
			CAPresent: record.Bool(true), Verdict: record.Compliant, Advisory: &record.Advisory{Notice: "FN72298", Affected: false}},
		{Name: "ncs-core-1", Host: "2001:db8::1", Port: 830, Platform: "iosxr", Version: "7.3.2", Model: "NCS-5501", Hostname: "core-1",
			CAPresent: record.Bool(false), Verdict: record.Remediate, Method: record.MethodTerminal, Persistent: record.Bool(false),
			Reason: "no bundle file configured and url import failed: terminal does not survive a reload"},
		{Name: "asa-edge-1", Host: "10.0.1.1", Port: 22, Platform: "asa", Version: "9.16(4)", Model: "ASA5516-X", Hostname: "edge-1",
			CAPresent: nil, Verdict: record.Error, Error: "show crypto ca certificates:\n% Invalid input detected at '^' marker.\n\tand then a great deal more output from the device that goes on and on"},
		{Name: "fpr4100-1", Host: "10.0.2.1", Port: 22, Platform: "fxos", Version: "2.10(1.159)", Model: "FPR-4110", Hostname: "fpr-1",
			CAPresent: record.Bool(false), Verdict: record.Remediate, Method: record.MethodTerminal, Persistent: record.Bool(true)},
		{Name: "esa-1", Host: "10.0.3.1", Port: 22, Platform: "esa", Version: "14.0.0", Model: "C395",
			Verdict: record.UpgradeRequired, Advisory: &record.Advisory{Notice: "FN72402", Affected: true, Fixed: "14.2.1"}},
		{Name: "nexus-1", Host: "10.0.4.1", Port: 22, Platform: "nxos", Verdict: record.Unsupported, Reason: "platform nxos has no fix by CLI"},
		{Name: "lab-sw-9", Host: "10.9.9.9", Port: 22, Verdict: record.Unreachable, Error: "dial tcp 10.9.9.9:22: i/o timeout"},
		{Name: "\x1b[31mevil\x1b[0m", Host: "10.9.9.10", Port: 22, Platform: "iosxe", Verdict: record.AuthFailed, Error: "ssh: unable to authenticate"},
	}
}

// applyRecords is the morning after: one record per device, every outcome.
func applyRecords() []record.Record {
	run := &record.RunInfo{ID: "run-20250314", Inventory: "5f2b9c", CAFingerprint: "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"}
	proof := &record.Proof{Subject: "CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US", Serial: "0A0142800000014523C844B500000002", Fingerprint: "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"}
	return []record.Record{
		{Name: "ie3400-dock-01", Host: "10.20.0.11", Port: 22, Platform: "iosxe", Version: "17.3.4", Model: "IE-3400-8P2S", Hostname: "dock-01",
			CAPresent: record.Bool(true), Verdict: record.Remediate, Method: record.MethodTerminal, Persistent: record.Bool(true), Advisory: fn,
			Outcome: record.Remediated, Stage: "done", Proof: proof, Started: at(0), Finished: at(72 * time.Second), Attempts: 1,
			Transcript: "transcripts/ie3400-dock-01.log", Run: run},
		{Name: "c9300-access-02", Host: "10.20.0.12", Port: 22, Platform: "iosxe", Version: "17.9.4", Model: "C9300-48P", Hostname: "access-02",
			CAPresent: record.Bool(true), Verdict: record.Compliant, Outcome: record.AlreadyCompliant, Stage: "done",
			Started: at(0), Finished: at(9 * time.Second), Attempts: 1, Run: run},
		{Name: "ncs-core-1", Host: "2001:db8::1", Port: 830, Platform: "iosxr", Version: "7.3.2", Model: "NCS-5501", Hostname: "core-1",
			CAPresent: record.Bool(false), Verdict: record.Remediate, Method: record.MethodTerminal, Persistent: record.Bool(false), Fallback: "url",
			Outcome: record.Failed, Stage: "verify", Error: `device "ncs-core-1": verify: IdenTrust Commercial Root CA 1 not listed after import`,
			Started: at(time.Minute), Finished: at(4 * time.Minute), Attempts: 3, Transcript: "transcripts/ncs-core-1.log", Run: run},
		{Name: "esa-1", Host: "10.0.3.1", Port: 22, Platform: "esa", Version: "14.0.0", Verdict: record.UpgradeRequired,
			Advisory: &record.Advisory{Notice: "FN72402", Affected: true, Fixed: "14.2.1"}, Outcome: record.Skipped, Stage: "detect",
			Reason: "no fix by CLI: upgrade to 14.2.1", Started: at(0), Finished: at(3 * time.Second), Attempts: 1, Run: run},
		{Name: "xr-edge-02", Host: "10.0.5.2", Port: 22, Platform: "iosxr", Version: "6.5.3", Model: "ASR-9010", Hostname: "edge-02",
			CAPresent: record.Bool(true), Verdict: record.Remediate, Method: record.MethodTerminal, Persistent: record.Bool(false),
			Fallback: "url failed (% Failed to download); used terminal", Outcome: record.Remediated, Stage: "done", Proof: proof,
			Started: at(0), Finished: at(40 * time.Second), Attempts: 1, Transcript: "transcripts/xr-edge-02.log", Run: run},
		{Name: "lab-sw-9", Host: "10.9.9.9", Port: 22, Platform: "auto", Verdict: record.Unreachable, Outcome: record.Failed, Stage: "connect",
			Error: "dial tcp 10.9.9.9:22: i/o timeout", Started: at(0), Finished: at(2 * time.Minute), Attempts: 3, Run: run},
	}
}
