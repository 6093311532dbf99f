package iosxr_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/iosxr"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/session"
)

// xrLab is one IOS XR device speaking wording w, a session to it, and the
// Spec the runner would use (its questions are the session's).
func xrLab(t *testing.T, w string, extra string) (*devsimtest.Lab, *session.Session, *platform.Spec) {
	t.Helper()
	l := devsimtest.Start(t, devsimtest.Scenario(t, `devices:
  - {name: xr, platform: iosxr, version: 7.3.2, model: NCS-5500, rp: RP/0/RP0/CPU0, quovadis: true, wording: '`+w+`'`+extra+`}`), devsimtest.Options{})
	spec, err := devsimtest.Registry(t).Lookup("iosxr")
	if err != nil {
		t.Fatal(err)
	}
	return l, l.Session(t, "xr", "iosxr"), spec
}

var xrURL = platform.Prefs{Method: record.MethodURL, BundleURL: inventory.DefaultBundleURL}

// TestURLImportQuestionAnswered: the url import asks whether to add the
// bundle's certificates (wording confirm): the Spec's known question, so
// the session answers yes and the CA lands.
func TestURLImportQuestionAnswered(t *testing.T) {
	l, sess, spec := xrLab(t, devsim.WordingConfirm, "")
	ca := cert.Default()
	res, err := spec.Apply(sess, record.MethodURL, ca, xrURL)
	if err != nil || res.Method != record.MethodURL {
		t.Fatalf("Apply: %+v, %v; want the url import done", res, err)
	}
	if !devsim.Has(l.Device("xr").State().TrustStore, ca.SHA1()) {
		t.Error("the CA is not in the trustpool: the question was not answered yes")
	}
}

// TestURLImportQuestionStopped: the url import asks whether to remove
// earlier downloads first (wording unexpected): yes and no would both
// change the device, so the session cancels it (^C) and the step fails at
// once with the device's question: an unexpected question, not a timeout.
// The session is back at the exec prompt and takes commands; the device
// is as it was. Under import_method auto this is no reason to fall back.
func TestURLImportQuestionStopped(t *testing.T) {
	l, sess, spec := xrLab(t, devsim.WordingUnexpected, "")
	ca := cert.Default()
	before := l.Device("xr").State()
	for _, prefs := range []platform.Prefs{xrURL, {Method: record.MethodAuto, BundleURL: inventory.DefaultBundleURL}} {
		res, err := spec.Apply(sess, record.MethodURL, ca, prefs)
		var qe *session.QuestionError
		if !errors.Is(err, session.ErrQuestion) || !errors.As(err, &qe) || errors.Is(err, session.ErrTimeout) || errors.Is(err, session.ErrDeadline) {
			t.Fatalf("Apply (%s): %v; want an unexpected question", prefs.Method, err)
		}
		if !strings.HasPrefix(qe.Question, "Remove the downloaded certificates") || qe.Cancel != "^C" {
			t.Errorf("question %q cancelled with %q", qe.Question, qe.Cancel)
		}
		if res.Method != record.MethodURL || res.Fallback != "" {
			t.Errorf("result %+v: no other method may run after a question", res)
		}
		if p := sess.Prompt(); !strings.HasSuffix(p, ":xr#") {
			t.Errorf("prompt %q, want exec", p)
		}
		if _, err := sess.Send("show version"); err != nil {
			t.Errorf("the session takes no command after the cancel: %v", err)
		}
	}
	after := l.Device("xr").State()
	if !slices.Equal(storeOf(after), storeOf(before)) || devsim.Has(after.TrustStore, ca.SHA1()) {
		t.Errorf("the trustpool changed: %v → %v", storeOf(before), storeOf(after))
	}
}

// TestFileMethodNestedBundle: a bundle in a folder (harddisk:/certs/ios.p7b)
// is found by Detect, copied to /tmp/ios.p7b (run cp keeps the base name),
// imported from there, and that copy is removed.
func TestFileMethodNestedBundle(t *testing.T) {
	l, sess, spec := xrLab(t, "", `, files: ["harddisk:/certs/ios.p7b"], faults: {no_internet: true}`)
	ca := cert.Default()
	prefs := platform.Prefs{Method: record.MethodFile, BundleFile: "harddisk:/certs/ios.p7b"}
	st, err := spec.Driver.Detect(sess, ca, prefs)
	if err != nil || st.BundlePresent == nil || !*st.BundlePresent {
		t.Fatalf("Detect: bundle present %v, %v; want found in its folder", st.BundlePresent, err)
	}
	if _, err := spec.Apply(sess, record.MethodFile, ca, prefs); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	dev := l.Device("xr").State()
	if !devsim.Has(dev.TrustStore, ca.SHA1()) {
		t.Error("the CA did not land")
	}
	if slices.Contains(dev.Files, "tmp/ios.p7b") || !slices.Contains(dev.Files, "harddisk:certs/ios.p7b") {
		t.Errorf("files %v: want the /tmp copy gone and the bundle kept", dev.Files)
	}
	cmds := dev.MutatingCommands()
	if !slices.Contains(cmds, "crypto ca trustpool import url /tmp/ios.p7b") || !slices.Contains(cmds, "run rm /tmp/ios.p7b") {
		t.Errorf("commands %q: want the import and the removal of /tmp/ios.p7b", cmds)
	}
}

// TestTerminalCALostOnReload: once the terminal method put the CA in
// trustpoint Trustpool, Detect says it is present but lost on reload, in
// both listing layouts.
func TestTerminalCALostOnReload(t *testing.T) {
	for _, w := range []string{"", devsim.WordingAlt} {
		_, sess, spec := xrLab(t, w, `, faults: {no_internet: true}`)
		ca := cert.Default()
		if _, err := spec.Apply(sess, record.MethodTerminal, ca, platform.Prefs{Method: record.MethodTerminal}); err != nil {
			t.Fatalf("wording %q: Apply: %v", w, err)
		}
		st, err := iosxr.Driver{}.Detect(sess, ca, platform.Prefs{})
		if err != nil || !st.Trust.CAPresent || !st.LostOnReload {
			t.Errorf("wording %q: present %v lost on reload %v (%v); want both", w, st.Trust.CAPresent, st.LostOnReload, err)
		}
	}
}

func storeOf(st devsim.State) []string {
	var out []string
	for _, c := range st.TrustStore {
		out = append(out, c.Store+"/"+c.SHA1)
	}
	slices.Sort(out)
	return out
}
