package tools

import (
	"regexp"
	"strings"
)

// toolMention matches any catalog tool's name as a word.
var toolMention = func() *regexp.Regexp {
	names := make([]string, 0, len(toolsetOf))
	for _, d := range All() {
		names = append(names, regexp.QuoteMeta(d.Name()))
	}
	return regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`)
}()

// mentionedTools returns the catalog tools text names.
func mentionedTools(text string) []string {
	return toolMention.FindAllString(text, -1)
}

// clauseEnd splits a text into clauses: after "; ", ". " or ", or ".
var clauseEnd = regexp.MustCompile(`(; |\. |, or )`)

// onlyRegistered returns text without the clauses that name a tool missing
// from registered, so no description, hint or instruction sends an agent
// to a tool this server does not offer. Texts are written so that each
// clause naming another tool can go: "the repository does not exist;
// list_repositories shows the keys" becomes "the repository does not exist".
func onlyRegistered(text string, registered map[string]bool) string {
	if !hasMissing(text, registered) {
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
		if !hasMissing(clause, registered) {
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

func hasMissing(text string, registered map[string]bool) bool {
	for _, name := range mentionedTools(text) {
		if !registered[name] {
			return true
		}
	}
	return false
}
