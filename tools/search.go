package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// SearchArtifactsIn is what an agent searches by; every field narrows.
type SearchArtifactsIn struct {
	Repos             []string          `json:"repos,omitempty"`
	Name              string            `json:"name,omitempty" jsonschema:"description=* and ? wildcards\\, e.g. *.jar"`
	Path              string            `json:"path,omitempty" jsonschema:"description=Folder path; * and ? wildcards\\, e.g. org/acme/*"`
	Properties        map[string]string `json:"properties,omitempty" jsonschema:"description=Wildcards allowed in values"`
	Checksum          string            `json:"checksum,omitempty" jsonschema:"description=sha256\\, sha1 or md5 (hex)"`
	CreatedAfter      string            `json:"created_after,omitempty" jsonschema:"format=date-time"`
	CreatedBefore     string            `json:"created_before,omitempty" jsonschema:"format=date-time"`
	ModifiedAfter     string            `json:"modified_after,omitempty" jsonschema:"format=date-time"`
	ModifiedBefore    string            `json:"modified_before,omitempty" jsonschema:"format=date-time"`
	Type              string            `json:"type,omitempty" jsonschema:"enum=file,enum=folder,enum=any,default=file"`
	Sort              string            `json:"sort,omitempty" jsonschema:"enum=repo,enum=path,enum=name,enum=size,enum=created,enum=modified"`
	Order             string            `json:"order,omitempty" jsonschema:"enum=asc,enum=desc,default=asc"`
	Limit             int               `json:"limit,omitempty" jsonschema:"minimum=1,maximum=500,default=50"`
	Offset            int               `json:"offset,omitempty" jsonschema:"minimum=0"`
	IncludeProperties bool              `json:"include_properties,omitempty"`

	query *aql.Query // built by Validate; the guard scopes a copy
}

// Validate checks what the schema cannot: checksum length and date syntax.
func (in *SearchArtifactsIn) Validate() error {
	if in.Checksum != "" {
		if _, err := checksumField(in.Checksum); err != nil {
			return err
		}
	}
	for name, v := range map[string]string{"created_after": in.CreatedAfter, "created_before": in.CreatedBefore,
		"modified_after": in.ModifiedAfter, "modified_before": in.ModifiedBefore} {
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return Errorf(CodeInvalidArgument, "use RFC 3339, e.g. 2026-01-31T00:00:00Z", "argument %s %q is not an RFC 3339 time", name, v)
		}
	}
	for _, r := range in.Repos {
		if strings.TrimSpace(r) == "" || strings.ContainsAny(r, "*?/") {
			return Errorf(CodeInvalidArgument, "give exact repository keys; list_repositories shows them", "repository key %q is not valid", r)
		}
	}
	in.query = buildSearchQuery(in, limitOr(in.Limit, 50))
	return nil
}

// checksumField maps a hex checksum to the AQL field holding it.
func checksumField(sum string) (string, error) {
	if strings.Trim(strings.ToLower(sum), "0123456789abcdef") != "" {
		return "", Errorf(CodeInvalidArgument, "", "checksum %q is not hexadecimal", sum)
	}
	switch len(sum) {
	case 64:
		return "sha256", nil
	case 40:
		return "actual_sha1", nil
	case 32:
		return "actual_md5", nil
	}
	return "", Errorf(CodeInvalidArgument, "give a sha256 (64 hex digits), sha1 (40) or md5 (32)", "checksum %q has %d characters", sum, len(sum))
}

// ArtifactItem is one search hit, compact: an agent rarely needs more, and
// get_artifact_info gives the rest.
type ArtifactItem struct {
	Repo       string              `json:"repo"`
	Path       string              `json:"path"`
	Name       string              `json:"name"`
	Type       string              `json:"type"`
	Size       int64               `json:"size"`
	SHA256     string              `json:"sha256,omitempty"`
	Created    string              `json:"created,omitempty"`
	Modified   string              `json:"modified,omitempty"`
	Properties map[string][]string `json:"properties,omitempty"`
}

