package aql

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// jsonReader reads one JSON value embedded in the query as a token stream,
// keeping key order and duplicates. Offsets are mapped back into the query
// so SyntaxError tails point at the right place.
type jsonReader struct {
	p      *parser
	dec    *json.Decoder
	base   int
	domain string
}

func (p *parser) newJSONReader(domain string) *jsonReader {
	dec := json.NewDecoder(strings.NewReader(p.src[p.pos:]))
	dec.UseNumber()
	return &jsonReader{p: p, dec: dec, base: p.pos, domain: domain}
}

// finish moves the parser past the consumed JSON.
func (r *jsonReader) finish() { r.p.pos = r.base + int(r.dec.InputOffset()) }

// off is the query offset of the next token: the decoder's position after
// the previous token, moved past separators so error tails start at the
// offending token itself.
func (r *jsonReader) off() int {
	i := r.base + int(r.dec.InputOffset())
	for i < len(r.p.src) {
		switch r.p.src[i] {
		case ' ', '\t', '\n', '\r', ':', ',':
			i++
			continue
		}
		break
	}
	return i
}

func (r *jsonReader) fail(at int, format string, args ...any) *SyntaxError {
	return r.p.fail(at, format, args...)
}

// token returns the next token, converting decoder errors to SyntaxError.
func (r *jsonReader) token() (json.Token, error) {
	at := r.off()
	t, err := r.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, r.fail(r.base+int(se.Offset), "invalid JSON: %v", err)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, r.fail(len(r.p.src), "unexpected end of query")
		default:
			return nil, r.fail(at, "invalid JSON: %v", err)
		}
	}
	return t, nil
}

// expectDelim consumes the delimiter d.
func (r *jsonReader) expectDelim(d json.Delim) error {
	at := r.off()
	t, err := r.token()
	if err != nil {
		return err
	}
	if t != d {
		return r.fail(at, "expected %q", d.String())
	}
	return nil
}

// parseCriteriaJSON reads the find() object.
func (p *parser) parseCriteriaJSON(domain string) (*Criteria, error) {
	r := p.newJSONReader(domain)
	if err := r.expectDelim('{'); err != nil {
		return nil, err
	}
	c, err := r.object(1, false)
	if err != nil {
		return nil, err
	}
	r.finish()
	return c, nil
}

// object reads members after an already consumed '{', through the '}'.
// inMSP restricts members to property criteria.
func (r *jsonReader) object(depth int, inMSP bool) (*Criteria, error) {
	if depth > maxDepth {
		return nil, r.fail(r.off(), "criteria nested too deeply")
	}
	obj := &Criteria{Kind: KindObject}
	for r.dec.More() {
		if err := r.p.count(); err != nil {
			return nil, err
		}
		at := r.off()
		t, err := r.token()
		if err != nil {
			return nil, err
		}
		key, ok := t.(string)
		if !ok {
			return nil, r.fail(at, "expected a key")
		}
		var m *Criteria
		switch key {
		case "$and", "$or":
			if inMSP {
				return nil, r.fail(at, "%s is not allowed inside $msp", key)
			}
			kind := KindAnd
			if key == "$or" {
				kind = KindOr
			}
			m = &Criteria{Kind: kind}
			if err := r.expectDelim('['); err != nil {
				return nil, err
			}
			if m.Children, err = r.array(depth, false); err != nil {
				return nil, err
			}
		case "$msp":
			if inMSP {
				return nil, r.fail(at, "$msp cannot be nested")
			}
			m = &Criteria{Kind: KindMSP}
			vat := r.off()
			t, err := r.token()
			if err != nil {
				return nil, err
			}
			switch t {
			case json.Delim('['):
				if m.Children, err = r.array(depth, true); err != nil {
					return nil, err
				}
			case json.Delim('{'):
				o, err := r.object(depth+1, true)
				if err != nil {
					return nil, err
				}
				if len(o.Children) == 0 {
					return nil, r.fail(vat, "$msp needs at least one criterion")
				}
				m.Children = []*Criteria{o}
				m.MSPObject = true
			default:
				return nil, r.fail(vat, "$msp takes an array or an object")
			}
		default:
			if strings.HasPrefix(key, "$") {
				return nil, r.fail(at, "unknown operator %q", key)
			}
			if !validCriteriaField(r.domain, key) {
				return nil, r.fail(at, "unknown field %q", key)
			}
			if inMSP && !IsProperty(key) {
				// $msp is defined over one property row; an item field in
				// it has no clear meaning, so refuse rather than guess.
				return nil, r.fail(at, "only property criteria are allowed inside $msp, got %q", key)
			}
			if m, err = r.field(key); err != nil {
				return nil, err
			}
		}
		obj.Children = append(obj.Children, m)
	}
	if err := r.expectDelim('}'); err != nil {
		return nil, err
	}
	return obj, nil
}

