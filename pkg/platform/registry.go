package platform

import (
	"fmt"
	"slices"
	"strings"
)

// Auto is the platform name that asks for detection; no Spec may take it.
const Auto = "auto"

// Registry holds the registered Specs. Build one with NewRegistry and the
// platform packages' Register functions (pkg/platform/registry does it for
// every supported platform); it is read-only once built, and so are the
// Specs it returns.
type Registry struct {
	specs  []*Spec          // in registration order
	byName map[string]*Spec // ids and aliases
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]*Spec{}} }

// Register adds s. An invalid Spec, or an id or alias already taken, is an
// error that lists the registered ids.
func (r *Registry) Register(s Spec) error {
	if err := s.validate(); err != nil {
		return err
	}
	for _, n := range append([]string{s.ID}, s.Aliases...) {
		if _, dup := r.byName[n]; dup || n == Auto {
			return fmt.Errorf("platform %q: the name %q is taken (registered: %s)", s.ID, n, strings.Join(r.IDs(), "|"))
		}
	}
	if !s.Detect.NamedOnly {
		if other, ok := r.Detected(s.Detect.Family); ok {
			return fmt.Errorf("platform %q: %q already claims show version family %q for platform auto; register one as Detect.NamedOnly", s.ID, other.ID, s.Detect.Family)
		}
	}
	sp := &s
	r.specs = append(r.specs, sp)
	for _, n := range append([]string{s.ID}, s.Aliases...) {
		r.byName[n] = sp
	}
	return nil
}

// Lookup returns the Spec of a platform id or alias, or an error listing
// the valid ids.
func (r *Registry) Lookup(name string) (*Spec, error) {
	if s, ok := r.byName[name]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("unknown platform %q (want %s)", name, strings.Join(r.IDs(), "|"))
}

// Canonical returns the id of a platform id or alias.
func (r *Registry) Canonical(name string) (string, bool) {
	s, ok := r.byName[name]
	if !ok {
		return "", false
	}
	return s.ID, true
}

// IDs lists the registered ids in registration order.
func (r *Registry) IDs() []string {
	ids := make([]string, 0, len(r.specs))
	for _, s := range r.specs {
		ids = append(ids, s.ID)
	}
	return ids
}

// CLINames lists the ids and aliases of the platforms trustfix logs in to,
// each id followed by its aliases.
func (r *Registry) CLINames() []string {
	var names []string
	for _, s := range r.specs {
		if s.CLI() {
			names = append(append(names, s.ID), s.Aliases...)
		}
	}
	return names
}

// Specs returns the registered Specs in registration order.
func (r *Registry) Specs() []*Spec { return slices.Clone(r.specs) }

// Detected returns the Spec that platform auto picks for a show version
// family (detect.Facts.Platform).
func (r *Registry) Detected(family string) (*Spec, bool) {
	for _, s := range r.specs {
		if s.Detect.Family == family && !s.Detect.NamedOnly {
			return s, true
		}
	}
	return nil, false
}
