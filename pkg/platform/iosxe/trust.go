package iosxe

import (
	"fmt"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
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

// TrustCommand lists the trustpool.
const TrustCommand = "show crypto pki trustpool"

// Detect reads the trustpool and, for the file method, whether the bundle
// (flash:ios_core.p7b) is on its file system.
func (Driver) Detect(r platform.Reader, ca *cert.CA, p platform.Prefs) (platform.State, error) {
	tr, err := platform.TrustStore(r, TrustCommand, ParseTrustpool, ca)
	if err != nil {
		return platform.State{}, err
	}
	st := platform.State{Trust: tr}
	if p.Method != record.MethodFile || p.BundleFile == "" {
		return st, nil
	}
	fs, name, ok := strings.Cut(p.BundleFile, ":")
	if !ok {
		return st, fmt.Errorf("bundle_file %q: want FILESYSTEM:NAME", p.BundleFile)
	}
	present, err := platform.HasFile(r, fs+":", strings.TrimPrefix(name, "/"))
	if err != nil {
		return st, err
	}
	st.BundlePresent = &present
	return st, nil
}