// Resource is the item the hit shows.
func (a ArtifactItem) Resource() guard.Resource {
	return guard.Resource{Repo: a.Repo, Path: strings.TrimPrefix(a.Path+"/"+a.Name, "/")}
}

// SearchResult is the result of search_artifacts. It shows the AQL it ran,
// so an agent learns the query language as it goes.
type SearchResult struct {
	List[ArtifactItem]
	AQL string `json:"aql" jsonschema:"description=The AQL query that was run; run_aql accepts it"`
}

var searchArtifacts = Define(Tool[SearchArtifactsIn, SearchResult]{
	Name:        "search_artifacts",
	Title:       "Search artifacts",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "Find files by name or path wildcards, properties, checksum or dates; shows the AQL it ran. " +
		"run_aql takes more.",
	Docs: "by repositories, name/path wildcards, properties, checksum (sha256/sha1/md5), created/modified window; returns the AQL it ran",
	Actions: func(in *SearchArtifactsIn) []guard.Action {
		// Named repositories must each be readable (a clear refusal beats a
		// silently empty result); the query itself is then scoped.
		as := make([]guard.Action, 0, len(in.Repos)+1)
		for _, r := range in.Repos {
			as = append(as, guard.Action{Class: guard.ClassRead, Repo: r})
		}
		return append(as, guard.Action{Class: guard.ClassRead, AQL: in.query})
	},
	ErrorHints: ErrorHints{CodeInvalidArgument: "check the wildcards and values; run_aql shows Artifactory's own message for a query"},
	Handle:     searchHandler,
	Summary: func(in *SearchArtifactsIn, out *SearchResult) string {
		more := ""
		if out.HasMore {
			more = fmt.Sprintf("; more from offset %d", *out.NextOffset)
		}
		return fmt.Sprintf("%d artifacts%s", len(out.Items), more)
	},
})

func searchHandler(ctx context.Context, d *Deps, in *SearchArtifactsIn, dec *guard.Decision) (*SearchResult, error) {
	limit := limitOr(in.Limit, 50)
	q := dec.Query()
	res, err := d.Client.Artifactory.AQL(ctx, q.String())
	if err != nil {
		return nil, err
	}
	items := make([]ArtifactItem, 0, len(res.Results))
	for _, raw := range res.Results {
		var it aqlItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return nil, fmt.Errorf("decode AQL item: %w", err)
		}
		items = append(items, it.artifact())
	}
	// One extra item was asked for, to know whether another page exists
	// without a second query.
	out := &SearchResult{List: List[ArtifactItem]{Items: items, Offset: in.Offset}}
	out.AQL = q.String()
	if len(items) > limit {
		out.Items = items[:limit]
		next := in.Offset + limit
		out.HasMore, out.NextOffset = true, &next
	}
	// The properties query names each item, so it asks only about those
	// the agent may see.
	out.Items = visibleOnly(out.Items, dec)
	if in.IncludeProperties && len(out.Items) > 0 {
		if err := attachProperties(ctx, d, out.Items); err != nil {
			return nil, err
		}
	}
	if len(out.Items) == 0 && in.Offset == 0 && !dec.Narrowed() {
		out.Hint = emptySearchHint(ctx, d, dec, in)
	}
	return out, nil
}

