package aqlengine

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// predicate decides whether an item matches.
type predicate func(*Item) bool

// compiler turns criteria into predicates once, so type errors and
// unsupported fields are reported even when there are no items, and
// evaluation itself cannot fail.
type compiler struct {
	now    time.Time
	builds bool // compiling a builds.find query
}

// fieldKinds types the item fields; anything absent is a string.
var fieldKinds = map[string]valueKind{
	"size": kindNumber, "depth": kindNumber, "stat.downloads": kindNumber,
	"created": kindDate, "modified": kindDate, "updated": kindDate, "started": kindDate,
}

func (c *compiler) node(n *aql.Criteria) (predicate, error) {
	switch n.Kind {
	case aql.KindObject, aql.KindAnd:
		// Object members (outside a $or array, see below) and $and
		// elements are both conjunctions.
		return c.all(n.Children)
	case aql.KindOr:
		// The members of an object that is itself an element of a $or array
		// are ORed too: Artifactory's parser keeps an operator stack that
		// "$and"/"$or" push and the closing ']' pops, while braces do not
		// scope anything, so every criterion joins the nearest enclosing
		// operator (ParserToAqlAdapter). jfrog-client-go relies on it: it
		// wraps multi-field triples in $or as {"$or":[{"$and":[{...}]}]}
		// and writes exclusions as "$or":[{"path":{"$nmatch":..},"name":{"$nmatch":..}}],
		// which only means "not (path and name)" under this rule.
		preds := make([]predicate, 0, len(n.Children))
		for _, ch := range n.Children {
			var p predicate
			var err error
			if ch.Kind == aql.KindObject && len(ch.Children) > 0 {
				p, err = c.any(ch.Children)
			} else {
				p, err = c.node(ch)
			}
			if err != nil {
				return nil, err
			}
			preds = append(preds, p)
		}
		return anyOf(preds), nil
	case aql.KindMSP:
		return c.msp(n)
	case aql.KindField:
		return c.field(n)
	}
	return nil, &UnsupportedError{Message: fmt.Sprintf("unsupported criteria node %v", n.Kind)}
}

