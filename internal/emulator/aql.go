package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/aqlengine"
)

// maxAQLBody bounds the query text we read. Real queries built by clients
// are a few KiB even with many repos/exclusions; the cap only stops a
// runaway body from being buffered whole.
const maxAQLBody = 4 << 20

// handleAQL serves POST api/search/aql (reference §2.6). The body is the raw
// query; Content-Type is ignored because JCG sends none and the MCP server
// sends text/plain.
func (e *Emulator) handleAQL(w http.ResponseWriter, r *http.Request, p *principal) {
	if r.Method != http.MethodPost {
		writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAQLBody+1))
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Failed to read the query: "+err.Error())
		return
	}
	if len(body) > maxAQLBody {
		writeError(w, surfaceArtifactory, http.StatusRequestEntityTooLarge, "AQL query is too large")
		return
	}
	q, err := aql.Parse(string(body))
	if err != nil {
		var se *aql.SyntaxError
		if errors.As(err, &se) {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, se.Message)
		} else {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		}
		return
	}
	var resp *aqlengine.Response
	if q.Domain == aql.DomainBuilds {
		resp, err = aqlengine.ExecuteBuilds(q, e.aqlBuilds(p), e.now())
	} else {
		resp, err = aqlengine.Execute(q, e.aqlItems(p), e.now())
	}
	if err != nil {
		var qe *aqlengine.QueryError
		var ue *aqlengine.UnsupportedError
		switch {
		case errors.As(err, &qe):
			writeError(w, surfaceArtifactory, http.StatusBadRequest, qe.Message)
		case errors.As(err, &ue):
			// 400 rather than 501: the caller should see the reason, and a
			// query the emulator cannot model is the caller's to change.
			writeError(w, surfaceArtifactory, http.StatusBadRequest, ue.Message)
		default:
			writeError(w, surfaceArtifactory, http.StatusInternalServerError, "AQL execution failed: "+err.Error())
		}
		return
	}
	// Artifactory streams AQL answers (Transfer-Encoding: chunked, whatever
	// their size); flushing the header first makes small answers chunked too,
	// so clients are tested against the framing they will meet.
	b, err := json.MarshalIndent(resp, "", "  ")
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusInternalServerError, "AQL output failed: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	_, _ = w.Write(b)
}

// aqlItems snapshots every item the caller may read as AQL sees it.
//
// Permission filtering happens BEFORE the query runs, so offset/limit and
// range.total count only visible items. Real Artifactory filters rows after
// the database query, so a non-admin's page can come back shorter than
// .limit() there; here it never does. Admins see everything.
//
// Only physical repositories hold items: virtual repos aggregate local ones
// and AQL reports items under their local repo, so nothing is duplicated.
// Items are deep-copied because Execute runs without the lock while
// property writes mutate maps in place.
func (e *Emulator) aqlItems(p *principal) []aqlengine.Item {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []aqlengine.Item
	for _, rp := range e.repos {
		// Remote repos are skipped: the emulator caches nothing for them,
		// and real AQL would show cached items under "<key>-cache" anyway.
		if rp.rclass() == "virtual" || rp.rclass() == "remote" || !p.can(actRead, rp.key) {
			continue
		}
		for _, it := range rp.items {
			out = append(out, toAQLItem(rp.key, it))
		}
	}
	// Map iteration is random; the engine sorts results, but a stable input
	// keeps any order-dependent corner (equal sort keys) reproducible.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Repo != out[j].Repo {
			return out[i].Repo < out[j].Repo
		}
		return out[i].Path+"/"+out[i].Name < out[j].Path+"/"+out[j].Name
	})
	return out
}

// toAQLItem maps a stored item to AQL's view of it: path is the parent
// folder ("" = repo root, shown as "." by the engine); the root folder
// itself is {"path":".","name":".","type":"folder"} (JCG testdata
// reduce_top_chain_empty_repo.json); depth counts path segments, so the
// root is 0 and a root-level file 1.
func toAQLItem(repoKey string, it *item) aqlengine.Item {
	out := aqlengine.Item{
		Repo: repoKey, Path: parentPath(it.path), Name: it.name(),
		Type: "file", Size: it.size,
		Created: it.created, Modified: it.modified, Updated: it.updated,
		CreatedBy: it.createdBy, ModifiedBy: it.modifiedBy,
		SHA256: it.sums.SHA256, ActualSHA1: it.sums.SHA1, ActualMD5: it.sums.MD5,
		OriginalSHA1: it.orig.SHA1, OriginalMD5: it.orig.MD5,
		Properties: copyProps(it.props),
	}
	if it.path != "" {
		out.Depth = strings.Count(it.path, "/") + 1
	}
	if it.folder {
		out.Type, out.Size = "folder", 0
		if it.path == "" {
			out.Name = "."
		}
	}
	return out
}
