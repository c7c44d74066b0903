package aqlengine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// defaultFields is the items output when include names no item field
// (docs sample output).
var defaultFields = []string{"repo", "path", "name", "type", "size", "created", "created_by", "modified", "modified_by", "updated"}

// allFields is include("*") and also the canonical output order: results
// list fields in this order whatever order include used.
var allFields = []string{"repo", "path", "name", "type", "size", "created", "created_by", "modified", "modified_by", "updated",
	"depth", "original_md5", "actual_md5", "original_sha1", "actual_sha1", "sha256"}

// outputOrder ranks result keys for MarshalJSON.
var outputOrder = func() map[string]int {
	m := map[string]int{}
	for i, f := range allFields {
		m[f] = i
	}
	m["properties"] = len(allFields)
	m["stats"] = len(allFields) + 1
	return m
}()

// Property is one entry of "properties": one per value.
type Property struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Stat is one entry of "stats". Only downloads is modelled.
type Stat struct {
	Downloads int64 `json:"downloads"`
}

// projection is what to output for each item.
type projection struct {
	fields    []string
	propAll   bool
	propKeys  map[string]bool // include("@k") entries
	stats     bool
	otherDoms bool // include names fields of another domain
}

// newProjection interprets include. If it names any item field only those
// are output; if it names only property/stat fields the defaults stay
// (AQL "query output" docs).
func newProjection(include []string) (*projection, error) {
	p := &projection{propKeys: map[string]bool{}}
	items := map[string]bool{}
	for _, f := range include {
		switch {
		case f == "*":
			for _, a := range allFields {
				items[a] = true
			}
		case f == "property" || f == "property.*" || f == "@" || f == "property.key" || f == "property.value":
			p.propAll, p.otherDoms = true, true
		case strings.HasPrefix(f, "@"):
			p.propKeys[f[1:]] = true
			p.otherDoms = true
		case f == "stat" || strings.HasPrefix(f, "stat."):
			p.stats, p.otherDoms = true, true
		default:
			if _, ok := itemField(&Item{}, f); !ok || f == "virtual_repos" {
				return nil, &UnsupportedError{Message: fmt.Sprintf("the emulator does not support AQL include of %q", f)}
			}
			items[f] = true
		}
	}
	if len(items) == 0 {
		p.fields = defaultFields
		return p, nil
	}
	for _, a := range allFields {
		if items[a] {
			p.fields = append(p.fields, a)
		}
	}
	return p, nil
}

// row renders one item. Null values (folder checksums) are omitted, as
// are empty properties/stats lists.
func (p *projection) row(it *Item) map[string]any {
	out := make(map[string]any, len(p.fields)+2)
	for _, f := range p.fields {
		v, _ := itemField(it, f)
		switch v.kind {
		case kindString:
			out[f] = v.s
		case kindNumber:
			out[f] = v.n
		case kindDate:
			out[f] = formatTime(v.t)
		}
	}
	if p.propAll || len(p.propKeys) > 0 {
		var ps []Property
		for _, r := range props(it) {
			if p.propAll || p.propKeys[r.key] {
				ps = append(ps, Property{Key: r.key, Value: r.value})
			}
		}
		if len(ps) > 0 {
			out["properties"] = ps
		}
	}
	if p.stats && it.Downloads > 0 {
		out["stats"] = []Stat{{Downloads: it.Downloads}}
	}
	return out
}

// Range is the AQL paging block. Limit is present only when the query used
// .limit().
type Range struct {
	StartPos int64  `json:"start_pos"`
	EndPos   int64  `json:"end_pos"`
	Total    int64  `json:"total"`
	Limit    *int64 `json:"limit,omitempty"`
}

// Response is the body of POST /api/search/aql.
type Response struct {
	Results []map[string]any
	Range   Range
}

// MarshalJSON writes {"results":[...],"range":{...}} with each result's
// keys in Artifactory's field order (item fields, then properties, then
// stats, then anything else alphabetically) so output is stable and
// byte-comparable.
func (r *Response) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"results":[`)
	for i, res := range r.Results {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeOrdered(&b, res); err != nil {
			return nil, err
		}
	}
	b.WriteString(`],"range":`)
	rng, err := json.Marshal(r.Range)
	if err != nil {
		return nil, err
	}
	b.Write(rng)
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeOrdered(b *bytes.Buffer, m map[string]any) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		oi, iok := outputOrder[keys[i]]
		oj, jok := outputOrder[keys[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return keys[i] < keys[j]
	})
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(m[k])
		if err != nil {
			return err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return nil
}
