package aql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// String renders the query canonically: compact JSON, keys in source
// order, modifiers in the order include, sort, offset, transitive, limit,
// distinct. Parse(q.String()) yields an equal Query.
func (q *Query) String() string {
	var b strings.Builder
	b.WriteString(domainText(q.Domain))
	b.WriteString(".find(")
	if q.Criteria != nil {
		writeCriteria(&b, q.Criteria)
	}
	b.WriteByte(')')
	if q.Include != nil {
		b.WriteString(".include(")
		for i, f := range q.Include {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(&b, f)
		}
		b.WriteByte(')')
	}
	if q.Sort != nil {
		b.WriteString(".sort({")
		writeString(&b, q.Sort.Order)
		b.WriteString(":[")
		for i, f := range q.Sort.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(&b, f)
		}
		b.WriteString("]})")
	}
	if q.Offset != nil {
		b.WriteString(".offset(" + strconv.FormatInt(*q.Offset, 10) + ")")
	}
	if q.Transitive {
		b.WriteString(".transitive()")
	}
	if q.Limit != nil {
		b.WriteString(".limit(" + strconv.FormatInt(*q.Limit, 10) + ")")
	}
	if q.Distinct != nil {
		b.WriteString(".distinct(" + strconv.FormatBool(*q.Distinct) + ")")
	}
	return b.String()
}

// String renders a criteria node as JSON. A member node (field or
// compound) is rendered wrapped in its own object.
func (c *Criteria) String() string {
	var b strings.Builder
	if c.Kind == KindObject {
		writeCriteria(&b, c)
	} else {
		b.WriteByte('{')
		writeMember(&b, c)
		b.WriteByte('}')
	}
	return b.String()
}

// writeCriteria writes an object node.
func writeCriteria(b *strings.Builder, c *Criteria) {
	b.WriteByte('{')
	for i, m := range c.Children {
		if i > 0 {
			b.WriteByte(',')
		}
		writeMember(b, m)
	}
	b.WriteByte('}')
}

// writeMember writes "key":value for a member node.
func writeMember(b *strings.Builder, m *Criteria) {
	switch m.Kind {
	case KindObject:
		// Only reachable through hand-built ASTs that put an object where
		// a member belongs; flatten it into an explicit $and so the output
		// stays valid AQL with the same meaning.
		writeString(b, "$and")
		b.WriteString(":[")
		writeCriteria(b, m)
		b.WriteByte(']')
	case KindAnd, KindOr, KindMSP:
		writeString(b, m.Kind.String())
		b.WriteByte(':')
		if m.Kind == KindMSP && m.MSPObject && len(m.Children) == 1 {
			writeCriteria(b, m.Children[0])
			return
		}
		b.WriteByte('[')
		for i, ch := range m.Children {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCriteria(b, ch)
		}
		b.WriteByte(']')
	case KindField:
		writeString(b, m.Field)
		b.WriteByte(':')
		if m.Short && len(m.Conds) == 1 && m.Conds[0].Op == OpEq {
			writeValue(b, m.Conds[0].Value)
			return
		}
		b.WriteByte('{')
		for i, cd := range m.Conds {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, string(cd.Op))
			b.WriteByte(':')
			writeValue(b, cd.Value)
		}
		b.WriteByte('}')
	}
}

func writeValue(b *strings.Builder, v Value) {
	switch v.Kind {
	case ValueString:
		writeString(b, v.Str)
	case ValueNumber:
		b.WriteString(string(v.Num))
	case ValueBool:
		b.WriteString(strconv.FormatBool(v.Bool))
	default:
		b.WriteString("null")
	}
}

// writeString writes a JSON string literal. Unlike json.Marshal it does not
// turn <, > and & into \u escapes: Artifactory's AQL parser is not a
// general JSON parser, and the fewer escapes we emit the less we depend on
// which ones it understands. Invalid UTF-8 becomes U+FFFD, as
// encoding/json would decode it anyway.
func writeString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else if r == '\u2028' || r == '\u2029' {
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
