package fxos

import (
	"fmt"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Sequence describes what Apply sends (see platform.Describer);
// TestSequenceIsWhatTheLabReceives holds the two equal. commit-buffer is
// the save.
func (Driver) Sequence(m record.Method, ca *cert.CA, _ platform.Prefs) (platform.Sequence, error) {
	if m != record.MethodTerminal {
		return platform.Sequence{}, fmt.Errorf("%w: FXOS supports only the terminal method", platform.ErrNotSupported)
	}
	name := ca.TrustpointName()
	return platform.Sequence{
		Store:   "trustpoint " + name,
		Lasting: "commit-buffer saves it",
		Steps: []platform.Line{
			{Send: "scope security"},
			{Send: "create trustpoint " + name},
			{Send: "set certchain", Note: `waits for the ">" prompt`},
			platform.PasteCert(platform.PEMLines(ca), ca, "certificate with BEGIN/END lines"),
			{Send: "ENDOFBUF", Note: "ends the paste"},
			{Send: "commit-buffer", Note: "the prompt's * (pending buffer) must be gone"},
			{Send: "top"},
		},
	}, nil
}

// Backout deletes the trustpoint the sequence created.
func (Driver) Backout(_ record.Method, ca *cert.CA) platform.Backout {
	return platform.Backout{
		Steps: []platform.Line{
			{Send: "scope security"},
			{Send: "delete trustpoint " + ca.TrustpointName()},
			{Send: "commit-buffer"},
			{Send: "top"},
		},
		Verified: true,
	}
}
