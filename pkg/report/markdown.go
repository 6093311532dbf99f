package report

import (
	"fmt"
	"io"
	"strings"
)

// renderMarkdown writes the change record as Markdown that pastes into a
// Jira or ServiceNow ticket: headings, pipe tables, code blocks.
func renderMarkdown(w io.Writer, v changeView) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", md(v.Title))
	mdTable(&b, []string{"Field", "Value"}, pairs(v.Facts))
	b.WriteString("\n## Result\n\n")
	mdTable(&b, []string{"Result", "Devices"}, pairs(v.Counts))
	if len(v.Failures) > 0 {
		fmt.Fprintf(&b, "\n## Failed (%d)\n\n", len(v.Failures))
		var rows [][]string
		for _, d := range v.Failures {
			rows = append(rows, []string{d.Name, d.Host, d.Platform, d.Outcome + atStage(d.Stage), d.Reason, d.Transcript})
		}
		mdTable(&b, []string{"Device", "Host", "Platform", "Outcome", "Error", "Transcript"}, rows)
	}
	if len(v.FollowUps) > 0 {
		fmt.Fprintf(&b, "\n## Follow-up: fixed until the next reload (%d)\n\n", len(v.FollowUps))
		var rows [][]string
		for _, d := range v.FollowUps {
			rows = append(rows, []string{d.Name, d.Host, d.Platform, d.Method, d.Reason})
		}
		mdTable(&b, []string{"Device", "Host", "Platform", "Method", "What makes it lasting"}, rows)
	}
	if len(v.Missing) > 0 {
		fmt.Fprintf(&b, "\n## No record (%d)\n\nThe run covered these devices but no journal given has a record of them: they were never started, or a journal is missing.\n\n", len(v.Missing))
		var rows [][]string
		for _, d := range v.Missing {
			rows = append(rows, []string{fmt.Sprint(d.Position), d.Name, d.Host})
		}
		mdTable(&b, []string{"#", "Device", "Host"}, rows)
	}
	if len(v.Conflicts) > 0 {
		fmt.Fprintf(&b, "\n## Devices in more than one journal (%d)\n\n", len(v.Conflicts))
		for _, c := range v.Conflicts {
			fmt.Fprintf(&b, "- %s\n", md(c))
		}
	}
	fmt.Fprintf(&b, "\n## Devices (%d, in inventory order)\n\n", len(v.Devices))
	head := []string{"#", "Device", "Host", "Platform", "Version", "Outcome", "Method", "Persistent", "Reason", "Transcript"}
	if v.Multi {
		head = append(head, "Journal")
	}
	var rows [][]string
	for _, d := range v.Devices {
		row := []string{d.Position, d.Name, d.Host, d.Platform, d.Version, d.Outcome, d.Method, d.Persistent, d.Reason, d.Transcript}
		if v.Multi {
			row = append(row, d.Source)
		}
		rows = append(rows, row)
	}
	mdTable(&b, head, rows)
	b.WriteString("\n## Backout\n\n")
	if len(v.Backouts) == 0 {
		b.WriteString("No device was changed: nothing to back out.\n")
	}
	for _, bo := range v.Backouts {
		fmt.Fprintf(&b, "### %s\n\n", md(bo.Title))
		if len(bo.Lines) > 0 {
			b.WriteString("```\n" + strings.Join(bo.Lines, "\n") + "\n```\n\n")
		}
		if bo.Note != "" {
			fmt.Fprintf(&b, "%s\n\n", mdOwn(bo.Note))
		}
		if bo.Verified {
			b.WriteString("These commands are run against trustfix's device simulator in its tests, which prove they remove the certificate.\n\n")
		}
	}
	if len(v.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range v.Notes {
			fmt.Fprintf(&b, "- %s\n", md(n))
		}
	}
	fmt.Fprintf(&b, "\n---\n%s\n", md(v.Footer))
	_, err := io.WriteString(w, b.String())
	return err
}

func atStage(stage string) string {
	if stage == "" {
		return ""
	}
	return " at " + stage
}

func pairs(kv [][2]string) [][]string {
	out := make([][]string, len(kv))
	for i, p := range kv {
		out[i] = []string{p[0], p[1]}
	}
	return out
}

func mdTable(b *strings.Builder, head []string, rows [][]string) {
	cells := func(cs []string) {
		b.WriteString("|")
		for _, c := range cs {
			if c == "" {
				c = "-"
			}
			b.WriteString(" " + md(c) + " |")
		}
		b.WriteString("\n")
	}
	cells(head)
	b.WriteString("|" + strings.Repeat("---|", len(head)) + "\n")
	for _, r := range rows {
		cells(r)
	}
}

// mdEscape turns every character Markdown (or a Jira/ServiceNow renderer)
// would read as markup into its escaped form: text from devices shows as
// text, and cannot end a table cell or open a link.
var mdEscape = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;",
)

// mdOwnEscape is for trustfix's own sentences: `code` stays code.
var mdOwnEscape = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;")

func mdOwn(s string) string { return mdOwnEscape.Replace(line(s)) }

func md(s string) string {
	if s == "-" {
		return s
	}
	return mdEscape.Replace(line(s))
}
