// Package devsim simulates a fleet of Cisco devices (IOS XE, IOS XR, ASA,
// FXOS, and the classic IOS / FTD look-alikes) over real SSH, each on its
// own loopback port, from a scenario file. It is the lab every trustfix
// claim is tested against and what `trustfix lab` serves.
package devsim

import (
	"fmt"
	"net"
	"sync"
)

// Lab is a running set of simulated devices.
type Lab struct {
	Scenario *Scenario
	devices  []*Device
	offline  []Spec
	byName   map[string]*Device
	jump     *JumpHost // the scenario's jump_host, if any
	once     sync.Once
}

// Options tune Start.
type Options struct {
	// Devices, when > 0, expands the scenario to this many devices.
	Devices int
	// Host is the address to listen on (default 127.0.0.1).
	Host string
	// BasePort, when > 0, gives device i the port BasePort+i.
	BasePort int
}

// Start listens for every device of the scenario and serves them until Close.
func Start(sc *Scenario, opt Options) (*Lab, error) {
	if opt.Host == "" {
		opt.Host = "127.0.0.1"
	}
	l := &Lab{Scenario: sc, byName: map[string]*Device{}}
	for i, sp := range sc.Expand(opt.Devices) {
		if sp.Offline() {
			l.offline = append(l.offline, sp)
			continue
		}
		d, err := newDevice(sp, sp.credentials(sc.Defaults))
		if err != nil {
			l.Close()
			return nil, err
		}
		port := 0
		if opt.BasePort > 0 {
			port = opt.BasePort + i
		}
		d.ln, err = net.Listen("tcp", fmt.Sprintf("%s:%d", opt.Host, port))
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("devsim: %s: %w", sp.Name, err)
		}
		d.wg.Add(1)
		go d.serve()
		l.devices = append(l.devices, d)
		l.byName[sp.Name] = d
	}
	if sc.JumpHost != nil {
		if err := l.startJump(*sc.JumpHost, opt.Host); err != nil {
			l.Close()
			return nil, err
		}
	}
	return l, nil
}

// startJump serves the scenario's jump host; it forwards to the lab's
// devices only.
func (l *Lab) startJump(spec JumpSpec, host string) error {
	def := l.Scenario.Defaults
	if spec.Username == "" {
		spec.Username = def.Username
	}
	if spec.Password == "" && !spec.KeysOnly {
		spec.Password = def.Password
	}
	if len(spec.AuthorizedKeys) == 0 {
		spec.AuthorizedKeys = def.AuthorizedKeys
	}
	addrs := map[string]bool{}
	for _, d := range l.devices {
		addrs[d.Addr()] = true
	}
	j, err := ServeJumpHost(spec, host, func(addr string) bool { return addrs[addr] })
	if err != nil {
		return fmt.Errorf("devsim: jump host: %w", err)
	}
	l.jump = j
	return nil
}

// JumpHost is the lab's jump host, or nil.
func (l *Lab) JumpHost() *JumpHost { return l.jump }

// Devices returns the served devices in scenario order.
func (l *Lab) Devices() []*Device { return l.devices }

// Offline returns the inventory-only devices (cer, esa, wsa).
func (l *Lab) Offline() []Spec { return l.offline }

// Device returns a device by name, or nil.
func (l *Lab) Device(name string) *Device { return l.byName[name] }

// Close stops every device and waits for their sessions to end.
func (l *Lab) Close() {
	l.once.Do(func() {
		var wg sync.WaitGroup
		for _, d := range l.devices {
			if d.ln == nil {
				continue
			}
			wg.Add(1)
			go func() { defer wg.Done(); d.close() }()
		}
		wg.Wait()
		if l.jump != nil {
			l.jump.Close()
		}
	})
}
