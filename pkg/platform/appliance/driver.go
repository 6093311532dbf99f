// Package appliance covers Emergency Responder, Secure Email and Web
// Security: their field notices (FN72289, FN72113) fix the root by upgrade
// only, so trustfix never logs in to them; the release comes from the
// inventory. Each is a Spec without a driver or import methods.
package appliance

import (
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
)

// Register adds cer, esa and wsa.
func Register(r *platform.Registry) error {
	for _, s := range []platform.Spec{
		{ID: "cer", Detect: platform.Detection{Family: detect.CER}},
		{ID: "esa", Detect: platform.Detection{Family: detect.ESA}},
		{ID: "wsa", Detect: platform.Detection{Family: detect.WSA}},
	} {
		if err := r.Register(s); err != nil {
			return err
		}
	}
	return nil
}
