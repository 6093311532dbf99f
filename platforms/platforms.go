// Package platforms holds trustfix's scrapligo platform definitions. They
// are data: prompt patterns, privilege levels and the strings that mark a
// command as failed, one YAML file per platform, embedded. A platform's
// Spec (pkg/platform) names its file; session loads the bytes.
package platforms

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Auto is the definition used before the platform is known (platform:
// auto): any supported CLI's prompts. Detection then switches to the
// platform's own definition.
const Auto = "cisco_auto.yaml"

// Definition returns the definition file name (e.g. cisco_iosxe.yaml), or
// an error listing the files there are.
func Definition(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("no scrapligo definition %q (want %s)", name, strings.Join(Names(), "|"))
	}
	return b, nil
}

// Names lists the definition files, sorted.
func Names() []string {
	names, _ := fs.Glob(files, "*.yaml")
	return names
}
