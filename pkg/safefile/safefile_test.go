package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"asa-edge-1":       "asa-edge-1",
		"xr.core_01":       "xr.core_01",
		"2001:db8::1":      "2001_db8__1-",
		"../../etc/passwd": "______etc_passwd-",
		".hidden":          "_hidden-",
		"":                 "-",
		"rtr-münchen":      "rtr-m_nchen-",
	} {
		got := Name(in)
		if !strings.HasPrefix(got, want) || strings.ContainsAny(got, "/\\") || strings.Contains(got, "..") || got == "." {
			t.Errorf("Name(%q) = %q, want prefix %q", in, got, want)
		}
	}
	if Name("a/b") == Name("a_b") {
		t.Error("two names share a file")
	}
}

func TestWithin(t *testing.T) {
	dir := t.TempDir()
	if p, err := Within(dir, "x.log"); err != nil || p != filepath.Join(dir, "x.log") {
		t.Errorf("Within x.log: %q %v", p, err)
	}
	for _, bad := range []string{"../x.log", "a/b.log", "..", ".", ""} {
		if _, err := Within(dir, bad); !errors.Is(err, ErrOutside) {
			t.Errorf("Within(%q): %v, want ErrOutside", bad, err)
		}
	}
}

func TestOpenRefusesLinksAndSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(link, os.O_WRONLY|os.O_APPEND, 0); !errors.Is(err, ErrSymlink) {
		t.Errorf("symlink: %v", err)
	}
	if _, err := Open(dir, os.O_RDONLY, 0); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: %v", err)
	}
	if err := MkdirNoFollow(link, 0o700); !errors.Is(err, ErrSymlink) && err == nil {
		t.Errorf("MkdirNoFollow through a link to a file: %v", err)
	}
	dlink := filepath.Join(dir, "dlink")
	if err := os.Symlink(t.TempDir(), dlink); err != nil {
		t.Fatal(err)
	}
	if err := MkdirNoFollow(dlink, 0o700); !errors.Is(err, ErrSymlink) {
		t.Errorf("MkdirNoFollow on a link to a directory: %v", err)
	}
	f, err := Open(filepath.Join(dir, "new"), os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
