// Package safefile opens the files trustfix writes (journal, lock,
// transcripts) without following a symbolic link at the last path
// component and only when they are regular files: a link planted where a
// journal or lock is expected must not make trustfix append to, or
// truncate, the file it points to.
package safefile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrSymlink matches (errors.Is) the error for a path that is a symbolic link.
var ErrSymlink = errors.New("is a symbolic link (refusing to follow it)")

// ErrNotRegular matches the error for a path that exists but is not a
// regular file (a FIFO, device, directory or socket).
var ErrNotRegular = errors.New("is not a regular file")

// ErrOutside matches the error for a path that would leave its directory.
var ErrOutside = errors.New("is outside its directory")

// Open is os.OpenFile that refuses a symbolic link (O_NOFOLLOW) and
// anything but a regular file. O_NONBLOCK keeps a FIFO planted at path from
// blocking the open; it has no effect on regular files.
func Open(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, perm)
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, &fs.PathError{Op: "open", Path: path, Err: ErrSymlink}
		}
		if errors.Is(err, unix.ENXIO) { // a FIFO without a reader
			return nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
		}
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	return f, nil
}

// Name turns a device name into a file name: letters, digits, '.', '_'
// and '-' are kept and anything else becomes '_'; a name that had to be
// changed (or starts with '.') also has its dots replaced and gets a short
// hash of the original, so two names cannot land in one file.
func Name(name string) string {
	var b strings.Builder
	changed := name == "" || name[0] == '.'
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
			changed = true
		}
	}
	s := b.String()
	if len(s) > 100 {
		s, changed = s[:100], true
	}
	if changed {
		sum := sha256.Sum256([]byte(name))
		s = strings.ReplaceAll(s, ".", "_") + "-" + hex.EncodeToString(sum[:4])
	}
	return s
}

// Within joins dir and name and checks that the result names an entry
// directly inside dir.
func Within(dir, name string) (string, error) {
	p := filepath.Join(dir, name)
	if filepath.Dir(p) != filepath.Clean(dir) || name == "" || name == "." || name == ".." {
		return "", fmt.Errorf("%s: %w %s", name, ErrOutside, dir)
	}
	return p, nil
}

// MkdirNoFollow creates dir (and its parents) with perm, and refuses dir
// itself when it is a symbolic link or not a directory.
func MkdirNoFollow(dir string, perm os.FileMode) error {
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		return &fs.PathError{Op: "mkdir", Path: dir, Err: ErrSymlink}
	case !st.IsDir():
		return &fs.PathError{Op: "mkdir", Path: dir, Err: unix.ENOTDIR}
	}
	return nil
}
