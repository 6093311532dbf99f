// Package platforms holds trustfix's scrapligo platform definitions. They
// are data: prompt patterns, privilege levels and the strings that mark a
// command as failed, one YAML file per platform.
package platforms

import (
	"embed"
	"fmt"
)

//go:embed *.yaml
var files embed.FS

// IDs of the definitions, keyed by trustfix platform id.
var byPlatform = map[string]string{
	"iosxe": "cisco_iosxe.yaml",
	"iosxr": "cisco_iosxr.yaml",
	"asa":   "cisco_asa.yaml",
	"fxos":  "cisco_fxos.yaml",
	"auto":  "cisco_auto.yaml",
}

// Definition returns the YAML for a trustfix platform id (iosxe, iosxr, asa,
// fxos, or auto for the pre-detection definition).
func Definition(platform string) ([]byte, error) {
	name, ok := byPlatform[platform]
	if !ok {
		return nil, fmt.Errorf("no scrapligo definition for platform %q (want iosxe|iosxr|asa|fxos|auto)", platform)
	}
	return files.ReadFile(name)
}
