package sanitize

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

type stringer string

func (s stringer) String() string { return string(s) }

// On a terminal zap's console encoder prints strings raw; wrapped, neither
// it nor the JSON encoder lets a control sequence through, in the message
// or in any string-like field, logged or attached with With.
func TestZapCore(t *testing.T) {
	const evil = "x\x1b]0;pwned\x07\x1b[2J\u009b6n\x1b\x1b[Z]52;c;ZXZpbA==\x07y"
	for name, enc := range map[string]zapcore.Encoder{
		"console": zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		"json":    zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()),
	} {
		var b bytes.Buffer
		log := zap.New(ZapCore(zapcore.NewCore(enc, zapcore.AddSync(&b), zapcore.DebugLevel)))
		log.With(zap.String("device", evil)).Warn(evil,
			zap.String("s", evil), zap.Error(errors.New(evil)), zap.ByteString("b", []byte(evil)), zap.Stringer("st", stringer(evil)))
		out := b.String()
		for i, r := range out {
			if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
				t.Fatalf("%s: control %U at %d: %q", name, r, i, out)
			}
		}
		if strings.Contains(out, `\u001b`) || strings.Contains(out, `\u0007`) {
			t.Errorf("%s: escaped control left for a reader to decode: %s", name, out)
		}
		if strings.Count(out, "x]52;c;ZXZpbA==y") != 6 {
			t.Errorf("%s: want the text of all six values: %s", name, out)
		}
	}
}
