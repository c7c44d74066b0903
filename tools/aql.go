package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// maxAQLLimit is the most rows run_aql returns in one call.
const maxAQLLimit = 1000

// RunAQLIn is a raw AQL query.
type RunAQLIn struct {
	Query string `json:"query" jsonschema:"required,minLength=1,description=AQL for the items domain\\, e.g. items.find({\"repo\":\"libs-release-local\"\\,\"name\":{\"$match\":\"*.jar\"}})"`
	Limit int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=1000,default=100,description=Most rows; lowers a larger .limit()"`
	// Offset is the next page of a result that had more: it becomes the
	// query's .offset(), which the guard scopes with the rest.
	Offset int `json:"offset,omitempty" jsonschema:"minimum=0,description=Rows to skip (the next_offset of a previous page)"`

	parsed *aql.Query // the guard scopes a copy; the handler runs that
}

// Validate parses the query: a syntax error is the agent's to fix, with the
// position Artifactory would report.
func (in *RunAQLIn) Validate() error {
	q, err := guard.ParseAQL(in.Query) // within the guard's size caps
	var se *aql.SyntaxError
	if errors.As(err, &se) {
		return Errorf(CodeInvalidArgument, "fix the query; search_artifacts returns working AQL to start from", "%s", se.Message)
	}
	if err != nil {
		return err
	}
	if q.Domain != aql.DomainItems {
		return Errorf(CodeInvalidArgument, "write items.find(...)", "only the items domain is supported, not %s", q.Domain)
	}
	if in.Offset > 0 {
		switch {
		case q.Offset != nil && *q.Offset != int64(in.Offset):
			return Errorf(CodeInvalidArgument, "give the offset once: in the offset argument or as .offset() in the query", "the query has .offset(%d) and the offset argument is %d", *q.Offset, in.Offset)
		case includesOtherDomain(q.Include):
			return Errorf(CodeInvalidArgument, "include only item fields to page, or narrow the query so that one page holds it", "Artifactory allows no .offset() when the include names fields of another domain (%s)", strings.Join(q.Include, ", "))
		}
		off := int64(in.Offset)
		q.Offset = &off
	}
	in.parsed = q
	return nil
}

// AQLRange is Artifactory's description of the rows returned.
type AQLRange struct {
	StartPos int64  `json:"start_pos"`
	EndPos   int64  `json:"end_pos"`
	Total    int64  `json:"total"`
	Limit    *int64 `json:"limit,omitempty"`
}

// AQLResult is the result of run_aql: rows parsed once, as a table. Each
// item is one row's values in the order of columns; values shared by every
// row are given once in common.
type AQLResult struct {
	Columns []string       `json:"columns" jsonschema:"description=Field names; each item lists its values in this order"`
	Common  map[string]any `json:"common,omitempty" jsonschema:"description=Fields with the same value in every row\\, given once"`
	List[[]any]
	AQL   string   `json:"aql" jsonschema:"description=The query as run\\, after the limit was enforced"`
	Range AQLRange `json:"range"`
	Notes []string `json:"notes,omitempty"`
}

var runAQL = Define(Tool[RunAQLIn, AQLResult]{
	Name:        "run_aql",
	Title:       "Run AQL",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "AQL items query, for what search_artifacts cannot express ($or, $nmatch, several properties). " +
		"Rows are value arrays in columns order; values all rows share are in common.",
	Docs: "raw AQL (items domain), parsed once, a row limit always enforced, scoped by the guard",
	Actions: func(in *RunAQLIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassRead, AQL: in.parsed}}
	},
	ErrorHints: ErrorHints{CodeInvalidArgument: "Artifactory refused the query: fix it as the message says"},
	Handle:     runAQLHandler,
	Summary: func(in *RunAQLIn, out *AQLResult) string {
		return fmt.Sprintf("%d rows of %s", len(out.Items), columnsText(out.Columns))
	},
})

