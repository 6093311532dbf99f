package report

import (
	"html/template"
	"io"
)

// renderHTML writes the change record as one self-contained HTML file:
// the styles inline, no script, no external asset, every value escaped by
// html/template.
func renderHTML(w io.Writer, v changeView) error {
	return changeHTML.Execute(w, v)
}

var changeHTML = template.Must(template.New("change").Funcs(template.FuncMap{
	"cls": func(s style) string {
		switch s {
		case good:
			return "good"
		case work:
			return "work"
		case warn:
			return "warn"
		case bad:
			return "bad"
		}
		return ""
	},
	"at": atStage,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; } h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
table.facts th { width: 9rem; }
pre { background: #f6f8fa; padding: 0.75rem; overflow-x: auto; }
.good { color: #1a7f37; } .work { color: #0969da; } .warn { color: #9a6700; } .bad { color: #cf222e; font-weight: 600; }
footer { margin-top: 2rem; color: #57606a; font-size: 0.9rem; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<table class="facts">
{{- range .Facts}}
<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>
{{- end}}
</table>
<h2>Result</h2>
<table>
<tr><th>Result</th><th>Devices</th></tr>
{{- range .Counts}}
<tr><td>{{index . 0}}</td><td>{{index . 1}}</td></tr>
{{- end}}
</table>
{{- if .Failures}}
<h2>Failed ({{len .Failures}})</h2>
<table>
<tr><th>Device</th><th>Host</th><th>Platform</th><th>Outcome</th><th>Error</th><th>Transcript</th></tr>
{{- range .Failures}}
<tr><td>{{.Name}}</td><td>{{.Host}}</td><td>{{.Platform}}</td><td class="bad">{{.Outcome}}{{at .Stage}}</td><td>{{.Reason}}</td><td>{{.Transcript}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .FollowUps}}
<h2>Follow-up: fixed until the next reload ({{len .FollowUps}})</h2>
<table>
<tr><th>Device</th><th>Host</th><th>Platform</th><th>Method</th><th>What makes it lasting</th></tr>
{{- range .FollowUps}}
<tr><td>{{.Name}}</td><td>{{.Host}}</td><td>{{.Platform}}</td><td class="warn">{{.Method}}</td><td>{{.Reason}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .Missing}}
<h2>No record ({{len .Missing}})</h2>
<p>The run covered these devices but no journal given has a record of them: they were never started, or a journal is missing.</p>
<table>
<tr><th>#</th><th>Device</th><th>Host</th></tr>
{{- range .Missing}}
<tr><td>{{.Position}}</td><td>{{.Name}}</td><td>{{.Host}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .Conflicts}}
<h2>Devices in more than one journal ({{len .Conflicts}})</h2>
<ul>
{{- range .Conflicts}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
<h2>Devices ({{len .Devices}}, in inventory order)</h2>
<table>
<tr><th>#</th><th>Device</th><th>Host</th><th>Platform</th><th>Version</th><th>Outcome</th><th>Method</th><th>Persistent</th><th>Reason</th><th>Transcript</th>{{if .Multi}}<th>Journal</th>{{end}}</tr>
{{- $multi := .Multi}}
{{- range .Devices}}
<tr><td>{{.Position}}</td><td>{{.Name}}</td><td>{{.Host}}</td><td>{{.Platform}}</td><td>{{.Version}}</td><td class="{{cls .Style}}">{{.Outcome}}</td><td>{{.Method}}</td><td>{{.Persistent}}</td><td>{{.Reason}}</td><td>{{.Transcript}}</td>{{if $multi}}<td>{{.Source}}</td>{{end}}</tr>
{{- end}}
</table>
<h2>Backout</h2>
{{- if not .Backouts}}
<p>No device was changed: nothing to back out.</p>
{{- end}}
{{- range .Backouts}}
<h3>{{.Title}}</h3>
{{- if .Lines}}
<pre>{{range .Lines}}{{.}}
{{end}}</pre>
{{- end}}
{{- if .Note}}
<p>{{.Note}}</p>
{{- end}}
{{- if .Verified}}
<p>These commands are run against trustfix's device simulator in its tests, which prove they remove the certificate.</p>
{{- end}}
{{- end}}
{{- if .Notes}}
<h2>Notes</h2>
<ul>
{{- range .Notes}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
<footer>{{.Footer}}</footer>
</body>
</html>
`))
