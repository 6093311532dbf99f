package detect

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	asaVersionRE = regexp.MustCompile(`(?m)^Cisco Adaptive Security Appliance Software Version (\S+)(?:[ \t]+<(\w+)>)?`)
	asaUpRE      = regexp.MustCompile(`(?m)^(\S+) up (.+)$`)
	asaModelIDRE = regexp.MustCompile(`(?m)^Model Id:\s+(\S+)`)
	asaSerialRE  = regexp.MustCompile(`(?m)^Serial Number:\s+(\S+)`)
	ftdVersionRE = regexp.MustCompile(`(?i)Threat Defen[cs]e\b[^\n]*?\b(?:v|Version\s+)(\d+(?:\.\d+)+)`)
	ftdModelRE   = regexp.MustCompile(`(?i)(Firepower(?: [\w-]+)*? Threat Defen[cs]e(?: for [\w-]+)?)`)
	ftdNameRE    = regexp.MustCompile(`(?m)^\s*-{3,}\[ ([^\]\n]+) \]-{3,}\s*$`)
)

// parseASA reads ASA `show version` (reference §3.2). A <system> or <context>
// tag means multiple-context mode, where no source confirms which store Smart
// Licensing uses: such devices are left to a human.
func parseASA(out string) (Facts, error) {
	f := Facts{Platform: ASA, Supported: true}
	if m := asaVersionRE.FindStringSubmatch(out); m != nil {
		f.Version, f.ASAContext = m[1], m[2]
	}
	f.Hostname, f.Uptime = asaHostUptime(out)
	if f.Model = first(asaModelIDRE, out); f.Model == "" {
		f.Model = first(hardwareRE, out)
	}
	f.Serial = first(asaSerialRE, out)
	if f.Version == "" {
		return f, fmt.Errorf("asa: %w", ErrNoVersion)
	}
	if f.ASAContext != "" {
		f.Supported = false
		f.Reason = fmt.Sprintf("ASA in multiple-context mode (<%s>): the fix there is unconfirmed; do it by hand", f.ASAContext)
	}
	return f, nil
}

// asaHostUptime reads "<host> up <uptime>", skipping "failover cluster up".
func asaHostUptime(out string) (host, uptime string) {
	for _, m := range asaUpRE.FindAllStringSubmatch(out, -1) {
		if m[1] != "failover" {
			return m[1], strings.TrimSpace(m[2])
		}
	}
	return "", ""
}

// parseFTD reads Firepower Threat Defense output: never an ASA, even when it
// prints ASA lines, because FTD is configured through its manager.
func parseFTD(out string) (Facts, error) {
	f := Facts{
		Platform: FTD,
		Version:  first(ftdVersionRE, out),
		Reason:   "Firepower Threat Defense is configured through FMC/FDM, not this CLI",
	}
	f.Hostname, f.Uptime = asaHostUptime(out)
	if f.Hostname == "" { // the FTD CLI's own show version: the name block only
		f.Hostname = first(ftdNameRE, out)
	}
	if f.Model = first(hardwareRE, out); f.Model == "" {
		f.Model = first(ftdModelRE, out)
	}
	f.Serial = first(asaSerialRE, out)
	return f, nil
}

var (
	asyncVersionRE = regexp.MustCompile(`(?m)^[ \t]*Version:[ \t]*(\S+)|AsyncOS (\d\S*)`)
	asyncModelRE   = regexp.MustCompile(`(?m)^[ \t]*Model:[ \t]*(\S+)|for Cisco (\S+)`)
)

// asyncPlatform tells ESA from WSA by product name, else by model letter.
func asyncPlatform(out string) string {
	switch {
	case strings.Contains(out, "Web Security"):
		return WSA
	case strings.Contains(out, "Email Security"):
		return ESA
	}
	if m := asyncModelRE.FindStringSubmatch(out); m != nil && strings.HasPrefix(m[1]+m[2], "S") {
		return WSA
	}
	return ESA
}

// parseAsyncOS reads ESA/WSA version output: an upgrade-only product.
func parseAsyncOS(out string) (Facts, error) {
	f := Facts{Platform: asyncPlatform(out), Reason: "AsyncOS has no CLI import: upgrade (FN72113)"}
	if m := asyncVersionRE.FindStringSubmatch(out); m != nil {
		f.Version = m[1] + m[2]
	}
	if m := asyncModelRE.FindStringSubmatch(out); m != nil {
		f.Model = m[1] + m[2]
	}
	return f, nil
}
