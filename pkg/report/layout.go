package report

import (
	"io"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/trustfix/trustfix/pkg/sanitize"
)

const (
	// gap is the space between columns.
	gap = 2
	// minFlex is the narrowest the last column (the reason) is given on
	// its line; below it the reason goes on a line of its own.
	minFlex = 24
	// foldIndent starts a reason on its own line.
	foldIndent = "    "
)

// cell is one table cell: text (made one clean line when the table is
// written) and how it stands out.
type cell struct {
	text  string
	style style
}

func txt(s string) cell { return cell{text: s} }

// grid is a table whose last column may take the rest of the width.
type grid struct {
	head []string
	rows [][]cell
	// flex: the last column takes what the others leave of the width, and
	// is cut to it; with too little left it goes on a line of its own.
	flex bool
	// indent starts every line (a list inside the summary).
	indent string
	// hideHead: head only gives the number of columns.
	hideHead bool
	// wrap: the flex column is wrapped onto more lines (at ", " or a
	// space) rather than cut: counts must not lose a number.
	wrap bool
}

func (g *grid) add(cells ...cell) { g.rows = append(g.rows, cells) }

// write lays the grid out. width 0 (not a terminal) cuts nothing and keeps
// every row on one line; color adds each cell's colour, which never
// counts towards its width.
func (g *grid) write(w io.Writer, width int, color bool) error {
	n := len(g.head)
	rows := make([][]cell, len(g.rows))
	for i, r := range g.rows {
		rows[i] = make([]cell, n)
		for j := range n {
			c := cell{}
			if j < len(r) {
				c = r[j]
			}
			c.text = sanitize.Line(c.text)
			if c.text == "" {
				c.text = "-"
			}
			rows[i][j] = c
		}
	}
	widths := make([]int, n)
	for j, h := range g.head {
		widths[j] = uniseg.StringWidth(h)
	}
	if g.hideHead {
		widths = make([]int, n)
	}
	for _, r := range rows {
		for j, c := range r {
			widths[j] = max(widths[j], uniseg.StringWidth(c.text))
		}
	}
	if width > 0 {
		width = max(width-uniseg.StringWidth(g.indent), 1)
	}
	fold := false
	if g.flex && width > 0 && n > 1 {
		used := 0
		for _, wd := range widths[:n-1] {
			used += wd + gap
		}
		if left := width - used; left >= minFlex {
			widths[n-1] = min(widths[n-1], left)
		} else {
			fold = true
		}
	}
	var b strings.Builder
	line := func(cells []cell, cols int) {
		b.WriteString(g.indent)
		for j := range cols {
			c := cells[j]
			text := c.text
			if width > 0 && g.flex && j == n-1 {
				if g.wrap {
					parts := wrapText(text, widths[j])
					text = parts[0]
					lead := g.indent
					for _, wd := range widths[:n-1] {
						lead += strings.Repeat(" ", wd+gap)
					}
					for _, p := range parts[1:] {
						text += "\n" + lead + p
					}
				} else {
					text = cut(text, widths[j])
				}
			}
			pad := widths[j] - uniseg.StringWidth(text)
			b.WriteString(paint(text, c.style, color))
			if j < cols-1 {
				b.WriteString(strings.Repeat(" ", pad+gap))
			}
		}
		b.WriteByte('\n')
	}
	cols := n
	if fold {
		cols = n - 1
	}
	head := make([]cell, n)
	for j, h := range g.head {
		head[j] = cell{text: h, style: strong}
	}
	if !g.hideHead {
		line(head, cols)
	}
	for _, r := range rows {
		line(r, cols)
		if fold && r[n-1].text != "-" {
			b.WriteString(g.indent + foldIndent + paint(cut(r[n-1].text, max(width-len(foldIndent), minFlex)), r[n-1].style, color) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrapText breaks s into lines of at most n columns at spaces (a word
// longer than n is cut).
func wrapText(s string, n int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Split(s, " ") {
		switch {
		case cur == "":
			cur = w
		case uniseg.StringWidth(cur)+1+uniseg.StringWidth(w) <= n:
			cur += " " + w
		default:
			out = append(out, cut(cur, n))
			cur = w
		}
	}
	return append(out, cut(cur, n))
}

// fits reports whether the grid's lines are at most width columns (0: any).
func (g *grid) fits(width int) bool {
	if width <= 0 {
		return true
	}
	var b strings.Builder
	_ = g.write(&b, 0, false)
	for _, l := range strings.Split(b.String(), "\n") {
		if uniseg.StringWidth(l) > width {
			return false
		}
	}
	return true
}

// cut shortens s to at most n columns, ending in "…" when it was cut.
func cut(s string, n int) string {
	if uniseg.StringWidth(s) <= n {
		return s
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		w := g.Width()
		if used+w > n-1 {
			break
		}
		b.WriteString(g.Str())
		used += w
	}
	return b.String() + "…"
}
