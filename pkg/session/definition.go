package session

import (
	"sync"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/platform"
	"github.com/scrapli/scrapligo/util"
)

// scrapligo parses a platform definition's YAML for every driver it builds
// (platform.NewPlatform takes bytes or a path, never a parsed definition):
// at hundreds of sessions that was 3-4 % of trustfix's CPU (BENCHMARKS.md).
// A definition is parsed once per process here, and every driver is built
// from a copy of it.

// parsed is one definition, parsed once.
type parsed struct {
	once sync.Once
	p    *platform.Platform
	err  error
}

// definitions maps a definition's bytes to its *parsed.
var definitions sync.Map

// networkDriver builds a scrapligo network driver for host from definition
// def, as platform.NewPlatform(def, host, opts...).GetNetworkDriver() does.
func networkDriver(def []byte, host string, opts ...util.Option) (*network.Driver, error) {
	v, _ := definitions.LoadOrStore(string(def), new(parsed))
	d := v.(*parsed)
	d.once.Do(func() {
		// The host is never dialled: this driver only carries the parse.
		d.p, d.err = platform.NewPlatform(def, "definition")
	})
	if d.err != nil {
		return nil, d.err
	}
	// The privilege levels are the one part a driver writes to (it
	// compiles their patterns into them): each driver gets its own.
	p := *d.p
	p.PrivilegeLevels = make(network.PrivilegeLevels, len(d.p.PrivilegeLevels))
	for name, l := range d.p.PrivilegeLevels {
		c := *l
		p.PrivilegeLevels[name] = &c
	}
	return network.NewDriver(host, append(p.AsOptions(), opts...)...)
}
