package platform

import (
	"path"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
)

// TrustStore runs cmd, parses the listing with parse and evaluates the
// certificates against ca: the first half of most drivers' Detect.
func TrustStore(r Reader, cmd string, parse func(string) ([]detect.Cert, error), ca *cert.CA) (detect.Trust, error) {
	certs, err := Certificates(r, cmd, parse)
	if err != nil {
		return detect.Trust{}, err
	}
	return detect.Evaluate(certs, ca), nil
}

// Certificates runs cmd and parses the listing with parse, for a driver
// that weighs the certificates itself (IOS XR prefers a copy that
// survives a reload).
func Certificates(r Reader, cmd string, parse func(string) ([]detect.Cert, error)) ([]detect.Cert, error) {
	out, err := r.Show(cmd)
	if err != nil {
		return nil, err
	}
	return parse(out)
}

// HasFile reports whether file system fs (harddisk:) holds name, which may
// be in a folder (dir/ios.p7b): `dir harddisk:/dir` lists a line whose
// last column is ios.p7b. For the file method's bundle.
func HasFile(r Reader, fs, name string) (bool, error) {
	dir := fs
	if d := path.Dir(strings.TrimPrefix(name, "/")); d != "." {
		dir, name = fs+"/"+d, path.Base(name)
	}
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
