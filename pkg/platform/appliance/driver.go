// Package appliance covers Emergency Responder, Secure Email and Web
// Security: their field notices fix the root by upgrade only, so trustfix
// never logs in to them; the release comes from the inventory.
package appliance

import (
	"fmt"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Driver is one upgrade-only product (cer, esa or wsa).
type Driver struct{ Product string }

// ID implements platform.Driver.
func (d Driver) ID() string { return d.Product }

// CLI is false: no login, no import sequence.
func (Driver) CLI() bool { return false }

// Methods implements platform.Driver: none.
func (Driver) Methods() []record.Method { return nil }

// Auto implements platform.Driver.
func (Driver) Auto(platform.Prefs) record.Method { return "" }

// Persistent implements platform.Driver.
func (Driver) Persistent(record.Method) bool { return false }

// Detect is not possible: the verdict comes from the release.
func (d Driver) Detect(platform.Reader, *cert.CA, platform.Prefs) (platform.State, error) {
	return platform.State{}, fmt.Errorf("%w: %s has no CLI trust store", platform.ErrNotSupported, d.Product)
}

// Apply is not possible: the fix is an upgrade.
func (d Driver) Apply(platform.Shell, record.Method, *cert.CA, platform.Prefs) (platform.Result, error) {
	return platform.Result{}, fmt.Errorf("%w: %s is fixed by upgrade only", platform.ErrNotSupported, d.Product)
}

// Save implements platform.Driver.
func (Driver) Save(platform.Shell) error { return nil }
