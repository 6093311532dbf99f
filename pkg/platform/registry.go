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
	for _, t := range tools {
		if err := r.checkToolNames(&s, t); err != nil {
			return err
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

// A tool whose inventories name platforms: what it is called in messages,
// and where a Spec lists its names.
type tool struct {
	name  string
	names func(*Spec) []ToolName
}

var (
	ansible = tool{"Ansible", func(s *Spec) []ToolName { return s.Names.Ansible }}
	nornir  = tool{"Nornir", func(s *Spec) []ToolName { return s.Names.Nornir }}
	tools   = []tool{ansible, nornir}
)

// AnsiblePlatform is the platform an ansible_network_os value stands for:
// the id of the Spec that declares it, or Auto for a name that covers a
// family (ToolName.Family). ok is false for a name no Spec declares.
func (r *Registry) AnsiblePlatform(networkOS string) (platform string, ok bool) {
	return r.toolPlatform(ansible, networkOS)
}

// NornirPlatform is the platform a Nornir host's platform value stands
// for, as AnsiblePlatform.
func (r *Registry) NornirPlatform(name string) (platform string, ok bool) {
	return r.toolPlatform(nornir, name)
}

// AnsiblePlatforms lists the platforms ansible_network_os values stand
// for (AnsiblePlatform's answers), each once, in registration order.
func (r *Registry) AnsiblePlatforms() []string {
	var out []string
	for _, s := range r.specs {
		for _, n := range ansible.names(s) {
			if p := n.platform(s); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func (r *Registry) toolPlatform(t tool, name string) (string, bool) {
	s, n, ok := r.toolName(t, name)
	if !ok {
		return "", false
	}
	return n.platform(s), true
}

// platform is what name n of Spec s stands for: Auto for a name that
// covers a family, else the Spec's id.
func (n ToolName) platform(s *Spec) string {
	if n.Family {
		return Auto
	}
	return s.ID
}

// toolName finds the Spec that declares name for tool t.
func (r *Registry) toolName(t tool, name string) (*Spec, ToolName, bool) {
	for _, s := range r.specs {
		for _, n := range t.names(s) {
			if n.Name == name {
				return s, n, true
			}
		}
	}
	return nil, ToolName{}, false
}

// checkToolNames refuses an empty name, or one that s or another
// platform already declares for the tool.
func (r *Registry) checkToolNames(s *Spec, t tool) error {
	seen := map[string]bool{}
	for _, n := range t.names(s) {
		if strings.TrimSpace(n.Name) == "" {
			return fmt.Errorf("platform %q: an empty %s name", s.ID, t.name)
		}
		if other, _, taken := r.toolName(t, n.Name); taken || seen[n.Name] {
			by := s.ID
			if taken {
				by = other.ID
			}
			return fmt.Errorf("platform %q: the %s name %q is taken (by %s)", s.ID, t.name, n.Name, by)
		}
		seen[n.Name] = true
	}
	return nil
}
