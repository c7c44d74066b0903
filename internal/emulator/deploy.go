package emulator

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

const itemCreatedType = "application/vnd.org.jfrog.artifactory.storage.ItemCreated+json"

// itemCreated is the deploy response (reference §2.2). Field order follows
// the JFrog docs sample; size is a string like in storage info.
type itemCreated struct {
	Repo              string        `json:"repo"`
	Path              string        `json:"path"`
	Created           string        `json:"created"`
	CreatedBy         string        `json:"createdBy"`
	DownloadURI       string        `json:"downloadUri,omitempty"`
	MimeType          string        `json:"mimeType,omitempty"`
	Size              string        `json:"size,omitempty"`
	Checksums         *checksumJSON `json:"checksums,omitempty"`
	OriginalChecksums *checksumJSON `json:"originalChecksums,omitempty"`
	URI               string        `json:"uri"`
}

type checksumJSON struct {
	SHA1   string `json:"sha1,omitempty"`
	MD5    string `json:"md5,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

func sumsJSON(c checksums) *checksumJSON {
	if c == (checksums{}) {
		return nil
	}
	return &checksumJSON{SHA1: c.SHA1, MD5: c.MD5, SHA256: c.SHA256}
}

// clientChecksums reads the checksum headers. JCG sends sha256 in the
// generic X-Checksum header (artifactoryutils.go AddChecksumHeaders), whose
// type is inferred from its length.
func clientChecksums(h http.Header) checksums {
	c := checksums{
		SHA1:   strings.ToLower(strings.TrimSpace(h.Get("X-Checksum-Sha1"))),
		SHA256: strings.ToLower(strings.TrimSpace(h.Get("X-Checksum-Sha256"))),
		MD5:    strings.ToLower(strings.TrimSpace(h.Get("X-Checksum-Md5"))),
	}
	if g := strings.ToLower(strings.TrimSpace(h.Get("X-Checksum"))); g != "" {
		switch len(g) {
		case 32:
			if c.MD5 == "" {
				c.MD5 = g
			}
		case 40:
			if c.SHA1 == "" {
				c.SHA1 = g
			}
		case 64:
			if c.SHA256 == "" {
				c.SHA256 = g
			}
		}
	}
	return c
}

// deployTarget resolves the repository a deploy lands in. Must be called
// with e.mu held. Returns an HTTP status and message on refusal.
func (e *Emulator) deployTarget(key string) (*repo, int, string) {
	rp := e.repos[strings.ToLower(key)]
	if rp == nil {
		return nil, http.StatusNotFound, fmt.Sprintf("Repository '%s' not found", key)
	}
	switch rp.rclass() {
	case "remote":
		return nil, http.StatusBadRequest, fmt.Sprintf("Deployment to remote repository '%s' is not allowed", rp.key)
	case "virtual":
		d := rp.str("defaultDeploymentRepo")
		target := e.repos[strings.ToLower(d)]
		if d == "" || target == nil {
			// A virtual repository without a deployment target does not
			// accept PUT at all: 405, as for any path that takes no deploy. [G]
			return nil, http.StatusMethodNotAllowed, fmt.Sprintf("Virtual repository '%s' has no default deployment repository", rp.key)
		}
		return target, 0, ""
	}
	return rp, 0, ""
}

func (e *Emulator) handleDeploy(w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	rpath, err := parseRepoPath(rest)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.RLock()
	target, status, msg := e.deployTarget(rpath.repo)
	var policy, targetKey string
	if target != nil {
		policy, targetKey = target.str("checksumPolicyType"), target.key
	}
	e.mu.RUnlock()
	if target == nil {
		writeError(w, surfaceArtifactory, status, msg)
		return
	}
	if !p.can(actWrite, targetKey) {
		writeError(w, surfaceArtifactory, http.StatusForbidden,
			fmt.Sprintf("User %s is not permitted to deploy '%s' into '%s:%s'.", p.name(), rpath.path, targetKey, rpath.path))
		return
	}
	if rpath.folder {
		e.deployFolder(w, r, p, targetKey, rpath)
		return
	}
	if strings.EqualFold(r.Header.Get("X-Explode-Archive"), "true") {
		// Silently storing the archive would look like success; say so instead.
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "X-Explode-Archive is not supported by the emulator")
		return
	}

	sent := clientChecksums(r.Header)
	var sums checksums
	var size, bodyBytes int64
	if strings.EqualFold(r.Header.Get("X-Checksum-Deploy"), "true") {
		_, _ = io.Copy(io.Discard, r.Body) // clients send none; never count it as content
		var ok bool
		sums, size, ok = e.blobs.lookup(sent)
		if !ok || (sent.SHA1 == "" && sent.SHA256 == "" && sent.MD5 == "") {
			writeError(w, surfaceArtifactory, http.StatusNotFound,
				fmt.Sprintf("Checksum deploy failed: no binary with checksum %s is stored. Deploy the content instead.", describeSums(sent)))
			return
		}
	} else {
		pb, err := e.blobs.write(r.Body)
		if err != nil {
			writeError(w, surfaceArtifactory, http.StatusInternalServerError, "Failed to store artifact content: "+err.Error())
			return
		}
		if bad := mismatch(sent, pb.sums); bad != "" && policy != "server-generated-checksums" {
			pb.discard()
			writeError(w, surfaceArtifactory, http.StatusConflict, fmt.Sprintf(
				"Checksum policy 'LocalRepoChecksumPolicy: CLIENT' rejected the artifact '%s:%s'. Checksums info: %s",
				targetKey, rpath.path, bad))
			return
		}
		if err := pb.commit(); err != nil {
			writeError(w, surfaceArtifactory, http.StatusInternalServerError, "Failed to store artifact content: "+err.Error())
			return
		}
		sums, size, bodyBytes = pb.sums, pb.size, pb.size
	}

	it, status, msg := e.putFile(p, targetKey, rpath.path, sums, sent, size, rpath.matrix)
	if it == nil {
		writeError(w, surfaceArtifactory, status, msg)
		return
	}
	e.mu.Lock()
	e.lastDeploy[targetKey+"/"+rpath.path] = bodyBytes
	e.mu.Unlock()

	base := artifactoryBase(r)
	resp := itemCreated{
		Repo: targetKey, Path: "/" + rpath.path, Created: fmtTime(it.created), CreatedBy: it.createdBy,
		DownloadURI: base + "/" + targetKey + "/" + escapePath(rpath.path), MimeType: it.mimeType,
		Size: fmt.Sprint(it.size), Checksums: sumsJSON(it.sums), OriginalChecksums: sumsJSON(it.orig),
		URI: base + "/api/storage/" + targetKey + "/" + escapePath(rpath.path),
	}
	w.Header().Set("Location", resp.DownloadURI)
	writeJSONType(w, http.StatusCreated, itemCreatedType, resp)
}

// putFile records a deployed file. Overwriting different content needs the
// delete permission, as in Artifactory ("delete/overwrite"); re-deploying
// identical content does not (reference §2.2, KB on checksum deploy).
func (e *Emulator) putFile(p *principal, repoKey, path string, sums, sent checksums, size int64, props map[string][]string) (*item, int, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rp := e.repos[strings.ToLower(repoKey)]
	if rp == nil {
		return nil, http.StatusNotFound, fmt.Sprintf("Repository '%s' not found", repoKey)
	}
	for dir := parentPath(path); dir != ""; dir = parentPath(dir) {
		if it := rp.items[dir]; it != nil && !it.folder {
			return nil, http.StatusConflict, fmt.Sprintf("Cannot deploy '%s:%s': parent '%s' is a file", rp.key, path, dir)
		}
	}
	if old := rp.items[path]; old != nil {
		if old.folder {
			return nil, http.StatusConflict, fmt.Sprintf("Cannot deploy '%s:%s': a folder exists at that path", rp.key, path)
		}
		if old.sums.SHA256 != sums.SHA256 && !p.can(actDelete, rp.key) {
			return nil, http.StatusForbidden, fmt.Sprintf(
				"Not enough permissions to delete/overwrite artifact '%s:%s' (user: '%s' needs DELETE permission).", rp.key, path, p.name())
		}
	}
	now := e.now()
	rp.ensureFolders(path, p.name(), now)
	if props == nil {
		props = map[string][]string{}
	}
	it := &item{
		path: path, size: size, sums: sums, orig: sent, mimeType: mimeTypeFor(path),
		created: now, createdBy: p.name(), modified: now, modifiedBy: p.name(), updated: now, propsMod: now,
		props: props,
	}
	rp.items[path] = it
	cp := *it
	return &cp, 0, ""
}

func (e *Emulator) deployFolder(w http.ResponseWriter, r *http.Request, p *principal, repoKey string, rpath repoPath) {
	e.mu.Lock()
	rp := e.repos[strings.ToLower(repoKey)]
	var it item
	status, msg := 0, ""
	switch {
	case rp == nil:
		status, msg = http.StatusNotFound, fmt.Sprintf("Repository '%s' not found", repoKey)
	case fileInTheWay(rp, rpath.path) != "":
		status, msg = http.StatusConflict, fmt.Sprintf("Cannot create folder '%s:%s': '%s' is a file", rp.key, rpath.path, fileInTheWay(rp, rpath.path))
	default:
		now := e.now()
		if rpath.path != "" {
			rp.ensureFolders(rpath.path+"/x", p.name(), now) // creates the folder and its parents
		}
		f := rp.items[rpath.path]
		for k, v := range rpath.matrix {
			f.props[k] = v
		}
		it = *f
	}
	e.mu.Unlock()
	if status != 0 {
		writeError(w, surfaceArtifactory, status, msg)
		return
	}
	base := artifactoryBase(r)
	p2 := escapePath(rpath.path)
	if p2 != "" {
		p2 += "/"
	}
	writeJSONType(w, http.StatusCreated, itemCreatedType, itemCreated{
		Repo: repoKey, Path: "/" + strings.TrimPrefix(rpath.path+"/", "/"), Created: fmtTime(it.created), CreatedBy: it.createdBy,
		URI: base + "/api/storage/" + repoKey + "/" + p2,
	})
}

// mismatch describes client checksums that differ from the content, or "".
func mismatch(sent, actual checksums) string {
	var parts []string
	check := func(name, s, a string) {
		if s != "" && s != a {
			parts = append(parts, fmt.Sprintf("[%s client: %s server: %s]", name, s, a))
		}
	}
	check("sha1", sent.SHA1, actual.SHA1)
	check("sha256", sent.SHA256, actual.SHA256)
	check("md5", sent.MD5, actual.MD5)
	return strings.Join(parts, " ")
}

func describeSums(c checksums) string {
	var parts []string
	if c.SHA256 != "" {
		parts = append(parts, "sha256:"+c.SHA256)
	}
	if c.SHA1 != "" {
		parts = append(parts, "sha1:"+c.SHA1)
	}
	if c.MD5 != "" {
		parts = append(parts, "md5:"+c.MD5)
	}
	if len(parts) == 0 {
		return "(none sent)"
	}
	return strings.Join(parts, ", ")
}

// fileInTheWay returns p or the first ancestor of p that is a file, or "".
func fileInTheWay(rp *repo, p string) string {
	for dir := p; dir != ""; dir = parentPath(dir) {
		if it := rp.items[dir]; it != nil && !it.folder {
			return dir
		}
	}
	return ""
}
