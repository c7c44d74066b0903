package tools

import (
	"regexp"
	"strings"
)

// mentions finds the names of the catalog's tools in a text.
type mentions struct {
	re         *regexp.Regexp
	registered map[string]bool
}

// newMentions knows every tool of the catalog and which are registered.
// (A function, not a package variable: handlers use it through Deps, and
// the catalog refers to the handlers.)
func newMentions(registered map[string]bool) *mentions {
	names := make([]string, 0, len(toolsetOf))
	for _, d := range All() {
		names = append(names, regexp.QuoteMeta(d.Name()))
	}
	return &mentions{re: regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`), registered: registered}
}

// tools returns the catalog tools text names.
func (m *mentions) tools(text string) []string {
	return m.re.FindAllString(text, -1)
}

// clauseEnd splits a text into clauses: after "; ", ". " or ", or ".
var clauseEnd = regexp.MustCompile(`(; |\. |, or )`)

// onlyRegistered returns text without the clauses that name a tool missing
// from registered, so no description, hint or instruction sends an agent
// to a tool this server does not offer. Texts are written so that each
// clause naming another tool can go: "the repository does not exist;
// list_repositories shows the keys" becomes "the repository does not exist".
func (m *mentions) onlyRegistered(text string) string {
	if !m.hasMissing(text) {
		return text
	}
	var kept []string
	rest := text
	for rest != "" {
		clause, sep := rest, ""
		if loc := clauseEnd.FindStringIndex(rest); loc != nil {
			clause, sep, rest = rest[:loc[0]], rest[loc[0]:loc[1]], rest[loc[1]:]
		} else {
			rest = ""
		}
		if !m.hasMissing(clause) {
			kept = append(kept, clause+sep)
		}
	}
	out := strings.Join(kept, "")
	out = strings.TrimRight(out, " ;,")
	out = strings.TrimSuffix(out, ", or")
	if out != "" && strings.HasSuffix(text, ".") && !strings.HasSuffix(out, ".") {
		out += "."
	}
	return out
}

func (m *mentions) hasMissing(text string) bool {
	for _, name := range m.tools(text) {
		if !m.registered[name] {
			return true
		}
	}
	return false
}
