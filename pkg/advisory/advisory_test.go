package advisory

import (
	"errors"
	"strings"
	"testing"
)

const (
	fix72323  = "16.12.6, 17.3.4, 17.4.2, 17.5.1, 17.6.1, 17.7.1 or later"
	fix72298  = "17.6.1 or later"
	fix72116  = "17.3.1z or 17.6.1a or later"
	fixCER    = "12.5(1)SU5 or 14SU1"
	fixESA    = "12.5.3-035, 13.5.3-010 or later"
	fixESA125 = "12.5.3-035 or later"
	fixESA135 = "13.5.3-010 or later"
	fixESAOth = "12.5.3-035, 13.5.3 or later"
	fixWSA    = "11.8.3-021 or later"
)

// Note fragments, to tell which step decided.
const (
	named    = "named in the field notice"
	fixedRel = "at or above the fixed release"
	unlisted = "not named"
	below    = "below 17.6.1"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		platform, version, model string
		notice                   string
		affected                 bool
		fixed, note              string
	}{
		// FN72298: IE3x00 / IE34xx / ESS3x00 (FN72298).
		{"iosxe", "16.9.1", "IE-3400-8T2S", "FN72298", true, fix72298, named},
		{"iosxe", "16.9.1s", "IE-3300-8P2S", "FN72298", true, fix72298, named},
		{"iosxe", "16.12.1z2", "IE-3200-8T2S", "FN72298", true, fix72298, named},
		{"iosxe", "17.5.1a", "ESS-3300-CON", "FN72298", true, fix72298, named},
		{"iosxe", "17.03.04a", "IE-3400H-16T", "FN72298", true, fix72298, below},
		{"iosxe", "16.6.1", "ie-3400-8t2s", "FN72298", true, fix72298, below},
		{"iosxe", "17.5.1b", "IE3400-8T2S", "FN72298", true, fix72298, below},
		{"iosxe", "17.6.1", "IE-3400-8T2S", "FN72298", false, fix72298, fixedRel},
		{"iosxe", "17.06.01", "IE-3300-8P2S", "FN72298", false, fix72298, fixedRel},
		{"iosxe", "17.15.4", "IE-3400-8T2S", "FN72298", false, fix72298, fixedRel},
		// FN72298: ESS9300 has its own (shorter) list.
		{"iosxe", "17.4.2a", "ESS-9300-10X-E", "FN72298", true, fix72298, named},
		{"iosxe", "16.12.1", "ESS-9300-10X-E", "FN72298", true, fix72298, below},
		{"iosxe", "17.6.1", "ESS-9300-10X-E", "FN72298", false, fix72298, fixedRel},
		// FN72323: general IOS XE, fixed per train.
		{"iosxe", "16.1.1", "C9300-48P", "FN72323", true, fix72323, named},
		{"iosxe", "16.0.9", "C9300-48P", "FN72323", false, fix72323, unlisted},
		{"iosxe", "03.16.05S", "C3850-24T", "FN72323", false, fix72323, unlisted},
		{"iosxe", "16.9.8", "", "FN72323", true, fix72323, named},
		{"iosxe", "16.12.5", "", "FN72323", true, fix72323, named},
		{"iosxe", "16.12.5b", "", "FN72323", true, fix72323, named},
		{"iosxe", "16.12.6", "", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "16.12.10a", "", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.1.1", "ISR4451-X/K9", "FN72323", true, fix72323, named},
		{"iosxe", "17.2.1", "C8000V", "FN72323", true, fix72323, named},
		{"iosxe", "17.3.3", "", "FN72323", true, fix72323, named},
		{"iosxe", "17.3.4", "", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.3.4a", "C9500-48Y4C", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.03.04a", "C9500-48Y4C", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.4.1", "", "FN72323", true, fix72323, named},
		{"iosxe", "17.4.1b", "", "FN72323", true, fix72323, named},
		{"iosxe", "17.4.2", "", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.5.1", "", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.6.1", "", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.7.1", "", "FN72323", false, fix72323, fixedRel},
		{"iosxe", "17.9.4a", "", "FN72323", false, fix72323, fixedRel},
		// FN72116: cBR-8; only the fixed releases are known.
		{"iosxe", "17.3.1z", "cBR-8", "FN72116", false, fix72116, fixedRel},
		{"iosxe", "17.3.2", "CBR-8-CCAP-CHASS", "FN72116", false, fix72116, fixedRel},
		{"iosxe", "17.6.1a", "cBR-8", "FN72116", false, fix72116, fixedRel},
		{"iosxe", "17.9.1", "cBR-8", "FN72116", false, fix72116, fixedRel},
		{"iosxe", "17.3.1y", "cBR-8", "FN72116", false, fix72116, "affected list was not available"},
		{"iosxe", "17.6.1", "cBR-8", "FN72116", false, fix72116, "affected list was not available"},
		{"iosxe", "17.4.1", "cBR-8", "FN72116", false, fix72116, "affected list was not available"},
		// FN72290: IOS XR; no fixed release.
		{"iosxr", "6.0.0", "", "FN72290", true, "", "fixed releases not confirmed"},
		{"iosxr", "6.0.2", "NCS-5500", "FN72290", true, "", named},
		{"iosxr", "6.0.3", "", "FN72290", false, "", unlisted},
		{"iosxr", "6.1.1", "", "FN72290", true, "", named},
		{"iosxr", "6.1.4", "", "FN72290", true, "", named},
		{"iosxr", "6.1.5", "", "FN72290", false, "", unlisted},
		{"iosxr", "6.1.31", "", "FN72290", false, "", unlisted},
		{"iosxr", "6.4.0", "", "FN72290", true, "", named},
		{"iosxr", "6.5.3", "", "FN72290", true, "", named},
		{"iosxr", "6.6.4", "", "FN72290", true, "", named},
		{"iosxr", "6.7.4", "", "FN72290", true, "", named},
		{"iosxr", "6.8.1", "", "FN72290", true, "", named},
		{"iosxr", "6.8.2", "", "FN72290", false, "", unlisted},
		{"iosxr", "7.0.0", "", "FN72290", true, "", named},
		{"iosxr", "7.2.0", "", "FN72290", true, "", named},
		{"iosxr", "7.3.2", "", "FN72290", true, "", named},
		{"iosxr", "7.3.3", "", "FN72290", true, "", named},
		{"iosxr", "7.3.4", "", "FN72290", false, "", unlisted},
		{"iosxr", "7.4.1", "", "FN72290", true, "", named},
		{"iosxr", "7.5.1", "", "FN72290", true, "", named},
		{"iosxr", "7.5.2", "", "FN72290", false, "", unlisted},
		{"iosxr", "7.9.2 LNT", "8202-32FH-M", "FN72290", false, "", unlisted},
		{"iosxr", "5.2.3.12I", "", "FN72290", false, "", unlisted},
		// FN72103: ASA, matched on train + maintenance; no fixed release.
		{"asa", "9.8(2)", "", "FN72103", true, "", named},
		{"asa", "9.8(2)20", "", "FN72103", true, "", named},
		{"asa", "9.8(3)21", "FPR4K-SM-12", "FN72103", false, "", unlisted},
		{"asa", "9.8(4)", "", "FN72103", true, "", named},
		{"asa", "9.8(4)10", "ASAv", "FN72103", true, "", "fixed releases not confirmed"},
		{"asa", "9.12(2)", "", "FN72103", true, "", named},
		{"asa", "9.12(4)", "", "FN72103", true, "", named},
		{"asa", "9.12(1)", "", "FN72103", false, "", unlisted},
		{"asa", "9.12(1)10", "", "FN72103", true, "", "interim build"},
		{"asa", "9.1(7)32", "", "FN72103", true, "", "interim build"},
		{"asa", "9.1(7)", "", "FN72103", false, "", unlisted},
		{"asa", "9.14(1)", "", "FN72103", true, "", named},
		{"asa", "9.14(3)", "", "FN72103", false, "", unlisted},
		{"asa", "9.15(1)1", "", "FN72103", true, "", named},
		{"asa", "9.16(3)19", "ISA-3000-2C2F", "FN72103", false, "", unlisted},
		// FN72103 FXOS rows were not available.
		{"fxos", "2.10(1.159)", "FPR-4110-K9", "FN72103", false, "", "FXOS rows were not available"},
		{"fxos", "2.3(1.58)", "", "FN72103", false, "", "FXOS rows were not available"},
		// FN72289: CER (FN72289).
		{"cer", "12.0(1)SU1", "", "FN72289", true, fixCER, named},
		{"cer", "12.0(1) SU2", "", "FN72289", true, fixCER, named},
		{"cer", "12.5(1)", "", "FN72289", true, fixCER, named},
		{"cer", "12.5(1a)", "", "FN72289", true, fixCER, named},
		{"cer", "12.5(1)SU1", "", "FN72289", true, fixCER, named},
		{"cer", "12.5(1)SU3", "", "FN72289", true, fixCER, named},
		{"cer", "12.5(1)SU4", "", "FN72289", true, fixCER, named},
		{"cer", "12.5(1)SU5", "", "FN72289", false, fixCER, fixedRel},
		{"cer", "12.5.1SU5", "", "FN72289", false, fixCER, fixedRel},
		{"cer", "12.5(1)SU7", "", "FN72289", false, fixCER, fixedRel},
		{"cer", "14", "", "FN72289", true, "14SU1", named},
		{"cer", "14SU1", "", "FN72289", false, fixCER, fixedRel},
		{"cer", "14 SU3", "", "FN72289", false, fixCER, fixedRel},
		{"cer", "15", "", "FN72289", false, fixCER, fixedRel},
		{"cer", "12.0(1)", "", "FN72289", true, fixCER, "COP file"},
		{"cer", "12.0(1)SU3", "", "FN72289", true, fixCER, "COP file"},
		{"cer", "11.5(1)SU9", "", "FN72289", false, fixCER, unlisted},
		// FN72113: ESA (FN72113).
		{"esa", "11.0.0-264", "", "FN72113", true, fixESA125, named},
		{"esa", "11.0.3-238", "", "FN72113", true, fixESA125, named},
		{"esa", "11.1.2-023", "", "FN72113", true, fixESA125, named},
		{"esa", "11.5.1-115", "", "FN72113", true, fixESA125, named},
		{"esa", "12.0.0-419", "", "FN72113", true, fixESA125, named},
		{"esa", "12.1.0-071", "", "FN72113", true, fixESA125, named},
		{"esa", "12.5.0-066", "", "FN72113", true, fixESA125, named},
		{"esa", "12.5.2-011", "", "FN72113", true, fixESA125, named},
		{"esa", "12.5.3-034", "", "FN72113", true, fixESAOth, "Other versions"},
		{"esa", "12.5.3-035", "", "FN72113", false, fixESA, fixedRel},
		{"esa", "12.5.3-35", "", "FN72113", false, fixESA, fixedRel},
		{"esa", "12.5.4-011", "", "FN72113", false, fixESA, fixedRel},
		{"esa", "13.0.0-283", "", "FN72113", true, fixESA135, named},
		{"esa", "13.0.1-030", "", "FN72113", true, fixESA135, named},
		{"esa", "13.0.2-011", "", "FN72113", true, "13.5.4-020 or later", named},
		{"esa", "13.0.3-012", "", "FN72113", true, "13.5.3-010 or later; 13.0.4-007 if Common Criteria is required", named},
		{"esa", "13.0.4-007", "", "FN72113", false, fixESA, fixedRel},
		{"esa", "13.5.1-277", "", "FN72113", true, fixESA135, named},
		{"esa", "13.5.2-036", "", "FN72113", true, fixESA135, named},
		{"esa", "13.5.3-010", "", "FN72113", false, fixESA, fixedRel},
		{"esa", "13.5.4-020", "", "FN72113", false, fixESA, fixedRel},
		{"esa", "14.0.0-698", "", "FN72113", false, fixESA, fixedRel},
		{"esa", "10.0.2-020", "", "FN72113", true, fixESAOth, "Other versions"},
		// FN72113: WSA (FN72113).
		{"wsa", "11.5.1-124", "", "FN72113", true, fixWSA, named},
		{"wsa", "11.7.0-418", "", "FN72113", true, fixWSA, named},
		{"wsa", "11.7.2-011", "", "FN72113", true, fixWSA, named},
		{"wsa", "11.8.0-414", "", "FN72113", false, fixWSA, unlisted},
		{"wsa", "11.8.3-020", "", "FN72113", false, fixWSA, unlisted},
		{"wsa", "11.8.3-021", "", "FN72113", false, fixWSA, fixedRel},
		{"wsa", "12.0.1-268", "", "FN72113", false, fixWSA, fixedRel},
		// Platform ids are matched without case or padding.
		{" IOSXE ", "17.3.3", "", "FN72323", true, fix72323, named},
	} {
		name := tc.platform + "/" + tc.version + "/" + tc.model
		t.Run(name, func(t *testing.T) {
			got, err := Lookup(tc.platform, tc.version, tc.model)
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if got.Notice != tc.notice || got.Affected != tc.affected || got.Fixed != tc.fixed {
				t.Errorf("Lookup = %+v, want notice %s affected %v fixed %q", got, tc.notice, tc.affected, tc.fixed)
			}
			if !strings.Contains(got.Note, tc.note) || strings.Contains(got.Note, "\n") {
				t.Errorf("Note = %q, want one line containing %q", got.Note, tc.note)
			}
		})
	}
}

func TestLookupErrors(t *testing.T) {
	for _, p := range []string{"", "ios", "ftd", "nxos"} {
		_, err := Lookup(p, "17.3.4", "")
		if !errors.Is(err, ErrUnknownPlatform) || !strings.Contains(err.Error(), "asa|cer|esa|fxos|iosxe|iosxr|wsa") {
			t.Errorf("Lookup(%q): err = %v, want ErrUnknownPlatform listing the ids", p, err)
		}
	}
	for _, tc := range []struct{ platform, version, notice string }{
		{"iosxe", "", "FN72323"},
		{"iosxe", "Version 17.3.4", "FN72323"},
		{"cer", "12.5(1a)SU1", "FN72289"},
		{"esa", "13.5.3-", "FN72113"},
		{"asa", "9.8(4", "FN72103"},
	} {
		a, err := Lookup(tc.platform, tc.version, "")
		if !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("Lookup(%q, %q): err = %v, want ErrInvalidVersion", tc.platform, tc.version, err)
		}
		if a.Notice != tc.notice || a.Affected {
			t.Errorf("Lookup(%q, %q) = %+v, want notice %s, not affected", tc.platform, tc.version, a, tc.notice)
		}
	}
}

func TestUpgradeRequired(t *testing.T) {
	for _, tc := range []struct {
		platform, version, fixed string
		affected                 bool
	}{
		{"cer", "14", "14SU1", true},
		{"cer", "12.5(1)SU3", fixCER, true},
		{"cer", "14SU1", fixCER, false},
		{"esa", "13.5.2-036", fixESA135, true},
		{"esa", "14.0.0-698", fixESA, false},
		{"wsa", "11.7.1-006", fixWSA, true},
	} {
		fixed, affected, err := UpgradeRequired(tc.platform, tc.version)
		if err != nil || fixed != tc.fixed || affected != tc.affected {
			t.Errorf("UpgradeRequired(%q, %q) = %q, %v, %v; want %q, %v", tc.platform, tc.version,
				fixed, affected, err, tc.fixed, tc.affected)
		}
	}
	if _, _, err := UpgradeRequired("cer", "fourteen"); !errors.Is(err, ErrInvalidVersion) {
		t.Errorf("UpgradeRequired(cer, fourteen): err = %v, want ErrInvalidVersion", err)
	}
}
