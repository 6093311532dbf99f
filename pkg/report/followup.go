package report

import (
	"fmt"

	"github.com/trustfix/trustfix/pkg/record"
)

// FollowUp is what a device fixed only until its next reload needs
// (record.Record.NeedsFollowUp), one line; "" for any other record.
func FollowUp(r record.Record) string {
	if !r.NeedsFollowUp() {
		return ""
	}
	if r.FollowUp != "" {
		return r.FollowUp
	}
	m := string(r.Method)
	if m == "" {
		m = "the method used"
	}
	return fmt.Sprintf("%s does not survive a reload: make the fix lasting before the next reload", m)
}