func (c *compiler) list(nodes []*aql.Criteria) ([]predicate, error) {
	preds := make([]predicate, 0, len(nodes))
	for _, ch := range nodes {
		p, err := c.node(ch)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return preds, nil
}

// any is the disjunction of nodes.
func (c *compiler) any(nodes []*aql.Criteria) (predicate, error) {
	preds, err := c.list(nodes)
	if err != nil {
		return nil, err
	}
	return anyOf(preds), nil
}

func anyOf(preds []predicate) predicate {
	return func(it *Item) bool {
		for _, p := range preds {
			if p(it) {
				return true
			}
		}
		return false
	}
}

func (c *compiler) all(nodes []*aql.Criteria) (predicate, error) {
	preds, err := c.list(nodes)
	if err != nil {
		return nil, err
	}
	return func(it *Item) bool {
		for _, p := range preds {
			if !p(it) {
				return false
			}
		}
		return true
	}, nil
}

// field compiles a field or property criterion; its conditions are ANDed.
func (c *compiler) field(n *aql.Criteria) (predicate, error) {
	if aql.IsProperty(n.Field) {
		return c.property(n)
	}
	kind := fieldKinds[n.Field]
	probe := &Item{}
	if c.builds {
		probe.build = &Build{}
	}
	if _, ok := itemField(probe, n.Field); !ok {
		return nil, &UnsupportedError{Message: fmt.Sprintf("the emulator does not support AQL criteria on %q", n.Field)}
	}
	var conds []func(fieldValue) bool
	for _, cd := range n.Conds {
		if n.Field == "type" && cd.Value.Kind == aql.ValueString && cd.Value.Str == "any" && (cd.Op == aql.OpEq || cd.Op == aql.OpNe) {
			// "type":"any" selects files and folders alike.
			want := cd.Op == aql.OpEq
			conds = append(conds, func(fieldValue) bool { return want })
			continue
		}
		f, err := c.cond(n.Field, kind, cd)
		if err != nil {
			return nil, err
		}
		conds = append(conds, f)
	}
	name := n.Field
	return func(it *Item) bool {
		v, _ := itemField(it, name)
		for _, f := range conds {
			if !f(v) {
				return false
			}
		}
		return true
	}, nil
}

// cond compiles one operator against a typed item field. A null item value
// only satisfies {"$eq":null}, as with SQL NULL.
func (c *compiler) cond(field string, kind valueKind, cd aql.Condition) (func(fieldValue) bool, error) {
	if cd.Value.Kind == aql.ValueNull {
		switch cd.Op {
		case aql.OpEq:
			return func(v fieldValue) bool { return v.kind == kindNull }, nil
		case aql.OpNe:
			return func(v fieldValue) bool { return v.kind != kindNull }, nil
		}
		return nil, &QueryError{Message: fmt.Sprintf("operator %s does not accept null (field %s)", cd.Op, field)}
	}
	switch cd.Op {
	case aql.OpBefore, aql.OpLast:
		if kind != kindDate {
			return nil, &QueryError{Message: fmt.Sprintf("operator %s applies to date fields only, not %s", cd.Op, field)}
		}
		rel, err := aql.ParseRelativeTime(cd.Value.Str)
		if err != nil {
			return nil, &QueryError{Message: err.Error()}
		}
		cut := rel.Since(c.now)
		if cd.Op == aql.OpBefore {
			return func(v fieldValue) bool { return v.kind == kindDate && v.t.Before(cut) }, nil
		}
		return func(v fieldValue) bool { return v.kind == kindDate && !v.t.Before(cut) }, nil
	case aql.OpMatch, aql.OpNmatch:
		pat := cd.Value.Text()
		want := cd.Op == aql.OpMatch
		return func(v fieldValue) bool { return v.kind != kindNull && globMatch(pat, v.text()) == want }, nil
	}
	cmp, err := comparator(field, kind, cd.Value)
	if err != nil {
		return nil, err
	}
	test := opTest(cd.Op)
	return func(v fieldValue) bool { return v.kind != kindNull && test(cmp(v)) }, nil
}

// comparator returns a function ordering an item value against the
// criterion value (-1, 0, 1).
func comparator(field string, kind valueKind, val aql.Value) (func(fieldValue) int, error) {
	switch kind {
	case kindNumber:
		f, err := strconv.ParseFloat(val.Text(), 64)
		if err != nil || val.Kind == aql.ValueBool {
			return nil, &QueryError{Message: fmt.Sprintf("invalid number %q for field %s", val.Text(), field)}
		}
		return func(v fieldValue) int { return cmpFloat(float64(v.n), f) }, nil
	case kindDate:
		var t time.Time
		switch val.Kind {
		case aql.ValueNumber:
			ms, err := strconv.ParseInt(string(val.Num), 10, 64)
			if err != nil {
				return nil, &QueryError{Message: fmt.Sprintf("invalid date %q for field %s", val.Text(), field)}
			}
			t = time.UnixMilli(ms)
		case aql.ValueString:
			var err error
			if t, err = parseDate(val.Str); err != nil {
				return nil, &QueryError{Message: fmt.Sprintf("invalid date %q for field %s", val.Str, field)}
			}
		default:
			return nil, &QueryError{Message: fmt.Sprintf("invalid date %q for field %s", val.Text(), field)}
		}
		return func(v fieldValue) int { return v.t.Compare(t) }, nil
	}
	s := val.Text()
	return func(v fieldValue) int { return strings.Compare(v.s, s) }, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// opTest maps a comparison operator to a test on a comparison result.
func opTest(op aql.Operator) func(int) bool {
	switch op {
	case aql.OpNe:
		return func(c int) bool { return c != 0 }
	case aql.OpGt:
		return func(c int) bool { return c > 0 }
	case aql.OpGte:
		return func(c int) bool { return c >= 0 }
	case aql.OpLt:
		return func(c int) bool { return c < 0 }
	case aql.OpLte:
		return func(c int) bool { return c <= 0 }
	}
	return func(c int) bool { return c == 0 }
}

// prop is one (key, value) property row.
type prop struct{ key, value string }

// props flattens an item's properties into rows, sorted for stable output.
// A key with no values is one row with an empty value, as Artifactory
// stores it.
func props(it *Item) []prop {
	var out []prop
	for k, vs := range it.Properties {
		if len(vs) == 0 {
			out = append(out, prop{k, ""})
		}
		for _, v := range vs {
			out = append(out, prop{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].key != out[j].key {
			return out[i].key < out[j].key
		}
		return out[i].value < out[j].value
	})
	return out
}

// rowTest is a test on one property row.
type rowTest func(prop) bool

// positiveString compiles the positive form of an operator on strings
// ($ne -> $eq, $nmatch -> $match). A lone "*" under $eq/$ne means "any
// value", as the properties docs describe.
func positiveString(field string, cd aql.Condition) (func(string) bool, error) {
	s := cd.Value.Text()
	switch cd.Op {
	case aql.OpEq, aql.OpNe:
		if s == "*" {
			return func(string) bool { return true }, nil
		}
		return func(v string) bool { return v == s }, nil
	case aql.OpMatch, aql.OpNmatch:
		return func(v string) bool { return globMatch(s, v) }, nil
	case aql.OpBefore, aql.OpLast:
		return nil, &QueryError{Message: fmt.Sprintf("operator %s applies to date fields only, not %s", cd.Op, field)}
	}
	test := opTest(cd.Op)
	return func(v string) bool { return test(strings.Compare(v, s)) }, nil
}

// rowTests compiles a property criterion into positive row tests, one per
// condition, plus whether each is negated.
func rowTests(n *aql.Criteria) ([]rowTest, []bool, error) {
	var tests []rowTest
	var neg []bool
	for _, cd := range n.Conds {
		if cd.Value.Kind == aql.ValueNull {
			return nil, nil, &QueryError{Message: fmt.Sprintf("null is not a valid value for %s", n.Field)}
		}
		pos, err := positiveString(n.Field, cd)
		if err != nil {
			return nil, nil, err
		}
		var t rowTest
		switch {
		case n.Field == "property.key":
			t = func(p prop) bool { return pos(p.key) }
		case n.Field == "property.value":
			t = func(p prop) bool { return pos(p.value) }
		case strings.HasPrefix(n.Field, "@"):
			key := n.Field[1:]
			t = func(p prop) bool { return (key == "*" || p.key == key) && pos(p.value) }
		default:
			return nil, nil, &UnsupportedError{Message: fmt.Sprintf("the emulator does not support AQL criteria on %q", n.Field)}
		}
		tests = append(tests, t)
		neg = append(neg, cd.Op.Negative())
	}
	return tests, neg, nil
}

// property compiles a property criterion outside $msp. Each condition is
// judged over all rows independently: positive ones need some row to
// match, negative ones need no row to match the positive form (so
// {"@k":{"$ne":"v"}} also selects items without k — it is how
// jfrog-client-go's exclude-props works).
func (c *compiler) property(n *aql.Criteria) (predicate, error) {
	tests, neg, err := rowTests(n)
	if err != nil {
		return nil, err
	}
	return func(it *Item) bool {
		rows := props(it)
		for i, t := range tests {
			found := false
			for _, r := range rows {
				if t(r) {
					found = true
					break
				}
			}
			if found == neg[i] {
				return false
			}
		}
		return true
	}, nil
}

// msp compiles $msp: some single row must pass every criterion inside,
// negative operators being applied to that row ("$nmatch" = this row's
// value does not match).
func (c *compiler) msp(n *aql.Criteria) (predicate, error) {
	var tests []rowTest
	for _, obj := range n.Children {
		for _, f := range obj.Children {
			ts, neg, err := rowTests(f)
			if err != nil {
				return nil, err
			}
			for i, t := range ts {
				t, negate := t, neg[i]
				if f.Field != "property.key" && f.Field != "property.value" && negate {
					// The key must still match; only the value test flips.
					key := f.Field[1:]
					tests = append(tests, func(p prop) bool { return (key == "*" || p.key == key) && !t(p) })
					continue
				}
				tests = append(tests, func(p prop) bool { return t(p) != negate })
			}
		}
	}
	return func(it *Item) bool {
	rows:
		for _, r := range props(it) {
			for _, t := range tests {
				if !t(r) {
					continue rows
				}
			}
			return true
		}
		return false
	}, nil
}
