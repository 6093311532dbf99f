package devsim

import (
	"fmt"
	"slices"
	"strings"
)

// Wording variants. Where no public capture shows what a device prints or
// asks (docs/platforms.md lists them per platform), the lab speaks one
// plausible wording by default and each other plausible wording on demand:
// `wording: NAME` on a scenario device. A tool that decides by the device's
// state, not by its words, passes against every variant; one that keys on
// an unconfirmed sentence fails against some. The default (no `wording:`)
// is what the lab has always said.
const (
	// WordingDefault is the lab's usual wording.
	WordingDefault = ""
	// WordingAlt rewords every unconfirmed message and listing of the
	// platform (errors, summaries, labels, layouts).
	WordingAlt = "alt"
	// WordingConfirm asks a question with a known, safe answer before a
	// change (IOS XE: overwrite NVRAM [confirm]; IOS XR and ASA: continue
	// with the trustpool import?).
	WordingConfirm = "confirm"
	// WordingUnexpected asks, during the url import, a question whose
	// answer a tool cannot know: any answer changes the device, so the
	// only correct reaction is to stop at once (^C or disconnect).
	WordingUnexpected = "unexpected"
	// WordingPartial is the ASA url import whose counters report one
	// expired and one refused certificate while IdenTrust is installed.
	WordingPartial = "partial"
	// WordingDetailOnly is an FXOS chassis whose `show trustpoint` prints
	// a summary without certificates; only `show trustpoint detail` and
	// `scope trustpoint NAME` + `show detail` show the chains.
	WordingDetailOnly = "detail-only"
)

// Wording describes one variant a platform offers.
type Wording struct {
	// Name is the scenario knob: `wording: NAME` ("" is the default).
	Name string
	// About says in one line what the device does differently.
	About string
	// Stops lists the import methods at which a careful tool must stop
	// instead of completing: the device asks what it cannot answer.
	Stops []string
}

// wordings is the catalogue, default first for every platform.
var wordings = map[string][]Wording{
	IOSXE: {
		{Name: WordingDefault, About: "the lab's usual IOS XE wording"},
		{Name: WordingAlt, About: "url failure as a DNS failure, `!!!` progress and byte count on a url import, " +
			"another terminal-paste failure line, `% Access denied` after three enable failures"},
		{Name: WordingConfirm, About: "write memory (and copy running-config startup-config) warn and ask " +
			"`Overwrite the previous NVRAM configuration?[confirm]`"},
	},
	IOSXR: {
		{Name: WordingDefault, About: "the lab's usual IOS XR wording: a url import prints nothing on success"},
		{Name: WordingAlt, About: "a url import prints a summary; url, file and authenticate errors reworded; " +
			"a line after an accepted certificate; `show crypto ca trustpool` without group headers or rules"},
		{Name: WordingConfirm, About: "a url import asks `[yes/no]` before adding the certificates to the trustpool"},
		{Name: WordingUnexpected, About: "a url import asks whether to delete earlier downloads first: " +
			"yes and no both import, only ^C leaves the device as it was", Stops: []string{"url", "file"}},
	},
	ASA: {
		{Name: WordingDefault, About: "the lab's usual ASA wording"},
		{Name: WordingAlt, About: "url import counters without `Root file signature verified.` and unindented; " +
			"url failure, trustpoint and enable errors reworded; re-authenticating a trustpoint that holds a CA " +
			"is refused; `show crypto ca trustpool` with a count, one-line DNs and MD5 fingerprints"},
		{Name: WordingConfirm, About: "a url import asks `Do you want to continue? (y/n)` first"},
		{Name: WordingPartial, About: "a url import installs IdenTrust but counts one certificate expired and " +
			"one failed (FIPS refuses the SHA-1 QuoVadis root)"},
		{Name: WordingUnexpected, About: "a url import asks whether to remove the trustpool's certificates " +
			"first: yes and no both import, only ^C leaves the device as it was", Stops: []string{"url"}},
	},
	FXOS: {
		{Name: WordingDefault, About: "the lab's usual FXOS wording"},
		{Name: WordingAlt, About: "`show trustpoint` with other labels and the PEM after the label; " +
			"`Error: update failed` (lower case, no reason) and other object errors reworded"},
		{Name: WordingDetailOnly, About: "`show trustpoint` is a summary table without certificates; " +
			"`show trustpoint detail` and `scope trustpoint NAME` + `show detail` show the chains"},
	},
}

