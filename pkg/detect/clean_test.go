package detect

import (
	"errors"
	"testing"
)

func TestCleanCapture(t *testing.T) {
	for name, tc := range map[string]struct{ in, cmd, want string }{
		"xe echo, headers, prompt": {
			"Switch#show crypto pki trustpool\r\nLoad for five secs: 30%/2%; one minute: 25%; five minutes: 27%\r\n" +
				"Time source is NTP, 23:40:09.537 CST Sat Mar 6 2021\r\n\r\nCA Certificate\r\n  Status: Available\r\nSwitch#",
			"show crypto pki trustpool", "CA Certificate\n  Status: Available\n"},
		"xr echo and timestamp": {
			"RP/0/RP0/CPU0:r1#show version\nWed Mar 14 12:31:28.607 UTC\n\nCisco IOS XR Software, Version 6.1.4\nRP/0/RP0/CPU0:r1#\n",
			"show version", "Cisco IOS XR Software, Version 6.1.4\n"},
		"bare echo": {"show version\nVersion: 2.7(1.104)\n", "show version", "Version: 2.7(1.104)\n"},
		"fxos scoped prompt": {
			"FPR4120-1-A /security # show trustpoint\nTrustpoint Name: A\nFPR4120-1-A /security # ",
			"show trustpoint", "Trustpoint Name: A\n"},
		"no echo, no prompt": {"  Status: Available  \n  c=US\n", "show x", "  Status: Available  \n  c=US\n"},
		"prompt trap kept": {
			"CA Certificate\n  Storage: nvram:sw1#3601CA.cer\n", "", "CA Certificate\n  Storage: nvram:sw1#3601CA.cer\n"},
		"prompt trap last line": {
			"  Associated Trustpoints: sw1#TP\nsw1#", "", "  Associated Trustpoints: sw1#TP\n"},
		"ios more": {
			"line one\n --More-- \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08          \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08  line two\n",
			"", "line one\n  line two\n"},
		"asa more": {
			"line one\r\n<--- More --->\r              \r  line two\r\n", "", "line one\n  line two\n"},
		"xr more":               {"a\n\x1b[7m--More--\x1b[27m\x08\x08\x08\x08\x08\x08\x08\x08        \x08\x08\x08\x08\x08\x08\x08\x08b\n", "", "a\nb\n"},
		"only prompt":           {"sw1#\n", "show version", ""},
		"echo of other command": {"sw1#show clock\nfoo\n", "show version", "sw1#show clock\nfoo\n"},
		"timestamp mid-output":  {"a\nWed Mar 14 12:31:28.607 UTC\n", "", "a\nWed Mar 14 12:31:28.607 UTC\n"},
		"asa context prompt":    {"asa/pri/act# show mode\nSecurity context mode: single\nasa/pri/act# ", "show mode", "Security context mode: single\n"},
		"config prompt":         {"r1(config)#\n", "", ""},
	} {
		if got := CleanCapture(tc.in, tc.cmd); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", name, got, tc.want)
		}
	}
}

func TestCommandError(t *testing.T) {
	for _, bad := range []string{
		"                           ^\n% Invalid input detected at '^' marker.\n",
		"ERROR: % Invalid input detected at '^' marker.\n",
		"% Incomplete command.\n",
		"% Ambiguous command:  \"show c\"\n",
		"Command authorization failed.\n",
		"% This command is not authorized\n",
		"%Error opening tftp://x (Timed out)\n",
		"% Invalid Command at '^' marker\n",
		"Error: Managed object does not exist\n",
		"Syntax error: The command is not completed\n",
		"Software Error: Exception during execution: [Error: Timed out communicating with DME]\n",
	} {
		if err := CommandError(bad); !errors.Is(err, ErrCommandFailed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	for _, good := range []string{
		"CA Certificate\n  Status: Available\n",
		"  Storage: nvram:sw1#3601CA.cer\n",
		"Trustpool import:\n   failed:     0\n",
		"",
	} {
		if err := CommandError(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	err := CommandError("x\n% Invalid input detected at '^' marker.\ny\n")
	if err == nil || err.Error() != "command failed: % Invalid input detected at '^' marker." {
		t.Errorf("message: %v", err)
	}
}

// FuzzCommandErrorPrefilter: the literal scan CommandError runs first never
// turns away output the pattern would match.
func FuzzCommandErrorPrefilter(f *testing.F) {
	for _, s := range []string{
		"% Invalid input detected at '^' marker.\n", "Command authorization failed.\n",
		"Error: Managed object does not exist\n", "Syntax error: The command is not completed\n",
		"Software Error: x\n", "ERROR: y\n", "CA Certificate\n  Status: Available\n", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if cliErrorRE.MatchString(s) && !mayHoldCLIError(s) {
			t.Errorf("%q matches the pattern but not the prefilter", s)
		}
	})
}
