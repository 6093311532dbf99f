package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/inventory/formats"
	"github.com/trustfix/trustfix/pkg/secret"
)

// InventoryShowOptions are the flags of `trustfix inventory show`.
type InventoryShowOptions struct {
	Inventory string
	Limit     string
	Output    *enum
}

func newInventoryCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "Read an Ansible or Nornir inventory: show what trustfix understands, or convert it",
		Long: `-i accepts a trustfix inventory, an Ansible inventory (an INI or YAML file, a
directory with group_vars/ and host_vars/, or the JSON that
'ansible-inventory --list' prints; '-i -' reads that JSON from stdin) and a
Nornir SimpleInventory (hosts.yaml, groups.yaml, defaults.yaml). The kind is
told from the content.

'inventory show' prints the devices as trustfix resolved them (no secrets);
'inventory convert' writes the equivalent trustfix inventory, to review and
commit. Neither logs in anywhere, and neither needs the password variables set.`,
		Example: `  trustfix inventory show -i hosts.ini -l ios
  trustfix inventory convert ansible/inventory/ > trustfix.yaml
  ansible-inventory -i inventory/ --list --export | trustfix inventory show -i - -o json`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newInventoryShowCmd(env), newInventoryConvertCmd(env))
	return cmd
}

func newInventoryShowCmd(env *Env) *cobra.Command {
	opts := InventoryShowOptions{}
	cmd := &cobra.Command{
		Use:   "show -i INVENTORY [-l LIMIT] [-o table|json]",
		Short: "Print the devices an inventory resolves to (no secrets)",
		Example: `  trustfix inventory show -i hosts.ini
  trustfix inventory show -i ansible/ -l ios -o json
  ansible-inventory -i inventory/ --list | trustfix inventory show -i -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInventoryShow(env, opts) },
	}
	cmd.Flags().StringVarP(&opts.Inventory, "inventory", "i", "", "inventory: trustfix, Ansible (file, directory, --list JSON, - for stdin) or Nornir")
	cmd.Flags().StringVarP(&opts.Limit, "limit", "l", "", "only these devices: names, globs or groups, comma-separated; !X excludes")
	opts.Output = outputFlag(cmd, "table", "json")
	return cmd
}

// InventoryConvertOptions are the flags of `trustfix inventory convert`.
type InventoryConvertOptions struct {
	PasswordEnv       string
	EnablePasswordEnv string
}

func newInventoryConvertCmd(env *Env) *cobra.Command {
	opts := InventoryConvertOptions{}
	cmd := &cobra.Command{
		Use:   "convert SRC",
		Short: "Write the trustfix inventory equivalent to an Ansible or Nornir inventory",
		Long: `convert writes, on stdout, the trustfix inventory that resolves to exactly the
devices SRC does: the source's groups become trustfix groups (listed lowest
precedence first on each device), each value carries a comment naming the
file, line and variable it came from, and no password is ever written
(password_env names an environment variable). Notes, such as ignored
passwords or hosts left out, are at the top of the file and on stderr.`,
		Example: `  trustfix inventory convert hosts.ini --password-env TRUSTFIX_PASSWORD > trustfix.yaml
  trustfix inventory convert nornir/ > trustfix.yaml
  ansible-inventory -i inventory/ --list --export | trustfix inventory convert - > trustfix.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runInventoryConvert(env, args[0], opts) },
	}
	cmd.Flags().StringVar(&opts.PasswordEnv, "password-env", "", "password_env for defaults, when the source names none (its hosts may set trustfix_password_env)")
	cmd.Flags().StringVar(&opts.EnablePasswordEnv, "enable-password-env", "", "enable_password_env for defaults, when the source names none")
	return cmd
}

