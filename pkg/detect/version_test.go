package detect

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const versionDir = "../../testdata/parsers/version"

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(versionDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	xe3Reason     = " (3.x or older) is not covered by the field notices"
	iosReason     = "classic IOS is not covered by the field notices"
	ftdReason     = "Firepower Threat Defense is configured through FMC/FDM, not this CLI"
	contextReason = "ASA in multiple-context mode (<%s>): the fix there is unconfirmed; do it by hand"
)

// versionCases is every fixture under testdata/parsers/version with the facts
// a careful reader takes from it.
var versionCases = map[string]Facts{
	"iosxe_c9500_17.03.04a.txt": {Platform: IOSXE, Supported: true, Version: "17.03.04a", Model: "C9500-48Y4C",
		Hostname: "core-sw1", Serial: "CAT2301L0AC", Uptime: "7 weeks, 17 hours, 14 minutes"},
	"iosxe_ie3400_17.15.04.txt": {Platform: IOSXE, Supported: true, Version: "17.15.04", Model: "IE-3400-8T2S",
		Hostname: "ie3400-dock-01", Serial: "FCW2716Y9J4", Uptime: "3 days, 4 hours, 2 minutes"},
	"iosxe_c8000v_17.06.03a.txt": {Platform: IOSXE, Supported: true, Version: "17.06.03a", Model: "C8000V",
		Hostname: "edge-rtr-7", Serial: "9SBY7Z1FF2N", Uptime: "1 hour, 3 minutes"},
	"iosxe_c9300_stack_16.12.04.txt": {Platform: IOSXE, Supported: true, Version: "16.12.04", Model: "C9300-48P",
		Hostname: "access-stack-3", Serial: "FCW2233L0XY", Uptime: "1 year, 12 weeks, 2 days, 5 hours, 41 minutes"},
	"iosxe_isr4431_16.09.03_timestamp.txt": {Platform: IOSXE, Supported: true, Version: "16.09.03", Model: "ISR4431/K9",
		Hostname: "isr4431-wan", Serial: "FOC21430ABC", Uptime: "2 years, 10 weeks, 6 hours, 1 minute"},
	// SD-WAN controller mode is the IOS XE Spec's blocker
	// (pkg/platform/iosxe), not a fact of show version's parser.
	"iosxe_c8300_sdwan_17.03.04a.txt": {Platform: IOSXE, Supported: true, Version: "17.03.04a", Model: "C8300-1N1S-6T",
		Hostname: "branch-cedge-2", Serial: "FDO2516M0QR", Uptime: "5 weeks, 1 day, 2 hours, 9 minutes"},
	"iosxe3_cat4500_03.06.05E.txt": {Platform: IOSXE, Version: "03.06.05E", Model: "WS-C4507R+E",
		Hostname: "dist-4507", Serial: "FXS1838Q2AB", Uptime: "2 years, 17 weeks, 3 days, 22 hours, 1 minute",
		Reason: "IOS XE 03.06.05E" + xe3Reason},
	"iosxe3_asr1001_03.16.05S.txt": {Platform: IOSXE, Version: "03.16.05.S", Model: "ASR1001-X",
		Hostname: "pe-asr1001", Serial: "FXS2010Q0AB", Uptime: "45 weeks, 2 days, 1 hour, 22 minutes",
		Reason: "IOS XE 03.16.05.S" + xe3Reason},
	"ios_c2960x_15.2.7E.txt": {Platform: IOS, Version: "15.2(7)E", Model: "WS-C2960X-48FPD-L",
		Hostname: "closet-2960-04", Serial: "FOC1923X0AC", Uptime: "1 year, 2 weeks, 3 days, 22 hours, 50 minutes",
		Reason: iosReason},
	"ios_c2950_12.1.22EA14.txt": {Platform: IOS, Version: "12.1(22)EA14", Model: "WS-C2950T-24",
		Hostname: "lab-2950", Serial: "FOC0821Z0AB", Uptime: "12 weeks, 1 day, 4 hours, 3 minutes", Reason: iosReason},
	"iosxr_ncs5500_6.1.4.txt": {Platform: IOSXR, Supported: true, Version: "6.1.4", Model: "NCS-5500",
		Uptime: "4 weeks, 6 days, 1 hour, 42 minutes"},
	"iosxr_8202_7.9.2_lnt.txt": {Platform: IOSXR, Supported: true, Version: "7.9.2", Model: "8202-32FH-M",
		Hostname: "gemini", Uptime: "1 week, 3 days, 20 hours, 2 minutes"},
	"iosxr_classic_5.2.3.12I.txt": {Platform: IOSXR, Supported: true, Version: "5.2.3.12I", Model: "IOS XRv Series",
		Hostname: "iosxrvr1", Uptime: "2 hours, 50 minutes"},
	"iosxr_asr9k_6.5.3_paging.txt": {Platform: IOSXR, Supported: true, Version: "6.5.3", Model: "ASR9K Series",
		Hostname: "pe1-asr9k", Uptime: "26 weeks, 4 days, 11 hours, 5 minutes"},
	"asa_isa3000_9.16.3.19.txt": {Platform: ASA, Supported: true, Version: "9.16(3)19", Model: "ISA-3000-2C2F",
		Hostname: "asa1", Serial: "9AT1L9EX0DF", Uptime: "1 year 97 days"},
	"asav_9.5.2.204.txt": {Platform: ASA, Supported: true, Version: "9.5(2)204", Model: "ASAv10",
		Hostname: "ASAv", Serial: "9AJDFJ4VJ1R", Uptime: "2 days 3 hours"},
	"asa_fpr4k_context_9.8.3.21.txt": {Platform: ASA, Version: "9.8(3)21", Model: "FPR4K-SM-12",
		Hostname: "dmz-ctx", Uptime: "94 days 2 hours", ASAContext: "context",
		Reason: strings.Replace(contextReason, "%s", "context", 1)},
	"asa_fpr9300_system_9.12.4.txt": {Platform: ASA, Version: "9.12(4)52", Model: "FPR9K-SM-44",
		Hostname: "fw9300-a", Serial: "FLM2233081X", Uptime: "312 days 4 hours", ASAContext: "system",
		Reason: strings.Replace(contextReason, "%s", "system", 1)},
	"asa_fpr2130_9.14.2.15_paging.txt": {Platform: ASA, Supported: true, Version: "9.14(2)15", Model: "FPR-2130",
		Hostname: "asa-br-2", Serial: "JAD21240ABC", Uptime: "14 days 1 hour"},
	"ftd_vmware_7.0.1.txt": {Platform: FTD, Version: "7.0.1", Model: "NGFWv", Hostname: "ftdv-branch-9",
		Uptime: "3 days 22 hours", Reason: ftdReason},
	"ftd_diag_7.0.1.txt": {Platform: FTD, Version: "7.0.1", Model: "NGFWv", Hostname: "firepower",
		Serial: "9A1B2C3D4E5", Uptime: "3 days 22 hours", Reason: ftdReason},
	// Public captures (provenance in testdata/parsers/README.md).
	"ftd_fpr1010_7.4.2_system_oxidized.txt": {Platform: FTD, Version: "7.4.2", Model: "FPR-1010", Hostname: "FPR-12345",
		Serial: "JAD20000AAA", Uptime: "40 days 21 hours", Reason: ftdReason},
	"ftd_fpr2110_6.8.0_diagnostic_unicon.txt": {Platform: FTD, Version: "6.8.0", Model: "FPR-2110", Hostname: "%N",
		Serial: "JAD220906JB", Uptime: "62 days 2 hours", Reason: ftdReason},
	"ftd_fpr2110_6.8.0_clish_unicon.txt": {Platform: FTD, Version: "6.8.0", Model: "Firepower 2110 Threat Defense",
		Hostname: "%N", Reason: ftdReason},
	"fxos_fprm_2.3.1.8_unicon.txt":      {Platform: FXOS, Supported: true, Version: "2.3(1.8)"},
	"fxos_fp2k_82.10.1.347i_unicon.txt": {Platform: FXOS, Supported: true, Version: "82.10(1.347i)"},
	"iosxr_xrd_7.7.1_lnt_xrdocs.txt": {Platform: IOSXR, Supported: true, Version: "7.7.1", Model: "XRd-CP-C-01",
		Hostname: "ios", Uptime: "0 minutes"},
	"iosxr_ncs540l_7.5.1.20I_lnt_genie.txt": {Platform: IOSXR, Supported: true, Version: "7.5.1.20I", Model: "N540-28Z4C-SYS-A",
		Hostname: "tb7-r4", Uptime: "4 weeks, 4 days, 22 hours, 30 minutes"},
	"iosxr_spitfire_7.0.1.119I_unicon.txt": {Platform: IOSXR, Supported: true, Version: "7.0.1.119I",
		Uptime: "18 hours, 50 minutes"},
	"fxos_2.7.1.104_indented.txt": {Platform: FXOS, Supported: true, Version: "2.7(1.104)"},
	"fxos_2.10.1.159.txt":         {Platform: FXOS, Supported: true, Version: "2.10(1.159)"},
	"esa_c100v_13.5.1.txt": {Platform: ESA, Version: "13.5.1-277", Model: "C100V",
		Reason: "AsyncOS has no CLI import: upgrade (FN72113)"},
	"wsa_s100v_11.8.0.txt": {Platform: WSA, Version: "11.8.0-453", Model: "S100V",
		Reason: "AsyncOS has no CLI import: upgrade (FN72113)"},
	"cer_12.5.1.txt": {Platform: CER, Version: "12.5.1.21900-12",
		Reason: "Emergency Responder has no CLI import: upgrade or COP file (FN72289)"},
}

func TestParseVersionFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(versionDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		name := filepath.Base(f)
		want, ok := versionCases[name]
		if strings.HasPrefix(name, "unknown_") {
			if _, err := ParseVersion(readFixture(t, name)); !errors.Is(err, ErrUnknownOutput) {
				t.Errorf("%s: err = %v, want ErrUnknownOutput", name, err)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: fixture without an expected result", name)
			continue
		}
		seen++
		got, err := ParseVersion(readFixture(t, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
		if !got.Supported && got.Reason == "" {
			t.Errorf("%s: unsupported without a reason", name)
		}
		// The inventory naming the right platform changes nothing.
		if as, err := ParseVersionAs(want.Platform, readFixture(t, name)); err != nil || as != want {
			t.Errorf("%s: ParseVersionAs(%s) = %+v, %v", name, want.Platform, as, err)
		}
	}
	if seen != len(versionCases) {
		t.Errorf("%d fixtures checked, %d expected", seen, len(versionCases))
	}
}

func TestParseVersionAsMismatch(t *testing.T) {
	for _, tc := range []struct{ file, as, got string }{
		{"ios_c2960x_15.2.7E.txt", IOSXE, IOS},
		{"ftd_vmware_7.0.1.txt", ASA, FTD},
		{"ftd_diag_7.0.1.txt", ASA, FTD},
		{"ftd_fpr1010_7.4.2_system_oxidized.txt", ASA, FTD},
		{"ftd_fpr2110_6.8.0_diagnostic_unicon.txt", ASA, FTD},
		{"fxos_fprm_2.3.1.8_unicon.txt", ASA, FXOS},
		{"asa_isa3000_9.16.3.19.txt", FXOS, ASA},
		{"iosxr_ncs5500_6.1.4.txt", IOSXE, IOSXR},
		{"iosxe_c9500_17.03.04a.txt", IOSXR, IOSXE},
		{"fxos_2.10.1.159.txt", ASA, FXOS},
	} {
		_, err := ParseVersionAs(tc.as, readFixture(t, tc.file))
		var me *MismatchError
		if !errors.As(err, &me) || me.Got != tc.got || !errors.Is(err, ErrPlatformMismatch) {
			t.Errorf("%s as %s: err = %v, want mismatch naming %s", tc.file, tc.as, err, tc.got)
		}
	}
	_, err := ParseVersionAs(IOSXE, readFixture(t, "ios_c2960x_15.2.7E.txt"))
	if want := "show version looks like ios (classic IOS), not iosxe"; err == nil || err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestParseVersionAsOther(t *testing.T) {
	if _, err := ParseVersionAs("junos", "whatever"); !errors.Is(err, ErrUnknownPlatform) {
		t.Errorf("junos: %v", err)
	}
	if f, err := ParseVersionAs("auto", readFixture(t, "fxos_2.10.1.159.txt")); err != nil || f.Platform != FXOS {
		t.Errorf("auto: %+v %v", f, err)
	}
	// Output no rule recognises is tried with the named parser…
	if f, err := ParseVersionAs(ASA, "Hardware:   ASA5516\nbox up 3 days\n"); !errors.Is(err, ErrNoVersion) || f.Model != "ASA5516" {
		t.Errorf("asa without version line: %+v %v", f, err)
	}
	// …and fails when that parser finds no release.
	for _, p := range []string{IOSXE, IOSXR, ASA, FXOS} {
		if _, err := ParseVersionAs(p, "% Invalid input detected at '^' marker.\n"); !errors.Is(err, ErrNoVersion) {
			t.Errorf("%s on an error line: %v, want ErrNoVersion", p, err)
		}
	}
	if _, err := ParseVersion(""); !errors.Is(err, ErrUnknownOutput) {
		t.Errorf("empty: %v", err)
	}
}

func TestAsyncOSBanner(t *testing.T) {
	for banner, want := range map[string]Facts{
		"AsyncOS 11.7.0 for Cisco S300V build 123\n": {Platform: WSA, Version: "11.7.0", Model: "S300V"},
		"AsyncOS 12.1.0 for Cisco C100V build 071\n": {Platform: ESA, Version: "12.1.0", Model: "C100V"},
	} {
		want.Reason = "AsyncOS has no CLI import: upgrade (FN72113)"
		if got, err := ParseVersion(banner); err != nil || got != want {
			t.Errorf("%q: %+v %v", banner, got, err)
		}
	}
}

func TestNormaliseXE(t *testing.T) {
	for in, want := range map[string]string{
		"17.03.04a": "17.3.4a", "16.09.03": "16.9.3", "17.15.04": "17.15.4", "03.06.05E": "3.6.5E",
		"16.12.01s": "16.12.1s", "17.3.4a": "17.3.4a", "17.10.01": "17.10.1", "16.0.0": "16.0.0",
		"03.16.05.S": "3.16.5.S", "": "",
	} {
		if got := NormaliseXE(in); got != want {
			t.Errorf("NormaliseXE(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(versionDir, "*.txt"))
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(string(b))
	}
	f.Add("Cisco IOS XE Software, Version \n")
	f.Add("Cisco Adaptive Security Appliance Software Version 9.1(1) <")
	f.Fuzz(func(t *testing.T, out string) {
		facts, err := ParseVersion(out)
		if err != nil {
			return
		}
		if _, ok := parsers[facts.Platform]; !ok {
			t.Fatalf("platform %q from %q", facts.Platform, out)
		}
		if !facts.Supported && facts.Reason == "" {
			t.Fatalf("unsupported without reason: %+v", facts)
		}
		if facts.Supported && facts.Version == "" {
			t.Fatalf("supported without version: %+v", facts)
		}
		if facts.Platform == ASA && ftdRE.MatchString(dedent(CleanCapture(out, "show version"))) {
			t.Fatalf("FTD read as ASA")
		}
	})
}

// TestEmptyFieldsDoNotReachTheNextLine: a label with nothing after it
// ("System Serial Number  :" on a unit whose serial is blank) yields "",
// never the first word of a following line ("Configuration").
func TestEmptyFieldsDoNotReachTheNextLine(t *testing.T) {
	out := "Cisco IOS XE Software, Version 17.03.04a\n" +
		"sw1 uptime is 1 hour, 3 minutes\n" +
		"Model Number                       : \n" +
		"System Serial Number               : \n\n" +
		"Configuration register is 0x2102\n"
	f, err := ParseVersion(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Serial != "" || f.Model != "" {
		t.Errorf("serial %q model %q, want both empty", f.Serial, f.Model)
	}
}
