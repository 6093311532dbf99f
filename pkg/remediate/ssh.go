package remediate

import (
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/session"
)

// withSSH adds to t what ssh_config and the device's keys say (see
// inventory.SSH): public keys before the password, the jump host's keys,
// ssh_config's algorithm lists, and the runner's AskPassword for a device
// without a password.
func (r *Runner) withSSH(t session.Target, dev inventory.Device) session.Target {
	s := dev.SSH
	t.Keys = session.KeyAuth{
		IdentityFiles: s.IdentityFiles, IdentitiesOnly: s.IdentitiesOnly, Agent: s.Agent,
		NoPubkey: s.NoPubkey, NoPassword: s.NoPassword, AskPassword: r.AskPassword,
	}
	t.JumpKeys = session.KeyAuth{IdentityFiles: s.JumpIdentityFiles, Agent: s.Agent}
	t.Algorithms = session.Algorithms{HostKeys: s.HostKeyAlgorithms, KeyExchanges: s.KexAlgorithms, Ciphers: s.Ciphers, MACs: s.MACs}
	return t
}
