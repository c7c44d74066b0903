package aql

import "encoding/json"

// ValueKind is the JSON type of a criterion value.
type ValueKind int

// The kinds of criterion values.
const (
	ValueString ValueKind = iota
	ValueNumber
	ValueBool
	ValueNull
)

// Value is a JSON scalar from the criteria. Numbers keep their raw text
// (json.Number) so re-printing is byte-faithful and large longs do not
// lose precision through float64.
type Value struct {
	Kind ValueKind
	Str  string      // ValueString
	Num  json.Number // ValueNumber
	Bool bool        // ValueBool
}

// String makes a string value.
func String(s string) Value { return Value{Kind: ValueString, Str: s} }

// Number makes a number value from its raw JSON text.
func Number(raw string) Value { return Value{Kind: ValueNumber, Num: json.Number(raw)} }

// Bool makes a boolean value.
func Bool(b bool) Value { return Value{Kind: ValueBool, Bool: b} }

// Null is the JSON null value (AQL uses it for zero-valued stat fields).
func Null() Value { return Value{Kind: ValueNull} }

// Text is the value as text: the string itself, the raw number, "true" /
// "false", or "" for null. Used where AQL compares values as strings.
func (v Value) Text() string {
	switch v.Kind {
	case ValueString:
		return v.Str
	case ValueNumber:
		return string(v.Num)
	case ValueBool:
		if v.Bool {
			return "true"
		}
		return "false"
	}
	return ""
}