// Wordings lists the variants a platform offers, the default first. A test
// runs every platform × method × wording by ranging over it.
func Wordings(platform string) []Wording {
	if w, ok := wordings[platform]; ok {
		return slices.Clone(w)
	}
	return []Wording{{Name: WordingDefault, About: "no variants"}}
}

// checkWording validates a scenario device's wording knob.
func checkWording(platform, name string) error {
	var names []string
	for _, w := range Wordings(platform) {
		if w.Name == name {
			return nil
		}
		if w.Name != "" {
			names = append(names, w.Name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("unknown %q: %s has no wording variants", name, platform)
	}
	return fmt.Errorf("unknown %q for %s (want %s)", name, platform, strings.Join(names, "|"))
}

// worded reports whether the session's device speaks variant name.
func (s *session) worded(name string) bool { return s.dev.spec.Wording == name }

// phrase is one unconfirmed message: the default text and the alt text,
// both fmt formats (a literal % is written %%); say ends the line.
type phrase struct{ def, alt string }

// Phrases by platform. Each default is what the lab printed before
// variants existed; each alt is another plausible wording.
var (
	xeBadPasswords = phrase{"%% Bad passwords\n", "%% Access denied\n"}
	xePasteFailed  = phrase{"%% PEM files import failed.", "%% Error: failed to decode the PEM certificate"}

	xrLocalOnlyTmp   = phrase{"%% Error: local files can only be imported from /tmp", "%% Failed to import: %s: local files must be under /tmp"}
	xrDownloadFailed = phrase{"%% Error: Download failed, HTTP returned an error", "%% Failed to download %s: Connection timed out"}
	xrNoFile         = phrase{"%% Error: %s: No such file or directory", "Failed to open %s: file not found"}
	xrNotTerminal    = phrase{"%% Error: trustpoint %s is not configured for terminal enrollment", "%% Enrollment URL is not configured for trustpoint %s"}
	xrBadCert        = phrase{"%% Error: Invalid certificate", "%% Certificate decode failed"}
	xrYesOrNo        = phrase{"%% Please answer 'yes' or 'no'.", "Please answer yes or no."}

	asaURLFailed    = phrase{"ERROR: Failed to retrieve the trustpool bundle from %s", "%%Error opening %s (Connection timed out)\nTrustpool import failed."}
	asaTpNotFound   = phrase{"ERROR: Trustpoint %s not found", "ERROR: %s: no such trustpoint"}
	asaNotTerminal  = phrase{"ERROR: Trustpoint %s is not configured for terminal enrollment", "ERROR: The enrollment method of trustpoint %s is not terminal"}
	asaNotAccepted  = phrase{"\n%% Certificate not accepted", "\nTrustpoint CA certificate not accepted."}
	asaAccessDenied = phrase{"Access denied.", "ERROR: Too many failed attempts"}
	asaAskLater     = phrase{"", "\nYou will be asked again the next time you enter configuration mode."}
	asaCopied       = phrase{"3270 bytes copied in 0.210 secs", "3270 bytes copied in 0.210 secs (3270 bytes/sec)"}

	fxosExists     = phrase{"Error: Managed object already exists", "Error: create failed: trustpoint %s exists"}
	fxosNotExist   = phrase{"Error: Managed object does not exist", "Error: managed object does not exist"}
	fxosEmptyChain = phrase{"Error: Update failed: [Trustpoint %s: certificate chain is empty]", "Error: update failed"}
	fxosBadChain   = phrase{"Error: Update failed: [Certificate chain is not valid]", "Error: update failed"}
)

// say renders p in the device's wording and ends the line. Both texts
// take the same arguments in order; one that names fewer ignores the rest.
func (s *session) say(p phrase, args ...any) string {
	f := p.def
	if s.worded(WordingAlt) {
		f = p.alt
	}
	n := min(strings.Count(f, "%s"), len(args))
	return fmt.Sprintf(f, args[:n]...) + "\n"
}

// ask puts a question and reads one answer (trimmed, lower case). ok is
// false when the user pressed ^C instead.
func (b *base) ask(question string) (answer string, ok bool, err error) {
	b.waitOn(question)
	ans, end, err := b.readLine("question", true)
	if err != nil || end == endCtrlC {
		return "", false, err
	}
	return strings.ToLower(strings.TrimSpace(ans)), true, nil
}
