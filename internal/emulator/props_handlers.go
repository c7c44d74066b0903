package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// getProps serves GET api/storage/<repo>/<path>?properties[=k1,k2]. Values
// are always arrays; "nothing to show" is a 404 whose body contains "No
// properties could be found", a substring JCG special-cases as empty.
func (e *Emulator) getProps(w http.ResponseWriter, it *item, rawFilter, uri string) {
	keys, err := parsePropKeys(rawFilter)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	out := map[string][]string{}
	if len(keys) == 0 {
		out = it.props
	} else {
		for _, k := range keys {
			if v, ok := it.props[k]; ok {
				out[k] = v
			}
		}
	}
	if len(out) == 0 {
		writeError(w, surfaceArtifactory, http.StatusNotFound, "No properties could be found.")
		return
	}
	writeJSONType(w, http.StatusOK, "application/vnd.org.jfrog.artifactory.storage.ItemProperties+json",
		map[string]any{"properties": out, "uri": uri})
}

// changeProps serves PUT (set) and DELETE on ?properties=..., answering 204.
// recursive defaults to on for folders (JFrog docs); JCG always sends it.
func (e *Emulator) changeProps(w http.ResponseWriter, r *http.Request, p *principal, rpath repoPath, q map[string]string) {
	var entries []propEntry
	var delKeys []string
	var err error
	if r.Method == http.MethodPut {
		entries, err = parsePropsParam(q["properties"])
		if err == nil && len(entries) == 0 {
			err = fmt.Errorf("No properties were given")
		}
	} else {
		delKeys, err = parsePropKeys(q["properties"])
	}
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	recursive := q["recursive"] != "0" && !strings.EqualFold(q["recursive"], "false")

	e.mu.Lock()
	defer e.mu.Unlock()
	owner, found := e.resolve(rpath.repo, rpath.path)
	if owner == nil || found == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, errNoItem)
		return
	}
	if !p.can(actAnnotate, owner.key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf(
			"Not enough permissions to annotate '%s:%s' (user '%s' needs ANNOTATE permission).", owner.key, rpath.path, p.name()))
		return
	}
	targets := []*item{owner.items[found.path]}
	if found.folder && recursive {
		targets = owner.subtree(found.path)
	}
	// Within one request repeated keys accumulate; across requests a key's
	// values are replaced, which is what "set" means in Artifactory.
	set := map[string][]string{}
	for _, en := range entries {
		set[en.key] = append(set[en.key], en.values...)
	}
	now := e.now()
	for _, it := range targets {
		if it.props == nil {
			it.props = map[string][]string{}
		}
		for k, v := range set {
			it.props[k] = append([]string(nil), v...)
		}
		for _, k := range delKeys {
			delete(it.props, k)
		}
		it.propsMod, it.updated = now, now
	}
	w.WriteHeader(http.StatusNoContent)
}
