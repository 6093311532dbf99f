package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// enum is a string flag that takes one of a fixed set of values: -o,
// --platform, --method, --host-key-policy. A wrong value is refused while
// the flags are parsed, before anything is read or touched, with the one
// message every enum flag gives; Values feeds help (and completion).
type enum struct {
	flag    string // "--output", for messages
	value   string
	allowed []string
}

// enumFlag defines an enum flag on cmd with default def (one of allowed).
func enumFlag(cmd *cobra.Command, name, short, def, usage string, allowed ...string) *enum {
	e := &enum{flag: "--" + name, value: def, allowed: allowed}
	cmd.Flags().VarP(e, name, short, usage+": "+strings.Join(allowed, "|"))
	return e
}

// outputFlag is -o/--output over the formats a command writes.
func outputFlag(cmd *cobra.Command, formats ...string) *enum {
	return enumFlag(cmd, "output", "o", formats[0], "output format", formats...)
}

// String implements pflag.Value.
func (e *enum) String() string { return e.value }

// Type implements pflag.Value: help shows the values, not "string".
func (e *enum) Type() string { return "string" }

// Set implements pflag.Value.
func (e *enum) Set(v string) error {
	for _, a := range e.allowed {
		if v == a {
			e.value = v
			return nil
		}
	}
	return &enumError{fmt.Errorf("%s %q: want %s", e.flag, v, strings.Join(e.allowed, "|"))}
}

// Values lists the accepted values.
func (e *enum) Values() []string { return e.allowed }

// enumError is an enum flag's refusal; flagError shows it as it is.
type enumError struct{ error }

// flagError makes every flag error a usage error (exit 1). An enum's own
// message replaces pflag's `invalid argument "x" for "-o, --output" flag: …`.
func flagError(_ *cobra.Command, err error) error {
	var bad *pflag.InvalidValueError
	var ee *enumError
	if errors.As(err, &bad) && errors.As(err, &ee) {
		return inputErr(ee.error)
	}
	return inputErr(err)
}
