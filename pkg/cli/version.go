package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildInfo is what `trustfix version` says: the module version (a tag
// when installed with go install …@version, "(devel)" from a checkout),
// the VCS revision, its time and whether the tree was modified, the Go
// version and the platform, all from runtime/debug.ReadBuildInfo.
func buildInfo() string {
	version, rev, at, modified, goVersion := "(unknown)", "", "", false, runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		version, goVersion = bi.Main.Version, bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "trustfix %s\n", version)
	if rev != "" {
		if modified {
			rev += " (modified)"
		}
		fmt.Fprintf(&b, "  revision: %s\n", rev)
	} else {
		b.WriteString("  revision: unknown (built without VCS stamping: -buildvcs=false, or not from a git checkout)\n")
	}
	if at != "" {
		fmt.Fprintf(&b, "  time:     %s\n", at)
	}
	fmt.Fprintf(&b, "  go:       %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, VCS revision and Go version",
		Long: `version prints what trustfix was built from: the module version, the VCS
revision and time (and whether the tree was modified), and the Go version.
trustfix --version prints the same.`,
		Example: "  trustfix version",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(c.OutOrStdout(), buildInfo())
			return err
		},
	}
}
