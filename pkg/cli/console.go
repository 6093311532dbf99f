package cli

import (
	"bytes"
	"io"
	"sync"
)

// console is stderr on a terminal: one writer that every log line, note
// and prompt goes through, and the live status line (the progress bar)
// drawn under them. A write erases the status line, writes, and draws it
// again below, under one lock: no line is ever broken by the bar.
type console struct {
	mu     sync.Mutex
	w      io.Writer
	status string // the line drawn now, "" none
	open   bool   // the last write did not end a line (a prompt)
}

const eraseLine = "\r\x1b[2K"

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b bytes.Buffer
	if c.status != "" && !c.open {
		b.WriteString(eraseLine)
	}
	b.Write(p)
	c.open = len(p) > 0 && p[len(p)-1] != '\n'
	if c.status != "" && !c.open {
		b.WriteString(c.status)
	}
	// One write: the terminal gets erase, text and bar together.
	if _, err := c.w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// setStatus draws s as the status line in place of the last one; "" clears it.
func (c *console) setStatus(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open || s == c.status {
		return
	}
	out := eraseLine + s
	if s == "" {
		out = eraseLine
		if c.status == "" {
			return
		}
	}
	c.status = s
	_, _ = io.WriteString(c.w, out)
}
