package report

import (
	"reflect"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/sanitize"
)

// escapeRecords returns copies of recs with every string field (those of
// Proof, Advisory and Run too, and any a later version adds) passed
// through sanitize.Text: no escape sequence or control character but
// newline and tab reaches a terminal, a CSV cell or a JSON string,
// whichever output is chosen (the table makes each cell one line). The
// records given are not modified.
func escapeRecords(recs []record.Record) []record.Record {
	out := make([]record.Record, len(recs))
	for i, r := range recs {
		escapeStruct(reflect.ValueOf(&r).Elem())
		out[i] = r
	}
	return out
}

// escapeStruct escapes the exported string fields of v in place, copying
// any struct a pointer field shares with other records first.
func escapeStruct(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			if s := f.String(); s != "" {
				f.SetString(sanitize.Text(s))
			}
		case reflect.Struct:
			escapeStruct(f)
		case reflect.Pointer:
			if !f.IsNil() && f.Elem().Kind() == reflect.Struct {
				cp := reflect.New(f.Elem().Type())
				cp.Elem().Set(f.Elem())
				escapeStruct(cp.Elem())
				f.Set(cp)
			}
		}
	}
}
