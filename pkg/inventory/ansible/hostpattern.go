package ansible

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Host patterns as Ansible's INI and YAML inventories read them
// (ansible-core parsing/utils/addresses.py, plugins/inventory/__init__.py):
// an optional ":PORT" (or "[HOST]:PORT"), then ranges expanded, e.g.
// "sw[01:20].example.net" (zero-padded), "db-[a:f]", "r[1:9:2]" (step).
const (
	numericRange = `\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	hexRange     = `\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`
	alnumRange   = `\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	ipv4Part     = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|` + numericRange + `)`
	ipv6Part     = `(?:[0-9a-f]{1,4}|` + hexRange + `)`
	label        = `(?:[\w]|` + alnumRange + `)(?:[\w_-]|` + alnumRange + `)*`
)

var (
	bracketedHostPort = regexp.MustCompile(`^\[(.+)\]:([0-9]+)$`)
	hostPort          = regexp.MustCompile(`^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$`)
	ipv4Address       = regexp.MustCompile(`(?i)^(?:` + ipv4Part + `\.){3}` + ipv4Part + `$`)
	ipv6Address       = regexp.MustCompile(`(?i)^(?:` + strings.ReplaceAll(strings.Join([]string{
		`(?:P:){7}P`, `(?:P:){1,6}:`, `(?:P:)(?::P){1,6}`, `(?:P:){2}(?::P){1,5}`, `(?:P:){3}(?::P){1,4}`,
		`(?:P:){4}(?::P){1,3}`, `(?:P:){5}(?::P){1,2}`, `(?:P:){6}(?::P)`, `:(?::P){1,6}`, `P?::`,
		`(?:0:){6}(?:P\.){3}P`, `::(?:ffff:)?(?:P\.){3}P`, `(?:0:){5}ffff:(?:P\.){3}P`,
	}, "|"), "P", ipv6Part) + `)$`)
	// Go's RE2 has no look-behind: a label must not end in - or _, checked apart.
	hostnameRE = regexp.MustCompile(`(?i)^` + label + `(?:\.` + label + `)*$`)
)

// parseAddress splits an optional port off a host pattern, as Ansible's
// parse_address does; ok is false when the rest is not an address or a
// host name (Ansible then takes the pattern whole, without a port).
func parseAddress(s string) (host string, port int, ok bool) {
	if m := bracketedHostPort.FindStringSubmatch(s); m != nil {
		s, port = m[1], atoiPort(m[2])
	}
	if m := hostPort.FindStringSubmatch(s); m != nil {
		s, port = m[1], atoiPort(m[2])
	}
	if ipv4Address.MatchString(s) || ipv6Address.MatchString(s) || validHostname(s) {
		return s, port, true
	}
	return "", 0, false
}

func atoiPort(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func validHostname(s string) bool {
	if !hostnameRE.MatchString(s) {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if strings.HasSuffix(l, "-") || strings.HasSuffix(l, "_") {
			return false
		}
	}
	return true
}

// expandHostPattern returns the host names a pattern stands for and the
// port it names (0: none).
func expandHostPattern(pattern string) ([]string, int, error) {
	name, port, ok := parseAddress(pattern)
	if !ok {
		name, port = pattern, 0
	}
	if port < 0 || port > 65535 {
		return nil, 0, fmt.Errorf("invalid port in host pattern %q", pattern)
	}
	if !strings.Contains(name, "[") {
		return []string{name}, port, nil
	}
	hosts, err := expandRange(name, 0)
	return hosts, port, err
}

// maxHosts bounds what one pattern expands to.
const maxHosts = 20000

// expandRange expands the first [begin:end(:step)] of line, recursively.
func expandRange(line string, depth int) ([]string, error) {
	open := strings.IndexByte(line, '[')
	close := strings.IndexByte(line, ']')
	if open < 0 || close < open {
		return nil, fmt.Errorf("host range in %q: want [begin:end] or [begin:end:step]", line)
	}
	head, spec, tail := line[:open], line[open+1:close], line[close+1:]
	bounds := strings.Split(spec, ":")
	if len(bounds) != 2 && len(bounds) != 3 {
		return nil, fmt.Errorf("host range in %q must be begin:end or begin:end:step", line)
	}
	beg, end, step := bounds[0], bounds[1], 1
	if len(bounds) == 3 {
		n, err := strconv.Atoi(bounds[2])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("host range in %q: bad step %q", line, bounds[2])
		}
		step = n
	}
	if beg == "" {
		beg = "0"
	}
	if end == "" {
		return nil, fmt.Errorf("host range in %q must specify end value", line)
	}
	width := 0
	if beg[0] == '0' && len(beg) > 1 {
		if len(beg) != len(end) {
			return nil, fmt.Errorf("host range in %q must specify equal-length begin and end formats", line)
		}
		width = len(beg)
	}
	var seq []string
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	bi, ei := strings.Index(letters, beg), strings.Index(letters, end)
	if len(beg) == 1 && len(end) == 1 && bi >= 0 && ei >= 0 {
		if bi > ei {
			return nil, fmt.Errorf("host range in %q must have begin <= end", line)
		}
		for i := bi; i <= ei; i += step {
			seq = append(seq, letters[i:i+1])
		}
	} else {
		b, err1 := strconv.Atoi(beg)
		e, err2 := strconv.Atoi(end)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("host range in %q: %q and %q are not numbers or letters", line, beg, end)
		}
		if (e-b)/step > maxHosts {
			return nil, fmt.Errorf("host range in %q: more than %d hosts", line, maxHosts)
		}
		for i := b; i <= e; i += step {
			s := strconv.Itoa(i)
			for len(s) < width {
				s = "0" + s
			}
			seq = append(seq, s)
		}
	}
	var out []string
	for _, s := range seq {
		name := head + s + tail
		if strings.Contains(name, "[") && depth < 8 {
			more, err := expandRange(name, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		} else {
			out = append(out, name)
		}
		if len(out) > maxHosts {
			return nil, fmt.Errorf("host range in %q: more than %d hosts", line, maxHosts)
		}
	}
	return out, nil
}
