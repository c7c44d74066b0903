package aql

// Domains, as stored in Query.Domain. DomainEntries is written
// "archive.entries" in queries ("entries" is accepted on input too).
const (
	DomainItems      = "items"
	DomainBuilds     = "builds"
	DomainEntries    = "entries"
	DomainPromotions = "build.promotions"
	DomainReleases   = "releases"
)

// domainSpellings maps the text before ".find" to a Domain. Longest
// spellings first is not needed: each is matched as a whole word.
var domainSpellings = map[string]string{
	"items":            DomainItems,
	"builds":           DomainBuilds,
	"archive.entries":  DomainEntries,
	"entries":          DomainEntries,
	"build.promotions": DomainPromotions,
	"releases":         DomainReleases,
}

// domainText is how String() spells each domain.
func domainText(d string) string {
	if d == DomainEntries {
		return "archive.entries"
	}
	return d
}

// Sort orders results. Order is "$asc" or "$desc"; Fields is non-empty.
type Sort struct {
	Order  string
	Fields []string
}

// Query is a parsed AQL query.
type Query struct {
	Domain string
	// Criteria is the object passed to find(), or nil for "find()" (which
	// matches everything, like "find({})").
	Criteria   *Criteria
	Include    []string // nil when .include() is absent
	Sort       *Sort
	Offset     *int64
	Limit      *int64
	Distinct   *bool
	Transitive bool
}

// Item fields per the AQL docs. Used to validate items-domain criteria,
// include and sort, so that a misspelt or differently-cased field ("Repo")
// is refused instead of silently meaning something the guard did not
// analyse.
var itemFields = map[string]bool{
	"repo": true, "path": true, "name": true, "created": true, "modified": true,
	"updated": true, "created_by": true, "modified_by": true, "type": true,
	"depth": true, "original_md5": true, "actual_md5": true, "original_sha1": true,
	"actual_sha1": true, "sha256": true, "size": true, "virtual_repos": true,
}

// IsItemField reports whether name is a plain field of the items domain.
func IsItemField(name string) bool { return itemFields[name] }

// itemRelations are the first path segments through which an items query
// may reach other domains ("stat.downloads", "archive.entry.name",
// "artifact.module.build.name", ...).
var itemRelations = map[string]bool{
	"stat": true, "property": true, "archive": true, "artifact": true,
	"dependency": true, "release_artifact": true, "release": true,
}

// validCriteriaField reports whether a criteria key is acceptable for the
// domain. Non-items domains are only checked for shape: the emulator does
// not evaluate them and the guard treats them as unbounded.
func validCriteriaField(domain, f string) bool {
	if f == "" || f[0] == '$' {
		return false
	}
	if domain != DomainItems {
		return true
	}
	if itemFields[f] {
		return true
	}
	if f[0] == '@' {
		return len(f) > 1
	}
	return validRelationPath(f)
}

// validRelationPath accepts "<relation>.<rest>" with a known relation and
// non-empty dot-separated segments.
func validRelationPath(f string) bool {
	seg := ""
	segs := 0
	first := ""
	for i := 0; i <= len(f); i++ {
		if i == len(f) || f[i] == '.' {
			if seg == "" {
				return false
			}
			if segs == 0 {
				first = seg
			}
			segs++
			seg = ""
			continue
		}
		seg += string(f[i])
	}
	return segs >= 2 && itemRelations[first]
}

// validIncludeField accepts the include forms AQL documents: item fields,
// "*", property forms ("property", "property.*", "@", "@key"), stat forms
// and other related-domain paths.
func validIncludeField(domain, f string) bool {
	if f == "" {
		return false
	}
	if domain != DomainItems {
		return true
	}
	switch f {
	case "*", "@", "property", "stat":
		return true
	}
	if itemFields[f] {
		return true
	}
	if f[0] == '@' {
		return true
	}
	if len(f) > 2 && f[len(f)-2:] == ".*" {
		return validRelationPath(f[:len(f)-2] + ".x")
	}
	return validRelationPath(f)
}
