package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/devsim"
)

// LabOptions are the flags of `trustfix lab`.
type LabOptions struct {
	Scenario     string
	Devices      int
	InventoryOut string
	Format       string
	Host         string
	BasePort     int
}

func newLabCmd(env *Env) *cobra.Command {
	opts := LabOptions{}
	cmd := &cobra.Command{
		Use:   "lab [--scenario FILE] [--devices N] [--inventory-out FILE]",
		Short: "Run a simulated fleet on loopback to rehearse a night's run",
		Long: `lab starts simulated IOS XE, IOS XR, ASA and FXOS devices, each an SSH server
on its own loopback port, writes an inventory that points at them, and serves
until Ctrl-C. Without --scenario it runs the embedded mixed lab: every
platform, the look-alikes trustfix must refuse, and the common faults.`,
		Example: `  # terminal 1: the lab, and an inventory for it
  trustfix lab --inventory-out lab.yaml
  # terminal 2: rehearse
  export TRUSTFIX_PASSWORD=lab-Pa55-w0rd TRUSTFIX_ENABLE_PASSWORD=lab-En4ble-k3y
  trustfix plan -i lab.yaml
  # the same lab described as an Ansible inventory
  trustfix lab --inventory-format ansible --inventory-out lab-ansible.yml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLab(cmd, env, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Scenario, "scenario", "", "scenario file (default: the embedded mixed lab)")
	f.IntVar(&opts.Devices, "devices", 0, "expand the scenario to N devices (copies are named NAME-2, NAME-3, ...)")
	f.StringVar(&opts.InventoryOut, "inventory-out", "lab-inventory.yaml", "write an inventory for the lab here")
	f.StringVar(&opts.Format, "inventory-format", "trustfix", "inventory format: trustfix|ansible (an Ansible YAML inventory with trustfix_ variables)")
	f.StringVar(&opts.Host, "host", "127.0.0.1", "address to listen on")
	f.IntVar(&opts.BasePort, "base-port", 0, "give device i port BASE+i (default: any free port)")
	return cmd
}

func runLab(cmd *cobra.Command, env *Env, opts LabOptions) error {
	sc := devsim.DefaultScenario()
	if opts.Scenario != "" {
		var err error
		if sc, err = devsim.LoadScenario(opts.Scenario); err != nil {
			return inputErr(err)
		}
	}
	if opts.Devices < 0 {
		return inputErrf("--devices: must be >= 0")
	}
	if opts.Format != "trustfix" && opts.Format != "ansible" {
		return inputErrf("--inventory-format %q: want trustfix|ansible", opts.Format)
	}
	lab, err := devsim.Start(sc, devsim.Options{Devices: opts.Devices, Host: opts.Host, BasePort: opts.BasePort})
	if err != nil {
		return err
	}
	defer lab.Close()
	known := filepath.Join(filepath.Dir(opts.InventoryOut), "lab-known_hosts")
	inv := lab.Inventory(devsim.InventoryOptions{KnownHosts: filepath.Base(known)})
	if opts.Format == "ansible" {
		inv = lab.AnsibleInventory(devsim.InventoryOptions{KnownHosts: filepath.Base(known)})
	}
	if err := writeFileAtomic(opts.InventoryOut, inv, 0o600); err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(env.Out, "trustfix lab: %d devices on %s (%d inventory-only)\n\n", len(lab.Devices()), opts.Host, len(lab.Offline()))
	fmt.Fprintln(w, "NAME\tPLATFORM\tPORT\tVERSION")
	for _, d := range lab.Devices() {
		sp := d.Spec()
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", sp.Name, sp.Platform, d.Port(), sp.Version)
	}
	for _, sp := range lab.Offline() {
		fmt.Fprintf(w, "%s\t%s\t-\t%s\n", sp.Name, sp.Platform, sp.Version)
	}
	_ = w.Flush()
	if j := lab.JumpHost(); j != nil {
		fmt.Fprintf(env.Out, "\nJump host:   %s@%s (forwards to the lab's devices only)\n", j.Spec().Username, j.Addr())
	}
	cred := sc.Defaults
	first := lab.Devices()[0]
	fmt.Fprintf(env.Out, "\nInventory:   %s (host keys go to %s)\n", opts.InventoryOut, known)
	fmt.Fprintf(env.Out, "Credentials: export %s='%s' %s='%s'\n", devsim.PasswordEnv, cred.Password, devsim.EnablePasswordEnv, cred.EnablePassword)
	fmt.Fprintf(env.Out, "Log in:      ssh -p %d %s@%s\n", first.Port(), cred.Username, opts.Host)
	fmt.Fprintf(env.Out, "Rehearse:    trustfix plan -i %s\n\nCtrl-C stops the lab.\n", opts.InventoryOut)
	<-cmd.Context().Done()
	fmt.Fprintln(env.Out, "trustfix lab: stopping")
	return nil
}

// writeFileAtomic writes a whole file durably: temp, sync, rename, sync dir.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
