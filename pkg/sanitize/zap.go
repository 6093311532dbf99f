package sanitize

import (
	"fmt"

	"go.uber.org/zap/zapcore"
)

// ZapCore wraps a zap core so that every message and every string, error,
// byte-string and Stringer field is passed through Line before it is
// encoded: zap's console encoder prints strings raw, and its JSON encoder
// leaves C1 controls and DEL as they are.
func ZapCore(c zapcore.Core) zapcore.Core { return safeCore{c} }

type safeCore struct{ zapcore.Core }

func (c safeCore) With(fields []zapcore.Field) zapcore.Core {
	return safeCore{c.Core.With(cleanFields(fields))}
}

func (c safeCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c safeCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	e.Message = Line(e.Message)
	return c.Core.Write(e, cleanFields(fields))
}

func cleanFields(fields []zapcore.Field) []zapcore.Field {
	out := make([]zapcore.Field, len(fields))
	for i, f := range fields {
		switch f.Type {
		case zapcore.StringType:
			f.String = Line(f.String)
		case zapcore.ByteStringType:
			if b, ok := f.Interface.([]byte); ok {
				f = zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: Line(string(b))}
			}
		case zapcore.ErrorType:
			if err, ok := f.Interface.(error); ok && err != nil {
				f = zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: Line(err.Error())}
			}
		case zapcore.StringerType:
			if s, ok := f.Interface.(fmt.Stringer); ok && s != nil {
				f = zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: Line(stringOf(s))}
			}
		}
		out[i] = f
	}
	return out
}

// stringOf calls String, which may panic on a nil pointer (zap recovers
// the same way).
func stringOf(s fmt.Stringer) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("<PANIC=%v>", r)
		}
	}()
	return s.String()
}