func runAQLHandler(ctx context.Context, d *Deps, in *RunAQLIn, dec *guard.Decision) (*AQLResult, error) {
	q := dec.Query()
	limit := int64(limitOr(in.Limit, 100))
	out := &AQLResult{}
	if dec.Narrowed() {
		out.Notes = append(out.Notes, "narrowed to the repositories the policy lets this server read")
	}
	if q.Offset != nil {
		out.Offset = int(*q.Offset)
	}
	// Artifactory refuses .limit() (and sort/offset) when the include names
	// fields of another domain, e.g. "property". Then the cap is applied here
	// to the rows that come back instead.
	serverLimit := !includesOtherDomain(q.Include)
	if serverLimit {
		switch {
		case q.Limit == nil:
			out.Notes = append(out.Notes, fmt.Sprintf("added .limit(%d)", limit))
		case *q.Limit > limit:
			out.Notes = append(out.Notes, fmt.Sprintf("lowered .limit(%d) to %d", *q.Limit, limit))
		default:
			limit = *q.Limit
		}
		plusOne := limit + 1 // one more row says whether there is a next page
		q.Limit = &plusOne
	} else {
		out.Notes = append(out.Notes, fmt.Sprintf("the query includes fields of another domain, so Artifactory allows no .limit(); rows past %d are dropped here", limit))
	}
	res, err := d.Client.Artifactory.AQL(ctx, q.String())
	if err != nil {
		return nil, err
	}
	rows := make([]map[string]any, 0, min(len(res.Results), int(limit)))
	consumed := 0
	for i, raw := range res.Results {
		if int64(i) >= limit {
			break
		}
		consumed++
		var row map[string]any
		if err := json.Unmarshal(raw, &row); err != nil {
			return nil, fmt.Errorf("decode AQL row: %w", err)
		}
		if p, ok := row["properties"]; ok {
			row["properties"] = propertyMap(p)
		}
		rows = append(rows, row)
	}
	out.Columns, out.Common, out.Items = tabulate(rows)
	// A query the guard narrowed is explained by its note; looking up
	// repositories for it would only send another request.
	if len(res.Results) == 0 && out.Offset == 0 && !dec.Narrowed() {
		out.Hint = emptyAQLHint(ctx, d, dec, exactRepos(q))
	}
	if out.Columns == nil {
		out.Columns = []string{}
	}
	if int64(len(res.Results)) > limit {
		// Rows the policy removed still count: the next page starts after them.
		next := out.Offset + consumed
		out.HasMore, out.NextOffset = true, &next
		if !serverLimit {
			out.Truncated = true
			out.Hint = "narrow the query: more rows matched than the limit"
		}
	}
	if serverLimit {
		q.Limit = &limit // show the query an agent can rerun, without our +1
	}
	out.AQL = q.String()
	// The range describes the rows returned here, which may be fewer than
	// Artifactory sent (the +1 row, or a cap applied here).
	start := int64(out.Offset)
	out.Range = AQLRange{StartPos: start, EndPos: start + int64(len(rows)), Total: int64(len(rows))}
	if serverLimit {
		out.Range.Limit = &limit
	}
	return out, nil
}

// exactRepos are the repository keys a query names exactly.
func exactRepos(q *aql.Query) []string {
	repos, bounded := q.Repos()
	if !bounded {
		return nil
	}
	var keys []string
	for _, r := range repos {
		if !r.Pattern {
			keys = append(keys, r.Key)
		}
	}
	return keys
}

// includesOtherDomain reports an include of property or stat fields, which
// rules out sort, offset and limit.
func includesOtherDomain(include []string) bool {
	for _, f := range include {
		if f == "*" || aql.IsItemField(f) {
			continue
		}
		return true
	}
	return false
}

// filterItems removes the rows the decision hides. Every row is checked,
// not only those of a narrowed query: AQL's $match may read '_' or '%' as
// wildcards, so a narrowed query can match more than a rule says. Rows
// the policy removed still count for paging (the next page starts after
// them); the range counts the rows returned.
func (r *AQLResult) filterItems(visible func(guard.Resource) bool) int {
	field := func(row []any, name string) string {
		if v, ok := r.Common[name]; ok {
			s, _ := v.(string)
			return s
		}
		if i := slices.Index(r.Columns, name); i >= 0 && i < len(row) {
			s, _ := row[i].(string)
			return s
		}
		return ""
	}
	kept := r.Items[:0:0]
	for _, row := range r.Items {
		if visible(guard.RowResource(field(row, "repo"), field(row, "path"), field(row, "name"))) {
			kept = append(kept, row)
		}
	}
	removed := len(r.Items) - len(kept)
	if removed > 0 {
		r.Items = kept
		r.Range.EndPos -= int64(removed)
		r.Range.Total -= int64(removed)
	}
	if len(r.Items) == 0 {
		r.Common = nil // values every removed row shared: they describe hidden items
	}
	r.scrubVirtualRepos(visible)
	return removed
}

// scrubVirtualRepos keeps, in the virtual_repos field, only the keys the
// policy lets the agent see: a row of a readable item must not name a
// virtual repository the policy hides.
func (r *AQLResult) scrubVirtualRepos(visible func(guard.Resource) bool) {
	keep := func(v any) any {
		list, ok := v.([]any)
		if !ok {
			return v
		}
		out := []any{}
		for _, k := range list {
			if s, ok := k.(string); ok && visible(guard.Resource{Repo: s, KeyOnly: true}) {
				out = append(out, s)
			}
		}
		return out
	}
	if v, ok := r.Common["virtual_repos"]; ok {
		r.Common["virtual_repos"] = keep(v)
	}
	if i := slices.Index(r.Columns, "virtual_repos"); i >= 0 {
		for _, row := range r.Items {
			if i < len(row) {
				row[i] = keep(row[i])
			}
		}
	}
}

func (r *AQLResult) noteHidden(n int) { r.Notes = append(r.Notes, hiddenNote(n, "rows")) }
