package aql

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// maxDepth bounds criteria nesting. Artifactory has its own limits; ours
// keeps recursion (parse, print, analyse, evaluate) safe from hostile input.
const maxDepth = 64

// Modifier ranks: each modifier must have a strictly greater rank than the
// previous one, which enforces both order and uniqueness.
var modifierRank = map[string]int{
	"include":    1,
	"sort":       2,
	"offset":     3,
	"transitive": 4, // where jfrog-client-go puts it
	"limit":      5,
	"distinct":   6,
}

// parser walks the query text. Only the JSON parts are delegated to
// encoding/json; the dotted call chain is scanned by hand.
type parser struct {
	src string
	pos int
	// nodes counts criteria members, array elements and conditions read so
	// far; past maxNodes (when > 0) parsing stops with a *LimitError.
	nodes, maxNodes int
}

// Parse parses an AQL query. Any error is a *SyntaxError.
func Parse(query string) (*Query, error) {
	p := &parser{src: query}
	q, err := p.parse()
	if err != nil {
		return nil, err
	}
	return q, nil
}

// fail builds a SyntaxError at offset at.
func (p *parser) fail(at int, format string, args ...any) *SyntaxError {
	return newSyntaxError(p.src, at, fmt.Sprintf(format, args...))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// expect consumes byte c after optional whitespace.
func (p *parser) expect(c byte) error {
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != c {
		return p.fail(p.pos, "expected %q", c)
	}
	p.pos++
	return nil
}

// peek returns the next non-space byte without consuming it, or 0 at EOF.
func (p *parser) peek() byte {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

// ident reads [A-Za-z_]+ after optional whitespace.
func (p *parser) ident() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

func (p *parser) parse() (*Query, error) {
	q := &Query{}
	if err := p.parseDomain(q); err != nil {
		return nil, err
	}
	if err := p.expect('('); err != nil {
		return nil, err
	}
	if p.peek() != ')' {
		if p.peek() != '{' {
			return nil, p.fail(p.pos, "criteria must be a JSON object")
		}
		c, err := p.parseCriteriaJSON(q.Domain)
		if err != nil {
			return nil, err
		}
		q.Criteria = c
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	rank := 0
	for {
		if p.peek() == 0 {
			return q, nil
		}
		at := p.pos
		if err := p.expect('.'); err != nil {
			return nil, err
		}
		name := p.ident()
		r, ok := modifierRank[name]
		if !ok {
			return nil, p.fail(at, "unknown modifier %q", name)
		}
		if r <= rank {
			return nil, p.fail(at, "modifier %q is repeated or out of order", name)
		}
		rank = r
		if err := p.expect('('); err != nil {
			return nil, err
		}
		if err := p.parseModifier(q, name); err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
	}
}

// parseDomain reads "<domain>.find".
func (p *parser) parseDomain(q *Query) error {
	p.skipSpace()
	start := p.pos
	// Domain spellings contain at most one dot; read ident(.ident)? and
	// then require ".find".
	var parts []string
	for {
		id := p.ident()
		if id == "" {
			return p.fail(start, "expected a domain")
		}
		parts = append(parts, id)
		if err := p.expect('.'); err != nil {
			return err
		}
		if len(parts) > 2 {
			return p.fail(start, "unknown domain")
		}
		save := p.pos
		if p.ident() == "find" && p.peek() == '(' {
			break
		}
		p.pos = save
	}
	d, ok := domainSpellings[strings.Join(parts, ".")]
	if !ok {
		return p.fail(start, "unknown domain %q", strings.Join(parts, "."))
	}
	q.Domain = d
	return nil
}

// parseModifier reads a modifier's arguments (between the parentheses).
func (p *parser) parseModifier(q *Query, name string) error {
	switch name {
	case "include":
		for {
			at := p.pos
			s, err := p.jsonString()
			if err != nil {
				return err
			}
			if !validIncludeField(q.Domain, s) {
				return p.fail(at, "invalid include field %q", s)
			}
			q.Include = append(q.Include, s)
			if p.peek() != ',' {
				return nil
			}
			p.pos++
		}
	case "sort":
		s, err := p.parseSortJSON(q.Domain)
		if err != nil {
			return err
		}
		q.Sort = s
	case "offset", "limit":
		n, err := p.integer()
		if err != nil {
			return err
		}
		if name == "offset" {
			q.Offset = &n
		} else {
			q.Limit = &n
		}
	case "distinct":
		at := p.pos
		switch p.ident() {
		case "true":
			b := true
			q.Distinct = &b
		case "false":
			b := false
			q.Distinct = &b
		default:
			return p.fail(at, "distinct takes true or false")
		}
	case "transitive":
		q.Transitive = true
	}
	return nil
}

// integer reads a non-negative decimal int64.
func (p *parser) integer() (int64, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	if start == p.pos {
		return 0, p.fail(start, "expected a non-negative integer")
	}
	n, err := strconv.ParseInt(p.src[start:p.pos], 10, 64)
	if err != nil {
		return 0, p.fail(start, "integer out of range")
	}
	return n, nil
}

// jsonString reads one double-quoted JSON string literal and decodes it.
func (p *parser) jsonString() (string, error) {
	p.skipSpace()
	start := p.pos
	if p.pos >= len(p.src) || p.src[p.pos] != '"' {
		return "", p.fail(start, "expected a string")
	}
	i := p.pos + 1
	for i < len(p.src) && p.src[i] != '"' {
		if p.src[i] == '\\' {
			i++
		}
		i++
	}
	if i >= len(p.src) {
		return "", p.fail(start, "unterminated string")
	}
	var s string
	if err := json.Unmarshal([]byte(p.src[start:i+1]), &s); err != nil {
		return "", p.fail(start, "invalid string: %v", err)
	}
	p.pos = i + 1
	return s, nil
}
