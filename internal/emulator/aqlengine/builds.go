package aqlengine

import (
	"fmt"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// Build is one build run as the AQL builds domain sees it.
type Build struct {
	Name, Number, URL, Repo string
	CreatedBy, ModifiedBy   string
	Started                 time.Time
	Created, Modified       time.Time
	// Properties are the build info's properties (buildInfo.env.* and
	// others), which builds.find criteria reach with "@key".
	Properties map[string][]string
}

// buildFieldOrder is the builds output: every field that has a value, in
// the order of a real server's sample output (alphabetical).
var buildFieldOrder = []string{"created", "created_by", "modified", "modified_by", "name", "number", "repo", "started", "url"}

// buildField returns the value of a builds-domain field.
func buildField(b *Build, name string) (fieldValue, bool) {
	date := func(t time.Time) fieldValue {
		if t.IsZero() {
			return fieldValue{}
		}
		return fieldValue{kind: kindDate, t: t}
	}
	switch name {
	case "name":
		return str(b.Name), true
	case "number":
		return str(b.Number), true
	case "url":
		return optional(b.URL), true
	case "repo":
		return optional(b.Repo), true
	case "created_by":
		return optional(b.CreatedBy), true
	case "modified_by":
		return optional(b.ModifiedBy), true
	case "started":
		return date(b.Started), true
	case "created":
		return date(b.Created), true
	case "modified":
		return date(b.Modified), true
	}
	return fieldValue{}, false
}

// ExecuteBuilds runs a builds.find query over builds. Criteria reach the
// build fields and build properties ("@key"); related domains (modules,
// promotions) and includes other than build fields are *UnsupportedError.
// Output keys are "build.<field>", as Artifactory prints them.
func ExecuteBuilds(q *aql.Query, builds []Build, now time.Time) (*Response, error) {
	if q.Domain != aql.DomainBuilds {
		return nil, &UnsupportedError{Message: fmt.Sprintf("ExecuteBuilds runs builds queries, not %q", q.Domain)}
	}
	fields, err := buildProjection(q.Include)
	if err != nil {
		return nil, err
	}
	rows := make([]Item, len(builds))
	for i := range builds {
		rows[i] = Item{build: &builds[i], Properties: builds[i].Properties}
	}
	match := predicate(func(*Item) bool { return true })
	if q.Criteria != nil {
		if match, err = (&compiler{now: now, builds: true}).node(q.Criteria); err != nil {
			return nil, err
		}
	}
	var hits []*Item
	for i := range rows {
		if match(&rows[i]) {
			hits = append(hits, &rows[i])
		}
	}
	if q.Sort != nil {
		for _, f := range q.Sort.Fields {
			if _, ok := buildField(&Build{}, f); !ok {
				return nil, &UnsupportedError{Message: fmt.Sprintf("the emulator supports AQL sort of builds by build fields only, not %q", f)}
			}
		}
	}
	sortBy(hits, []string{"name", "number", "started"}, false)
	if q.Sort != nil {
		sortBy(hits, q.Sort.Fields, q.Sort.Order == "$desc")
	}
	return respond(q, hits, func(it *Item) map[string]any {
		row := map[string]any{}
		for _, f := range fields {
			v, _ := buildField(it.build, f)
			switch v.kind {
			case kindString:
				row["build."+f] = v.s
			case kindDate:
				row["build."+f] = v.t.UTC().Format("2006-01-02T15:04:05.000Z")
			}
		}
		return row
	}), nil
}

// buildProjection interprets include for builds: build fields, with or
// without the "build." prefix, or "*"; none means all.
func buildProjection(include []string) ([]string, error) {
	if len(include) == 0 {
		return buildFieldOrder, nil
	}
	want := map[string]bool{}
	for _, f := range include {
		if f == "*" {
			return buildFieldOrder, nil
		}
		name := f
		if len(name) > len("build.") && name[:len("build.")] == "build." {
			name = name[len("build."):]
		}
		if _, ok := buildField(&Build{}, name); !ok {
			return nil, &UnsupportedError{Message: fmt.Sprintf("the emulator does not support AQL include of %q in builds", f)}
		}
		want[name] = true
	}
	var out []string
	for _, f := range buildFieldOrder {
		if want[f] {
			out = append(out, f)
		}
	}
	return out, nil
}
