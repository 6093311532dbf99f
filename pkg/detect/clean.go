package detect

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var (
	ansiRE     = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)
	asaMoreRE  = regexp.MustCompile(`<--- More --->`)
	iosMoreRE  = regexp.MustCompile(` ?--More-- ?`)
	crEraseRE  = regexp.MustCompile(`\r +\r`)       // ASA rubs out its marker with CR, spaces, CR
	bsEraseRE  = regexp.MustCompile(`\x08+ *\x08*`) // IOS rubs out with backspaces and spaces
	timestamp  = regexp.MustCompile(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \S+$`)
	xeHeaderRE = regexp.MustCompile(`^(?:Load for five secs:|Time source is |No time source, )`)
	// promptRE matches a whole line that is only a prompt: IOS/XE/XR/ASA
	// (`Switch#`, `RP/0/RP0/CPU0:r1#`, `asa/pri/act>`, `sw(config)#`) and FXOS
	// (`FPR-A /security* # `). Anchored, so `nvram:sw1#3601CA.cer` is not one.
	promptRE = regexp.MustCompile(`^(?:[\w.\-@/:]+(?:\([\w.\-@/:+]*\))?(?: (?:/[\w\-]+)+)?\*? ?[#>$]|>)\s*$`)
)

// CleanCapture removes what is not command output from a capture or a live
// read: paging leftovers, ANSI codes and CRs everywhere; at the top, bare
// prompts, the echoed command (with or without a prompt before it), the IOS
// XE exec-timestamp headers and the IOS XR timestamp line; at the end, the
// prompt. command may be "" when the echo is known to be absent.
func CleanCapture(text, command string) string {
	text = ansiRE.ReplaceAllString(text, "")
	text = asaMoreRE.ReplaceAllString(text, "")
	text = iosMoreRE.ReplaceAllString(text, "")
	text = crEraseRE.ReplaceAllString(text, "")
	text = bsEraseRE.ReplaceAllString(text, "")
	text = strings.ReplaceAll(text, "\r", "")
	lines := strings.Split(text, "\n")

	top := func() string { return strings.TrimSpace(lines[0]) }
	for len(lines) > 0 && (top() == "" || promptRE.MatchString(top())) {
		lines = lines[1:]
	}
	if len(lines) > 0 && isEcho(top(), command) {
		lines = lines[1:]
	}
	for len(lines) > 0 && (top() == "" || timestamp.MatchString(top()) || xeHeaderRE.MatchString(top())) {
		lines = lines[1:]
	}

	last := func() string { return strings.TrimSpace(lines[len(lines)-1]) }
	for len(lines) > 0 && last() == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 && promptRE.MatchString(last()) {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && last() == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// isEcho reports line is command, alone or after a prompt.
func isEcho(line, command string) bool {
	command = strings.Join(strings.Fields(command), " ")
	line = strings.Join(strings.Fields(line), " ")
	if command == "" || !strings.HasSuffix(line, command) {
		return false
	}
	prefix := strings.TrimSpace(strings.TrimSuffix(line, command))
	return prefix == "" || promptRE.MatchString(prefix)
}

// ErrCommandFailed means the device rejected the command; its output then says
// nothing about the trust store.
var ErrCommandFailed = errors.New("command failed")

// cliErrorRE covers the failure lines of docs/platforms.md
var cliErrorRE = regexp.MustCompile(`(?m)^\s*(?:(?:ERROR:\s*)?%\s?(?:Invalid|Incomplete|Ambiguous|Unknown command|Error|Bad |This command is not authorized)|%Error|ERROR:|Error:|Command authorization failed|Syntax error:|Software Error:).*$`)

// CommandError returns an error wrapping ErrCommandFailed, quoting the first
// failure line, when out shows the device refused the command; else nil.
// Parsers call it so that a refused command is never read as an empty store.
func CommandError(out string) error {
	if !mayHoldCLIError(out) {
		return nil
	}
	if m := cliErrorRE.FindString(out); m != "" {
		return fmt.Errorf("%w: %s", ErrCommandFailed, strings.TrimSpace(m))
	}
	return nil
}

// mayHoldCLIError reports whether out holds a literal that every match of
// cliErrorRE contains. Every listing is checked, and the pattern has no
// literal prefix for the regexp engine to skip ahead by: on a 20 KiB trust
// store that does not fail, these scans are several times cheaper than
// running the pattern over every line.
func mayHoldCLIError(out string) bool {
	return strings.Contains(out, "%") || strings.Contains(out, "ERROR:") || strings.Contains(out, "Error:") ||
		strings.Contains(out, "Command authorization failed") || strings.Contains(out, "Syntax error:")
}
