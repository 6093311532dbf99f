// Package appliance covers Emergency Responder, Secure Email and Web
// Security: their field notices (FN72289, FN72113) fix the root by upgrade
// only, so trustfix never logs in to them; the release comes from the
// inventory. Each is a Spec without a driver or import methods; show
// version, where a capture holds one, reads as their own family.
package appliance

import "github.com/trustfix/trustfix/pkg/platform"

// Register adds cer, esa and wsa.
func Register(r *platform.Registry) error {
	for _, s := range []platform.Spec{
		{ID: "cer"}, {ID: "esa"}, {ID: "wsa"},
	} {
		if err := r.Register(s); err != nil {
			return err
		}
	}
	return nil
}
