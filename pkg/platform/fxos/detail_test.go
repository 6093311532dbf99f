package fxos_test

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/fxos"
	"github.com/trustfix/trustfix/pkg/session"
)

// chassis is an FXOS CLI that knows only what this file's tests need: the
// summary `show trustpoint`, no `show trustpoint detail` (an older image
// refuses it), and `scope trustpoint NAME` + `show detail`. The lab's
// detail-only wording answers `show trustpoint detail`; this one makes the
// driver go one form further. It records the commands it got.
type chassis struct {
	chains map[string]string // trustpoint → PEM chain
	scope  []string
	sent   []string
}

func (c *chassis) Show(cmd string) (string, error) { return c.Send(cmd) }

func (c *chassis) Send(cmd string) (string, error) {
	c.sent = append(c.sent, cmd)
	switch {
	case cmd == "scope security":
		c.scope = []string{"security"}
	case cmd == "top":
		c.scope = nil
	case cmd == "up":
		c.scope = c.scope[:max(len(c.scope)-1, 0)]
	case cmd == "show trustpoint":
		var b strings.Builder
		b.WriteString("\nTrustpoint Name                  Cert Status\n-------------------------------- -----------\n")
		for _, n := range slices.Sorted(maps.Keys(c.chains)) {
			fmt.Fprintf(&b, "%-32s Valid\n", n)
		}
		return b.String(), nil
	case strings.HasPrefix(cmd, "scope trustpoint "):
		name := strings.TrimPrefix(cmd, "scope trustpoint ")
		if _, ok := c.chains[name]; !ok || len(c.scope) != 1 {
			return "", &session.CommandError{Command: cmd, Match: "Error:", Output: "Error: Managed object does not exist"}
		}
		c.scope = append(c.scope, name)
	case cmd == "show detail" && len(c.scope) == 2:
		return "\nTrustpoint Name: " + c.scope[1] + "\n    Trustpoint certificate chain:\n" + c.chains[c.scope[1]] + "    Cert Status: Valid\n", nil
	default:
		return "", &session.CommandError{Command: cmd, Match: "% Invalid Command", Output: "% Invalid Command at '^' marker"}
	}
	return "", nil
}

func (c *chassis) SendExpect(cmd string, _ ...*regexp.Regexp) (string, error) { return c.Send(cmd) }
func (c *chassis) Write(string) error                                         { return errors.New("not used") }
func (c *chassis) ReadUntil(...*regexp.Regexp) (string, error)                { return "", errors.New("not used") }
func (c *chassis) Prompt() string                                             { return "FPR4120-1-A# " }

// TestDetectReadsEachTrustpoint: when neither `show trustpoint` nor
// `show trustpoint detail` shows chains, each trustpoint the summary names
// is read with `scope trustpoint NAME` + `show detail`, and the CA is found
// there; the driver ends in the top scope.
func TestDetectReadsEachTrustpoint(t *testing.T) {
	ca := cert.Default()
	c := &chassis{chains: map[string]string{"IdenTrustCRCA1": string(ca.PEM()), "QuoVadisRCA2": string(cert.QuoVadis().PEM())}}
	st, err := fxos.Driver{}.Detect(c, ca, platform.Prefs{})
	if err != nil {
		t.Fatalf("Detect: %v (sent %q)", err, c.sent)
	}
	if !st.Trust.CAPresent || st.Trust.CA.Store != "IdenTrustCRCA1" || !st.Trust.QuoVadisPresent {
		t.Errorf("trust %+v, want IdenTrust in IdenTrustCRCA1 and QuoVadis", st.Trust)
	}
	for _, want := range []string{"show trustpoint detail", "scope trustpoint IdenTrustCRCA1", "scope trustpoint QuoVadisRCA2", "show detail", "top"} {
		if !slices.Contains(c.sent, want) {
			t.Errorf("never sent %q: %q", want, c.sent)
		}
	}
	if len(c.scope) != 0 {
		t.Errorf("left in scope %v", c.scope)
	}
}

// TestDetectUnreadableIsNotAbsent: a listing that names trustpoints
// without chains, with no live session to read them one by one (plan from
// captures), is unreadable: an error matching fxos.ErrUnreadable, never a
// store without the CA.
func TestDetectUnreadableIsNotAbsent(t *testing.T) {
	c := &chassis{chains: map[string]string{"IdenTrustCRCA1": string(cert.Default().PEM())}}
	summary, _ := c.Send("show trustpoint")
	_, err := fxos.Driver{}.Detect(captures{"show trustpoint": summary}, cert.Default(), platform.Prefs{})
	if !errors.Is(err, fxos.ErrUnreadable) {
		t.Fatalf("Detect: %v, want ErrUnreadable", err)
	}
	if names := fxos.TrustpointNames(summary); !slices.Equal(names, []string{"IdenTrustCRCA1"}) {
		t.Errorf("TrustpointNames = %q", names)
	}
}

// captures answers from a map, as `plan --captures` does.
type captures map[string]string

func (c captures) Show(cmd string) (string, error) {
	if out, ok := c[cmd]; ok {
		return out, nil
	}
	return "", fmt.Errorf("no capture of %q", cmd)
}
