package cli

import (
	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/shard"
)

// shardFlags split a fleet over several processes (plan and apply).
type shardFlags struct {
	Shard   string // K/N or index/N; "" is the whole selection
	ShardBy *enum
}

func (f *shardFlags) bindShard(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.Shard, "shard", "", "run only shard K of N of the selected devices (K counts from 0; index/N takes K from $"+shard.IndexEnv+", as in a Kubernetes Indexed Job)")
	f.ShardBy = enumFlag(cmd, "shard-by", "", string(shard.ByName), "what --shard splits by (group: a device's first group stays together)", shard.ByValues...)
}

// spec parses --shard and --shard-by; nil without --shard.
func (f shardFlags) spec(env *Env) (*shard.Spec, error) {
	if f.Shard == "" {
		if f.ShardBy != nil && f.ShardBy.String() != string(shard.ByName) {
			return nil, inputErrf("--shard-by needs --shard K/N")
		}
		return nil, nil
	}
	by := shard.ByName
	if f.ShardBy != nil {
		by = shard.By(f.ShardBy.String())
	}
	s, err := shard.Parse(f.Shard, by, env.LookupEnv)
	if err != nil {
		return nil, inputErr(err)
	}
	return &s, nil
}

// split keeps the devices of this process's shard (after -l), in order.
func (f shardFlags) split(env *Env, devs []inventory.Device) ([]inventory.Device, *shard.Spec, error) {
	s, err := f.spec(env)
	if err != nil || s == nil {
		return devs, nil, err
	}
	return shard.Select(devs, *s, deviceName, deviceGroups), s, nil
}

func deviceName(d inventory.Device) string     { return d.Name }
func deviceGroups(d inventory.Device) []string { return d.Groups }

// shardRunID is the run id every shard computes alike: --run-id when
// given, else derived from the selection before the split, the CA and N.
func shardRunID(given string, s shard.Spec, selected []inventory.Device, ca *cert.CA) string {
	if given != "" {
		return given
	}
	ids := make([]shard.Device, len(selected))
	for i, d := range selected {
		ids[i] = journal.Identity(d)
	}
	return shard.RunID(ca.SHA1(), s, ids)
}
