package emulator

import (
	"encoding/json"
	"io"
	"strings"
)

// buildOf returns Xray's view of a build: a seeded one, or one published to
// Artifactory as build info (artifactory-build-info/<name>/<number>-<ms>.json,
// or <project>-build-info; reference §2.10), whose components are those of
// the files its modules list by sha256. A build Xray has looked at once is
// kept, with its scan state. Must be called with e.mu (read) and db.mu held.
func (e *Emulator) buildOf(name, number, project string) *xrayBuild {
	db := e.xdb
	key := buildKey(name, number, project)
	if b := db.builds[key]; b != nil {
		return b
	}
	repoKey := "artifactory-build-info"
	if project != "" {
		repoKey = project + "-build-info"
	}
	rp := e.repos[repoKey]
	if rp == nil {
		return nil
	}
	for p, it := range rp.items {
		if it.folder || !strings.HasSuffix(p, ".json") {
			continue
		}
		doc, ok := e.buildInfoDoc(it)
		if !ok || doc.Name != name || doc.Number != number {
			continue
		}
		b := &xrayBuild{seed: SeedXrayBuild{Name: name, Number: number, Project: project}}
		for _, m := range doc.Modules {
			for _, f := range append(m.Artifacts, m.Dependencies...) {
				if c := e.contentBySHA(strings.ToLower(f.SHA256)); c != nil {
					b.components = append(b.components, c.components...)
				}
			}
		}
		db.builds[key] = b
		return b
	}
	return nil
}

type buildInfoDoc struct {
	Name    string `json:"name"`
	Number  string `json:"number"`
	Modules []struct {
		Artifacts    []struct{ SHA256 string } `json:"artifacts"`
		Dependencies []struct{ SHA256 string } `json:"dependencies"`
	} `json:"modules"`
}

// buildInfoDoc reads a stored build-info file (at most 16 MiB).
func (e *Emulator) buildInfoDoc(it *item) (*buildInfoDoc, bool) {
	f, err := e.blobs.open(it.sums.SHA256)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var doc buildInfoDoc
	if err := json.NewDecoder(io.LimitReader(f, 16<<20)).Decode(&doc); err != nil {
		return nil, false
	}
	return &doc, true
}

// contentBySHA is what Xray found in content with this sha256: by checksum,
// or by the name of any file that has it. Must be called with both locks.
func (e *Emulator) contentBySHA(sha string) *xrayContent {
	if c := e.xdb.bySHA[sha]; c != nil {
		return c
	}
	for _, rp := range e.repos {
		for _, it := range rp.items {
			if !it.folder && it.sums.SHA256 == sha {
				if c := e.xdb.contentOf(it); c != nil {
					return c
				}
			}
		}
	}
	return nil
}
