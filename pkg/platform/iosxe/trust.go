package iosxe

import (
	"fmt"

	"github.com/trustfix/trustfix/pkg/detect"
)

// ParseTrustpool reads `show crypto pki trustpool` (docs/platforms.md), its
// `verbose` form (adds `Fingerprint SHA1: DF717EAA 4AD94EC9 …`) and `show
// crypto pki certificates`, which share the block layout. Dates are ignored:
// they are printed in the device's time zone. Store is "Trustpool: Built-In"
// or "Trustpool: Downloaded" when the block says so, else the associated
// trustpoint. An error means the store could not be read, never that the CA
// is absent.
func ParseTrustpool(out string) ([]detect.Cert, error) {
	certs, err := detect.ParseCertBlocks(out)
	if err != nil {
		return nil, fmt.Errorf("iosxe trustpool: %w", err)
	}
	return certs, nil
}
