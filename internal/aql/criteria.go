package aql

// Kind says what a Criteria node is.
type Kind int

const (
	// KindObject is a JSON object {...}. Its Children are its members in
	// source order; siblings form an implicit $and (duplicate keys too),
	// except in an object that is itself an element of a "$or" array:
	// Artifactory joins every criterion with the nearest enclosing
	// $and/$or, so there the members are ORed.
	KindObject Kind = iota
	// KindAnd is a member "$and":[obj,...]; Children are the objects.
	KindAnd
	// KindOr is a member "$or":[obj,...]; Children are the objects.
	KindOr
	// KindMSP is a member "$msp":[obj,...] or "$msp":{...} ("match on a
	// single property"): one property (key,value) pair of the item must
	// satisfy every criterion inside. Children are the objects; if the
	// source used the object form, MSPObject is true and there is exactly
	// one child.
	KindMSP
	// KindField is a member "<field>":{"$op":value,...} or the short form
	// "<field>":value (meaning $eq). Field is the key as written: an item
	// field ("repo"), a related-domain path ("stat.downloads",
	// "artifact.module.build.name"), "property.key"/"property.value", or a
	// property criterion ("@license", "@*", "artifact.module.build.@os").
	KindField
)

func (k Kind) String() string {
	switch k {
	case KindObject:
		return "object"
	case KindAnd:
		return "$and"
	case KindOr:
		return "$or"
	case KindMSP:
		return "$msp"
	case KindField:
		return "field"
	}
	return "unknown"
}

// Operator is an AQL comparison operator, spelled as in the query.
type Operator string

// The operators AQL documents. $in does not exist in AQL and is rejected.
const (
	OpEq     Operator = "$eq"
	OpNe     Operator = "$ne"
	OpGt     Operator = "$gt"
	OpGte    Operator = "$gte"
	OpLt     Operator = "$lt"
	OpLte    Operator = "$lte"
	OpMatch  Operator = "$match"
	OpNmatch Operator = "$nmatch"
	OpBefore Operator = "$before"
	OpLast   Operator = "$last"
)

var operators = map[Operator]bool{
	OpEq: true, OpNe: true, OpGt: true, OpGte: true, OpLt: true, OpLte: true,
	OpMatch: true, OpNmatch: true, OpBefore: true, OpLast: true,
}

// Negative reports whether the operator excludes (so on multi-valued
// properties it means "no value satisfies the positive form").
func (o Operator) Negative() bool { return o == OpNe || o == OpNmatch }

// Condition is one "$op":value pair.
type Condition struct {
	Op    Operator
	Value Value
}

// Criteria is one node of the criteria AST. The root is always a
// KindObject (the JSON object passed to find()).
type Criteria struct {
	Kind Kind
	// Children: members of a KindObject, or the array elements (objects) of
	// $and/$or/$msp.
	Children []*Criteria
	// MSPObject records that a $msp was written as an object, not an array,
	// so printing reproduces the source form.
	MSPObject bool

	// Field, Conds and Short are set for KindField only. Conds holds one
	// entry per operator in the operator object, in source order; they are
	// ANDed. Short means the source used {"field":value}; then Conds is a
	// single $eq.
	Field string
	Conds []Condition
	Short bool
}

// Walk visits c and its descendants depth-first, pre-order. If fn returns
// false the children of that node are skipped. A nil receiver is a no-op.
func (c *Criteria) Walk(fn func(*Criteria) bool) {
	if c == nil {
		return
	}
	if !fn(c) {
		return
	}
	for _, ch := range c.Children {
		ch.Walk(fn)
	}
}

// Key is the JSON key this node occupies inside its parent object: the
// field name for KindField, "$and"/"$or"/"$msp" for compounds, "" for an
// object.
func (c *Criteria) Key() string {
	switch c.Kind {
	case KindField:
		return c.Field
	case KindAnd, KindOr, KindMSP:
		return c.Kind.String()
	}
	return ""
}

// IsProperty reports whether a field name addresses properties: "@key",
// "@*", a related-domain "x.y.@key", or "property.key"/"property.value".
func IsProperty(field string) bool {
	if field == "property.key" || field == "property.value" {
		return true
	}
	for i := 0; i < len(field); i++ {
		if field[i] == '@' && (i == 0 || field[i-1] == '.') {
			return true
		}
	}
	return false
}

// DuplicateKeys lists keys that occur more than once within a single
// object anywhere in the tree (each key reported once, in first-seen
// order). Such queries are legal; callers may want to log or refuse them.
func (c *Criteria) DuplicateKeys() []string {
	var out []string
	reported := map[string]bool{}
	c.Walk(func(n *Criteria) bool {
		if n.Kind != KindObject {
			return true
		}
		seen := map[string]bool{}
		for _, m := range n.Children {
			k := m.Key()
			if seen[k] && !reported[k] {
				reported[k] = true
				out = append(out, k)
			}
			seen[k] = true
		}
		return true
	})
	return out
}

// Object builds a KindObject from members.
func Object(members ...*Criteria) *Criteria {
	return &Criteria{Kind: KindObject, Children: members}
}

// Field builds a KindField with explicit operator form {"field":{"$op":v}}.
func Field(field string, op Operator, v Value) *Criteria {
	return &Criteria{Kind: KindField, Field: field, Conds: []Condition{{Op: op, Value: v}}}
}

// Eq builds the short form {"field":"value"}.
func Eq(field, value string) *Criteria {
	return &Criteria{Kind: KindField, Field: field, Conds: []Condition{{Op: OpEq, Value: String(value)}}, Short: true}
}

// AndOf builds the member "$and":[objs...].
func AndOf(objs ...*Criteria) *Criteria { return &Criteria{Kind: KindAnd, Children: objs} }

// OrOf builds the member "$or":[objs...].
func OrOf(objs ...*Criteria) *Criteria { return &Criteria{Kind: KindOr, Children: objs} }
