// Package secret keeps passwords out of logs, errors, transcripts and
// marshalled output. A Secret prints, marshals and logs as "[redacted]"; only
// Reveal gives the value. A Redactor masks known secrets in bytes and
// streams (see Redactor.Writer).
package secret

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
)

// Redacted is what a Secret prints and marshals as.
const Redacted = "[redacted]"

// ErrUnset is matched (errors.Is) by every FromEnv/FromLookup error: the
// variable is unset or empty.
var ErrUnset = errors.New("environment variable not set")

// EnvError says which environment variable is missing or empty. It never
// carries a value.
type EnvError struct {
	Name  string // the variable's name
	Empty bool   // set but empty, rather than unset
}

// Error implements error: "environment variable NAME is not set" (or "is empty").
func (e *EnvError) Error() string {
	if e.Empty {
		return fmt.Sprintf("environment variable %s is empty", e.Name)
	}
	return fmt.Sprintf("environment variable %s is not set", e.Name)
}

// Is reports whether target is ErrUnset.
func (e *EnvError) Is(target error) bool { return target == ErrUnset }

// Secret holds a password. The zero value is an empty secret. The value is
// kept behind a pointer so that even reflection-based printing of a struct
// holding a Secret in an unexported field shows an address, not the value.
type Secret struct {
	v *string
}

// New returns a Secret holding value.
func New(value string) Secret {
	if value == "" {
		return Secret{}
	}
	return Secret{v: &value}
}

// FromEnv reads the secret from the environment variable name. It fails with
// an *EnvError (matching ErrUnset) when the variable is unset or empty.
func FromEnv(name string) (Secret, error) {
	return FromLookup(name, os.LookupEnv)
}

// FromLookup is FromEnv with an injected lookup (os.LookupEnv in production,
// a map in tests). A nil lookup means os.LookupEnv.
func FromLookup(name string, lookup func(string) (string, bool)) (Secret, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(name)
	if !ok {
		return Secret{}, &EnvError{Name: name}
	}
	if v == "" {
		return Secret{}, &EnvError{Name: name, Empty: true}
	}
	return New(v), nil
}

// Reveal returns the secret's value. Call it only where the value is sent to
// a device; never log or wrap the result.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty. encoding/json's omitzero and
// yaml.v3's omitempty use it.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// String implements fmt.Stringer: always "[redacted]".
func (s Secret) String() string { return Redacted }

// GoString implements fmt.GoStringer: always "[redacted]".
func (s Secret) GoString() string { return Redacted }

// Format implements fmt.Formatter so every verb (%v %+v %#v %s %q %x …)
// prints "[redacted]".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalJSON implements json.Marshaler: "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler: "[redacted]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// MarshalYAML implements yaml.Marshaler (yaml.v3): "[redacted]".
func (s Secret) MarshalYAML() (any, error) { return Redacted, nil }

// LogValue implements slog.LogValuer: "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }
