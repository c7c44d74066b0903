package emulator

import (
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/aqlengine"
)

// aqlBuilds snapshots every build run the caller may read, for builds.find:
// the runs of each build-info repository the caller can read.
func (e *Emulator) aqlBuilds(p *principal) []aqlengine.Build {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []aqlengine.Build
	for _, rp := range e.repos {
		if !strings.HasSuffix(rp.key, buildRepoSuffix) || !p.can(actRead, rp.key) {
			continue
		}
		for _, run := range e.buildRuns(rp, "") {
			it := rp.items[run.path]
			b := aqlengine.Build{Name: run.name, Number: run.number, Repo: rp.key, Started: run.started,
				CreatedBy: it.createdBy, ModifiedBy: it.modifiedBy, Created: it.created, Modified: it.modified,
				Properties: map[string][]string{}}
			b.URL, _ = run.doc["url"].(string)
			if props, ok := run.doc["properties"].(map[string]any); ok {
				for k, v := range props {
					if s, ok := v.(string); ok {
						b.Properties[k] = []string{s}
					}
				}
			}
			out = append(out, b)
		}
	}
	return out
}
