// Package registry registers every platform driver in one place.
package registry

import (
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/appliance"
	"github.com/trustfix/trustfix/pkg/platform/asa"
	"github.com/trustfix/trustfix/pkg/platform/fxos"
	"github.com/trustfix/trustfix/pkg/platform/iosxe"
	"github.com/trustfix/trustfix/pkg/platform/iosxr"
)

// Default returns the registry of every supported platform.
func Default() *platform.Registry {
	r, err := platform.NewRegistry(
		iosxe.Driver{}, iosxr.Driver{}, asa.Driver{}, fxos.Driver{},
		appliance.Driver{Product: "cer"}, appliance.Driver{Product: "esa"}, appliance.Driver{Product: "wsa"},
	)
	if err != nil {
		panic(err) // a programming error: two drivers share an id
	}
	return r
}
