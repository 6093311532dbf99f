package journal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
)

const helperEnv = "TRUSTFIX_JOURNAL_HELPER"

// TestHelperProcess is not a test: re-executed by TestKilledWriter, it
// appends to the journal named by $TRUSTFIX_JOURNAL_HELPER until killed.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		return
	}
	j, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Lines of up to ~256 KiB: a write that spans many pages can really be
	// cut short by SIGKILL, so the torn-tail path gets exercised for real.
	for i := 0; i < 100000; i++ {
		r := rec(fmt.Sprintf("dev-%05d", i), record.Remediated)
		r.Transcript = strings.Repeat("t", (i%64)*4096)
		if err := j.Append(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if i == 20 {
			fmt.Println("ready") // the parent kills us from here on
		}
	}
	os.Exit(0)
}

func TestKilledWriter(t *testing.T) {
	path := newPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper said %q, %v", line, err)
	}

	// While the child lives, its pid is in the refusal.
	_, err = Open(path)
	var inUse *InUseError
	if !errors.As(err, &inUse) || inUse.PID != cmd.Process.Pid {
		t.Errorf("Open while the child writes: %v, want pid %d", err, cmd.Process.Pid)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child exit: %v, want killed", err)
	}

	before, probs := mustRead(t, path)
	if len(before) < 21 {
		t.Errorf("only %d records survived", len(before))
	}
	lines := len(before) + len(probs)
	for _, p := range probs {
		if p.Line != lines {
			t.Errorf("problem %v is not the last line (%d)", p, lines)
		}
	}

	// The kernel dropped the dead child's lock: the next run goes on.
	j := mustOpen(t, path)
	if err := j.Append(rec("after-crash", record.Remediated)); err != nil {
		t.Fatal(err)
	}
	after, probs2 := mustRead(t, path)
	if len(after) != len(before)+1 || after[len(after)-1].Name != "after-crash" {
		t.Errorf("after reopen: %d records (want %d), last %q", len(after), len(before)+1, after[len(after)-1].Name)
	}
	if len(probs2) != len(probs) {
		t.Errorf("problems went from %v to %v", probs, probs2)
	}
	t.Logf("%d records survived the kill, torn tail: %v", len(before), len(probs) > 0)
}