// array reads objects after an already consumed '[', through the ']'.
func (r *jsonReader) array(depth int, inMSP bool) ([]*Criteria, error) {
	var out []*Criteria
	for r.dec.More() {
		if err := r.p.count(); err != nil {
			return nil, err
		}
		at := r.off()
		t, err := r.token()
		if err != nil {
			return nil, err
		}
		if t != json.Delim('{') {
			return nil, r.fail(at, "array elements must be objects")
		}
		o, err := r.object(depth+1, inMSP)
		if err != nil {
			return nil, err
		}
		if inMSP && len(o.Children) == 0 {
			return nil, r.fail(at, "$msp elements need at least one criterion")
		}
		out = append(out, o)
	}
	at := r.off()
	if err := r.expectDelim(']'); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		// An empty $and/$or has no agreed meaning (true? false?); refusing
		// it keeps the emulator and the guard from disagreeing with
		// Artifactory.
		return nil, r.fail(at, "empty criteria array")
	}
	return out, nil
}

// field reads the value of a field key: a scalar (short $eq) or an
// operator object.
func (r *jsonReader) field(name string) (*Criteria, error) {
	at := r.off()
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	c := &Criteria{Kind: KindField, Field: name}
	if t != json.Delim('{') {
		v, ok := scalar(t)
		if !ok {
			return nil, r.fail(at, "invalid value for %q", name)
		}
		c.Short = true
		c.Conds = []Condition{{Op: OpEq, Value: v}}
		return c, nil
	}
	for r.dec.More() {
		if err := r.p.count(); err != nil {
			return nil, err
		}
		oat := r.off()
		t, err := r.token()
		if err != nil {
			return nil, err
		}
		op := Operator(t.(string))
		if !operators[op] {
			return nil, r.fail(oat, "unknown comparison operator %q", string(op))
		}
		vat := r.off()
		t, err = r.token()
		if err != nil {
			return nil, err
		}
		v, ok := scalar(t)
		if !ok {
			return nil, r.fail(vat, "invalid value for %s", op)
		}
		if op == OpBefore || op == OpLast {
			if v.Kind != ValueString {
				return nil, r.fail(vat, "%s takes a relative time string", op)
			}
			if _, err := ParseRelativeTime(v.Str); err != nil {
				return nil, r.fail(vat, "%v", err)
			}
		}
		c.Conds = append(c.Conds, Condition{Op: op, Value: v})
	}
	if len(c.Conds) == 0 {
		return nil, r.fail(at, "no comparison operator for %q", name)
	}
	if err := r.expectDelim('}'); err != nil {
		return nil, err
	}
	return c, nil
}

// scalar converts a decoder token to a Value; delimiters are not scalars.
func scalar(t json.Token) (Value, bool) {
	switch v := t.(type) {
	case string:
		return String(v), true
	case json.Number:
		return Number(string(v)), true
	case bool:
		return Bool(v), true
	case nil:
		return Null(), true
	}
	return Value{}, false
}

// parseSortJSON reads {"$asc"|"$desc":["f",...]}.
func (p *parser) parseSortJSON(domain string) (*Sort, error) {
	p.skipSpace()
	r := p.newJSONReader(domain)
	if err := r.expectDelim('{'); err != nil {
		return nil, err
	}
	at := r.off()
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	order, _ := t.(string)
	if order != "$asc" && order != "$desc" {
		return nil, r.fail(at, "sort order must be $asc or $desc")
	}
	if err := r.expectDelim('['); err != nil {
		return nil, err
	}
	s := &Sort{Order: order}
	for r.dec.More() {
		fat := r.off()
		t, err := r.token()
		if err != nil {
			return nil, err
		}
		f, ok := t.(string)
		if !ok || !validCriteriaField(domain, f) || IsProperty(f) {
			return nil, r.fail(fat, "invalid sort field")
		}
		s.Fields = append(s.Fields, f)
	}
	at = r.off()
	if err := r.expectDelim(']'); err != nil {
		return nil, err
	}
	if len(s.Fields) == 0 {
		return nil, r.fail(at, "sort needs at least one field")
	}
	if err := r.expectDelim('}'); err != nil {
		return nil, err
	}
	r.finish()
	return s, nil
}