func runInventoryConvert(env *Env, path string, opts InventoryConvertOptions) error {
	src, err := formats.Read(path, env.In, env.Registry)
	if err != nil {
		return inputErr(err)
	}
	if src.Doc != nil {
		// In this order: a map's would change the output from run to run.
		for _, f := range [][2]string{{"password_env", opts.PasswordEnv}, {"enable_password_env", opts.EnablePasswordEnv}} {
			field, name := f[0], f[1]
			if _, set := src.Doc.Defaults.Get(field); name != "" && !set {
				flag := "--" + strings.ReplaceAll(field, "_", "-")
				src.Doc.Defaults.Set(field, inventory.Value{Node: inventory.Scalar(name), Pos: inventory.Pos{File: "command line", Var: flag}})
			}
		}
	}
	if src.Kind == inventory.KindTrustfix {
		if _, err := inventory.Parse(src.Path, src.Data, env.Registry, inventory.ReviewEnv(env.LookupEnv)); err != nil {
			return inputErr(err)
		}
		fmt.Fprintf(env.Err, "trustfix: %s is already a trustfix inventory: written unchanged\n", path)
		_, err := env.Out.Write(src.Data)
		return err
	}
	out, err := inventory.Convert(src.Doc, env.Registry, env.LookupEnv)
	var ie *inventory.Error
	if errors.As(err, &ie) && strings.HasSuffix(ie.Field, "password_env") && strings.HasPrefix(ie.Msg, "missing") {
		hint, flag := *ie, "--password-env"
		if strings.HasSuffix(ie.Field, "enable_password_env") {
			flag = "--enable-password-env"
		}
		hint.Msg += "; or convert with " + flag + " NAME"
		err = &hint
	}
	if err != nil {
		return inputErr(err)
	}
	for _, w := range src.Doc.Warnings {
		fmt.Fprintln(env.Err, "warning:", (&inventory.Error{File: w.Pos.File, Line: w.Pos.Line, Field: w.Pos.Field(), Msg: w.Msg}).Error())
	}
	_, err = env.Out.Write(out)
	return err
}

// shownInventory is `inventory show -o json`.
type shownInventory struct {
	Kind        string             `json:"kind"`
	Path        string             `json:"path"`
	Devices     []inventory.Device `json:"devices"`
	GroupLimits map[string]int     `json:"group_limits,omitempty"`
	CAFile      string             `json:"ca_file,omitempty"`
	Warnings    []string           `json:"warnings,omitempty"`
}

func runInventoryShow(env *Env, opts InventoryShowOptions) error {
	if opts.Inventory == "" {
		return inputErrf("--inventory (-i) is required")
	}
	inv, src, err := formats.Load(opts.Inventory, env.In, env.Registry, inventory.ReviewEnv(env.LookupEnv))
	if err != nil {
		return inputErr(err)
	}
	devs, err := inv.Limit(opts.Limit)
	if err != nil {
		return inputErr(err)
	}
	for i := range devs {
		// Password variables were not read (ReviewEnv): show their names only.
		if devs[i].PasswordEnv != "" {
			devs[i].Password = secret.Secret{}
		}
		if devs[i].EnablePasswordEnv != "" {
			devs[i].EnablePassword = secret.Secret{}
		}
	}
	if opts.Output.String() == "json" {
		enc := json.NewEncoder(env.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(shownInventory{Kind: src.Kind, Path: inv.Path, Devices: devs, GroupLimits: inv.GroupLimits, CAFile: inv.CAFile, Warnings: inv.Warnings})
	}
	for _, w := range inv.Warnings {
		fmt.Fprintln(env.Err, "warning:", w)
	}
	tw := tabwriter.NewWriter(env.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tHOST\tPORT\tPLATFORM\tUSER\tLOGIN\tMETHOD\tJUMP HOST\tGROUPS")
	for _, d := range devs {
		fmt.Fprintln(tw, strings.Join([]string{
			d.Name, d.Host, strconv.Itoa(d.Port), d.Platform, d.Username, login(d), d.ImportMethod,
			dash(d.JumpHost), dash(strings.Join(d.Groups, ",")),
		}, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "\n%d devices from %s (%s)\n", len(devs), inv.Path, inventory.KindName(src.Kind))
	return nil
}

// login says how a device authenticates, without a secret.
func login(d inventory.Device) string {
	var parts []string
	if d.SSH.CanUseKeys() {
		var keys []string
		if d.SSH.Agent != "" {
			keys = append(keys, "agent")
		}
		for _, f := range d.SSH.IdentityFiles {
			keys = append(keys, filepath.Base(f))
		}
		parts = append(parts, "keys ("+strings.Join(keys, ", ")+")")
	}
	switch {
	case d.PasswordEnv != "":
		parts = append(parts, "$"+d.PasswordEnv)
	case !d.Password.IsZero():
		parts = append(parts, "password in file")
	}
	return dash(strings.Join(parts, ", "))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
