package devsimtest

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/pkg/session"
)

// Result is one in-process trustfix run.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Run runs trustfix in-process (cli.Run) with env, its streams replaced by
// buffers; stdin is empty and not a terminal unless env says otherwise,
// and the environment is LookupEnv unless env has its own. A run still
// going after Guard fails the test.
func Run(t testing.TB, env cli.Env, args ...string) Result {
	t.Helper()
	var out, errb syncBuffer
	env.Out, env.Err = &out, &errb
	if env.In == nil {
		env.In = strings.NewReader("")
	}
	if env.LookupEnv == nil {
		env.LookupEnv = LookupEnv
	}
	ctx, cancel := context.WithTimeout(context.Background(), Guard)
	defer cancel()
	code := cli.Run(ctx, args, env)
	if ctx.Err() != nil {
		t.Fatalf("trustfix %s: still running after %v", strings.Join(args, " "), Guard)
	}
	return Result{Code: code, Stdout: out.String(), Stderr: errb.String()}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers, as os.Stderr
// is: trustfix writes Env.Err from every device's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Registry is every supported platform.
func Registry(t testing.TB) *platform.Registry {
	t.Helper()
	r, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Session opens a real SSH session to one device of the lab as the
// platform named (its Spec's profile: definition, enable, paging), with
// the lab's credentials and host keys accepted on first contact. It is
// closed when the test ends.
func (l *Lab) Session(t testing.TB, name, platformID string) *session.Session {
	t.Helper()
	spec, err := Registry(t).Lookup(platformID)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), Guard)
	t.Cleanup(cancel)
	sess, err := session.Open(ctx, l.Target(name), session.Options{Profile: spec.Profile(), Deadline: time.Now().Add(Guard)})
	if err != nil {
		t.Fatalf("session.Open: %v", err)
	}
	t.Cleanup(sess.Close)
	return sess
}

// Target is how a session reaches device name of the lab.
func (l *Lab) Target(name string) session.Target {
	return session.Target{
		Name: name, Host: "127.0.0.1", Port: l.Device(name).Port(), Username: Username,
		Password: secret.New(Password), EnablePassword: secret.New(EnablePassword),
		HostKeyPolicy: "accept-new", KnownHosts: l.Known,
	}
}

// InventoryDevice is device name as trustfix reads it from the lab's
// inventory (inventory.Load, every supported platform, LookupEnv).
func (l *Lab) InventoryDevice(t testing.TB, name string) inventory.Device {
	t.Helper()
	inv, err := inventory.Load(l.Inv, Registry(t), LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range inv.Devices {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no device %s in the inventory", name)
	return inventory.Device{}
}
