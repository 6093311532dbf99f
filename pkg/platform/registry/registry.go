// Package registry registers every supported platform in one place,
// explicitly (no init): adding a platform is one line here and its own
// package (docs/adding-a-platform.md).
package registry

import (
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/appliance"
	"github.com/trustfix/trustfix/pkg/platform/asa"
	"github.com/trustfix/trustfix/pkg/platform/fxos"
	"github.com/trustfix/trustfix/pkg/platform/iosxe"
	"github.com/trustfix/trustfix/pkg/platform/iosxr"
)

// Default returns a registry of every supported platform, in the order
// their ids are listed to the operator.
func Default() (*platform.Registry, error) {
	r := platform.NewRegistry()
	for _, register := range []func(*platform.Registry) error{
		iosxe.Register, iosxr.Register, asa.Register, fxos.Register, appliance.Register,
	} {
		if err := register(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// MustDefault is Default for tests: it panics where Default returns an
// error (two platforms claiming one name, a definition file missing).
func MustDefault() *platform.Registry {
	r, err := Default()
	if err != nil {
		panic(err)
	}
	return r
}
