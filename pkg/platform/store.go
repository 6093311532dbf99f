package platform

import (
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
)

// TrustStore runs cmd, parses the listing with parse and evaluates the
// certificates against ca: the first half of most drivers' Detect.
func TrustStore(r Reader, cmd string, parse func(string) ([]detect.Cert, error), ca *cert.CA) (detect.Trust, error) {
	out, err := r.Show(cmd)
	if err != nil {
		return detect.Trust{}, err
	}
	certs, err := parse(out)
	if err != nil {
		return detect.Trust{}, err
	}
	return detect.Evaluate(certs, ca), nil
}

// HasFile reports whether `dir DIR` lists a file named name (the last
// column of a line), for the file method's bundle.
func HasFile(r Reader, dir, name string) (bool, error) {
	out, err := r.Show("dir " + dir)
	if err != nil {
		return false, err
	}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[len(f)-1] == name {
			return true, nil
		}
	}
	return false, nil
}