// buildSearchQuery turns the arguments into AQL with the aql package, never
// by pasting strings, so quotes and wildcards in values stay values.
func buildSearchQuery(in *SearchArtifactsIn, limit int) *aql.Query {
	var members []*aql.Criteria
	switch len(in.Repos) {
	case 0:
	case 1:
		members = append(members, aql.Eq("repo", in.Repos[0]))
	default:
		members = append(members, aql.RepoIn(in.Repos).Children[0])
	}
	match := func(field, v string) {
		if v == "" {
			return
		}
		if strings.ContainsAny(v, "*?") {
			members = append(members, aql.Field(field, aql.OpMatch, aql.String(v)))
		} else {
			members = append(members, aql.Eq(field, v))
		}
	}
	match("name", in.Name)
	match("path", strings.Trim(in.Path, "/"))
	for _, k := range sortedKeys(in.Properties) {
		match("@"+k, in.Properties[k])
	}
	if in.Checksum != "" {
		field, _ := checksumField(in.Checksum)
		members = append(members, aql.Eq(field, strings.ToLower(in.Checksum)))
	}
	for _, r := range []struct {
		field, v string
		op       aql.Operator
	}{
		{"created", in.CreatedAfter, aql.OpGt}, {"created", in.CreatedBefore, aql.OpLt},
		{"modified", in.ModifiedAfter, aql.OpGt}, {"modified", in.ModifiedBefore, aql.OpLt},
	} {
		if r.v != "" {
			members = append(members, aql.Field(r.field, r.op, aql.String(r.v)))
		}
	}
	typ := in.Type
	if typ == "" {
		typ = "file"
	}
	members = append(members, aql.Eq("type", typ))

	q := &aql.Query{
		Domain:   aql.DomainItems,
		Criteria: aql.Object(members...),
		Include:  []string{"repo", "path", "name", "type", "size", "sha256", "created", "modified"},
	}
	if in.Sort != "" {
		order := "$asc"
		if in.Order == "desc" {
			order = "$desc"
		}
		q.Sort = &aql.Sort{Order: order, Fields: []string{in.Sort}}
	}
	off, lim := int64(in.Offset), int64(limit+1)
	if off > 0 {
		q.Offset = &off
	}
	q.Limit = &lim
	return q
}

// aqlItem is an items-domain result row as AQL returns it.
type aqlItem struct {
	Repo       string `json:"repo"`
	Path       string `json:"path"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	Created    string `json:"created"`
	Modified   string `json:"modified"`
	Properties []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"properties"`
}

func (it aqlItem) artifact() ArtifactItem {
	path := it.Path
	if path == "." { // AQL's spelling of the repository root
		path = ""
	}
	return ArtifactItem{Repo: it.Repo, Path: path, Name: it.Name, Type: it.Type, Size: it.Size,
		SHA256: it.SHA256, Created: it.Created, Modified: it.Modified}
}

// attachProperties fetches the properties of a page of items with one more
// AQL query: Artifactory refuses sort/offset/limit when properties are
// included, so the page and its properties cannot come from one query.
func attachProperties(ctx context.Context, d *Deps, items []ArtifactItem) error {
	branches := make([]*aql.Criteria, len(items))
	for i, it := range items {
		p := it.Path
		if p == "" {
			p = "."
		}
		// Inside $or, sibling fields of one object are alternatives in
		// Artifactory; $and makes each branch one item.
		branches[i] = aql.Object(aql.AndOf(aql.Object(aql.Eq("repo", it.Repo)), aql.Object(aql.Eq("path", p)), aql.Object(aql.Eq("name", it.Name))))
	}
	q := &aql.Query{Domain: aql.DomainItems, Criteria: aql.Object(aql.OrOf(branches...), aql.Eq("type", "any")),
		Include: []string{"repo", "path", "name", "property"}}
	res, err := d.Client.Artifactory.AQL(ctx, q.String())
	if err != nil {
		return err
	}
	byItem := map[string]map[string][]string{}
	for _, raw := range res.Results {
		var it aqlItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return fmt.Errorf("decode AQL item: %w", err)
		}
		props := map[string][]string{}
		for _, p := range it.Properties {
			props[p.Key] = append(props[p.Key], p.Value)
		}
		byItem[it.artifact().Repo+"/"+it.artifact().Path+"/"+it.Name] = props
	}
	for i := range items {
		if p := byItem[items[i].Repo+"/"+items[i].Path+"/"+items[i].Name]; len(p) > 0 {
			items[i].Properties = p
		}
	}
	return nil
}
