package platformtest

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/pkg/session"
)

// guard bounds a lab test; it is not an assertion about speed.
const guard = time.Minute

// LabSession serves device name of the default lab alone (changed by edit
// when not nil) and opens a real SSH session to it as platform. The lab and
// the session are closed when the test ends.
func LabSession(t *testing.T, name, platform string, edit func(*devsim.Spec)) (*devsim.Lab, *devsim.Device, *session.Session) {
	t.Helper()
	sc := devsim.DefaultScenario()
	i := slices.IndexFunc(sc.Devices, func(s devsim.Spec) bool { return s.Name == name })
	if i < 0 {
		t.Fatalf("no %s in the default lab", name)
	}
	sp := sc.Devices[i]
	if edit != nil {
		edit(&sp)
	}
	sc.Devices = []devsim.Spec{sp}
	lab, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lab.Close)
	dev := lab.Device(name)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	sess, err := session.Open(ctx, session.Target{
		Name: name, Host: "127.0.0.1", Port: dev.Port(), Username: sc.Defaults.Username,
		Password: secret.New(sc.Defaults.Password), EnablePassword: secret.New(sc.Defaults.EnablePassword),
		HostKeyPolicy: "accept-new", KnownHosts: filepath.Join(t.TempDir(), "known_hosts"),
	}, session.Options{Platform: platform, Deadline: time.Now().Add(guard)})
	if err != nil {
		t.Fatalf("session.Open: %v", err)
	}
	t.Cleanup(sess.Close)
	return lab, dev, sess
}
