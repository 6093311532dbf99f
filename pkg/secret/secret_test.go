package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const pw = "hunter2-Secret!"

func TestSecretNeverPrints(t *testing.T) {
	s := New(pw)
	if s.Reveal() != pw {
		t.Fatalf("Reveal = %q", s.Reveal())
	}
	holder := struct {
		Exported   Secret
		unexported Secret
		Ptr        *Secret
	}{s, s, &s}

	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		outs = append(outs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, &s))
	}
	outs = append(outs, s.String(), s.GoString(), fmt.Sprint(s), fmt.Sprintln(s))

	j, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	y, err := yaml.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := s.MarshalText()
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("login", "password", s)
	outs = append(outs, string(j), string(y), string(txt), logBuf.String())

	for _, o := range outs {
		if strings.Contains(o, pw) || strings.Contains(o, "hunter2") {
			t.Errorf("secret leaked: %s", o)
		}
	}
	if string(j) != `{"Exported":"[redacted]","Ptr":"[redacted]"}` {
		t.Errorf("json = %s", j)
	}
	if fmt.Sprintf("%+v", s) != Redacted {
		t.Errorf("%%+v = %q", fmt.Sprintf("%+v", s))
	}
}

func TestSecretZero(t *testing.T) {
	var z Secret
	if !z.IsZero() || z.Reveal() != "" || !New("").IsZero() {
		t.Fatal("zero secret not zero")
	}
	if New("x").IsZero() {
		t.Fatal("non-empty secret is zero")
	}
	type opt struct {
		P Secret `json:"p,omitzero" yaml:"p,omitempty"`
	}
	j, _ := json.Marshal(opt{})
	y, _ := yaml.Marshal(opt{})
	if string(j) != "{}" || string(y) != "{}\n" {
		t.Errorf("zero secret not omitted: json %s yaml %q", j, y)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"SET": pw, "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	s, err := FromLookup("SET", lookup)
	if err != nil || s.Reveal() != pw {
		t.Fatalf("FromLookup(SET) = %v, %v", s, err)
	}
	for name, want := range map[string]string{
		"UNSET": "environment variable UNSET is not set",
		"EMPTY": "environment variable EMPTY is empty",
	} {
		_, err := FromLookup(name, lookup)
		if err == nil || err.Error() != want {
			t.Errorf("FromLookup(%s) err = %v, want %q", name, err, want)
		}
		if !errors.Is(err, ErrUnset) {
			t.Errorf("FromLookup(%s) err does not match ErrUnset", name)
		}
	}

	t.Setenv("TRUSTFIX_SECRET_TEST", pw)
	if s, err := FromEnv("TRUSTFIX_SECRET_TEST"); err != nil || s.Reveal() != pw {
		t.Fatalf("FromEnv = %v, %v", s, err)
	}
	if _, err := FromEnv("TRUSTFIX_SECRET_TEST_UNSET_9f3a"); !errors.Is(err, ErrUnset) {
		t.Fatalf("FromEnv(unset) err = %v", err)
	}
}
