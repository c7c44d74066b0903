package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SeedBuild is a build run to publish at start. Its modules are made from
// the seeded artifacts that carry build.name and build.number equal to
// Name and Number, one module per folder, with their real checksums, so a
// seed cannot describe files that are not there.
type SeedBuild struct {
	Name       string            `json:"name"`
	Number     string            `json:"number"`
	Started    string            `json:"started"` // build-info format or RFC 3339
	Project    string            `json:"project,omitempty"`
	URL        string            `json:"url,omitempty"`
	VCS        []map[string]any  `json:"vcs,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
}

// seedBuilds publishes the seed's builds section (a JSON array of
// SeedBuild; empty or absent means none). Must be called with e.mu held,
// after the artifacts.
func (e *Emulator) seedBuilds(raw json.RawMessage) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var builds []SeedBuild
	if err := dec.Decode(&builds); err != nil {
		return fmt.Errorf("seed builds: %w", err)
	}
	admin := &principal{user: e.users[AdminUsername]}
	for i, b := range builds {
		st, err := parseStarted(b.Started)
		if b.Name == "" || b.Number == "" || err != nil {
			return fmt.Errorf("seed build %d: name, number and a valid started are required", i)
		}
		doc := map[string]any{"version": "1.0.1", "name": b.Name, "number": b.Number, "started": st.Format(buildTimeLayout),
			"agent": map[string]any{"name": "emulator-seed"}, "modules": e.seedModules(b.Name, b.Number)}
		if b.URL != "" {
			doc["url"] = b.URL
		}
		if len(b.VCS) > 0 {
			doc["vcs"] = b.VCS
		}
		if len(b.Properties) > 0 {
			doc["properties"] = b.Properties
		}
		data, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		rp, _, msg := e.ensureBuildRepo(buildRepoKey(b.Project))
		if rp == nil {
			return fmt.Errorf("seed build %d (%s #%s): %s", i, b.Name, b.Number, msg)
		}
		path := encodeBuildSegment(b.Name) + "/" + encodeBuildSegment(b.Number) + "-" + strconv.FormatInt(st.UnixMilli(), 10) + ".json"
		if _, err := e.storeBuildDoc(admin, rp, path, data); err != nil {
			return fmt.Errorf("seed build %d: %w", i, err)
		}
	}
	return nil
}

// seedModules groups the files of build name #number by folder. Must be
// called with e.mu held.
func (e *Emulator) seedModules(name, number string) []any {
	byFolder := map[string][]any{}
	for _, rp := range e.repos {
		if strings.HasSuffix(rp.key, buildRepoSuffix) {
			continue
		}
		for _, it := range rp.items {
			if it.folder || !hasProp(it, "build.name", name) || !hasProp(it, "build.number", number) {
				continue
			}
			dir := parentPath(it.path)
			byFolder[dir] = append(byFolder[dir], map[string]any{"name": it.name(), "path": it.path,
				"sha1": it.sums.SHA1, "sha256": it.sums.SHA256, "md5": it.sums.MD5})
		}
	}
	dirs := make([]string, 0, len(byFolder))
	for d := range byFolder {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	mods := []any{}
	for _, d := range dirs {
		arts := byFolder[d]
		sort.Slice(arts, func(i, j int) bool {
			return arts[i].(map[string]any)["path"].(string) < arts[j].(map[string]any)["path"].(string)
		})
		mods = append(mods, map[string]any{"id": d, "type": "generic", "artifacts": arts})
	}
	return mods
}
