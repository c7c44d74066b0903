package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// fileInfo is GET api/storage/<repo>/<file> (reference §2.4); size is a
// string because JCG unmarshals it into a string field.
type fileInfo struct {
	URI               string        `json:"uri"`
	DownloadURI       string        `json:"downloadUri"`
	Repo              string        `json:"repo"`
	Path              string        `json:"path"`
	RemoteURL         string        `json:"remoteUrl,omitempty"`
	Created           string        `json:"created"`
	CreatedBy         string        `json:"createdBy"`
	LastModified      string        `json:"lastModified"`
	ModifiedBy        string        `json:"modifiedBy"`
	LastUpdated       string        `json:"lastUpdated"`
	Size              string        `json:"size"`
	MimeType          string        `json:"mimeType"`
	Checksums         *checksumJSON `json:"checksums"`
	OriginalChecksums *checksumJSON `json:"originalChecksums,omitempty"`
}

type folderInfo struct {
	URI          string        `json:"uri"`
	Repo         string        `json:"repo"`
	Path         string        `json:"path"`
	Created      string        `json:"created"`
	CreatedBy    string        `json:"createdBy"`
	LastModified string        `json:"lastModified"`
	ModifiedBy   string        `json:"modifiedBy"`
	LastUpdated  string        `json:"lastUpdated"`
	Children     []folderChild `json:"children"`
}

type folderChild struct {
	URI    string `json:"uri"`
	Folder bool   `json:"folder"`
}

// listFile is one entry of ?list; size is a NUMBER here (JCG json.Number),
// -1 for folders as on real servers.
type listFile struct {
	URI          string            `json:"uri"`
	Size         int64             `json:"size"`
	LastModified string            `json:"lastModified"`
	Folder       bool              `json:"folder"`
	SHA1         string            `json:"sha1,omitempty"`
	SHA2         string            `json:"sha2,omitempty"`
	MdTimestamps map[string]string `json:"mdTimestamps,omitempty"`
}

type fileList struct {
	URI     string     `json:"uri"`
	Created string     `json:"created"`
	Files   []listFile `json:"files"`
}

// storageView is what a storage request needs, copied under the lock.
type storageView struct {
	asked *repo
	owner *repo
	it    *item
	kids  []*item // direct children (merged across members for virtual repos)
	tree  []*item // the subtree, for ?list
}

const errNoItem = "Unable to find item"

func (e *Emulator) handleStorage(w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	if rest == "" {
		writeError(w, surfaceArtifactory, http.StatusNotFound, "Not Found")
		return
	}
	rpath, err := parseRepoPath(rest)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	_, q, present := rawQueryParams(r.URL.RawQuery)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPut, http.MethodDelete:
		if !present["properties"] {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, "The 'properties' query parameter is required")
			return
		}
		e.changeProps(w, r, p, rpath, q)
		return
	default:
		writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}

	v := e.storageLookup(rpath, present["list"])
	if v.asked == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, errNoItem)
		return
	}
	if !p.can(actRead, v.asked.key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf(
			"Not enough permissions to read '%s:%s' (user '%s' needs READ permission).", v.asked.key, rpath.path, p.name()))
		return
	}
	if v.it == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, errNoItem)
		return
	}
	base := artifactoryBase(r)
	storageURI := strings.TrimSuffix(base+"/api/storage/"+v.asked.key+"/"+escapePath(v.it.path), "/")
	switch {
	case present["properties"]:
		e.getProps(w, v.it, q["properties"], storageURI)
	case present["list"]:
		writeFileList(w, v, q, storageURI)
	case present["stats"]:
		writeJSON(w, http.StatusOK, map[string]any{"uri": storageURI, "downloadCount": 0, "lastDownloaded": 0,
			"lastDownloadedBy": nil, "remoteDownloadCount": 0, "remoteLastDownloaded": 0})
	case present["lastModified"]:
		writeJSON(w, http.StatusOK, map[string]string{"uri": storageURI, "lastModified": fmtTime(v.it.modified)})
	case v.it.folder:
		info := folderInfo{URI: storageURI, Repo: v.asked.key, Path: "/" + v.it.path,
			Created: fmtTime(v.it.created), CreatedBy: v.it.createdBy, LastModified: fmtTime(v.it.modified),
			ModifiedBy: v.it.modifiedBy, LastUpdated: fmtTime(v.it.updated), Children: []folderChild{}}
		for _, k := range v.kids {
			info.Children = append(info.Children, folderChild{URI: "/" + k.name(), Folder: k.folder})
		}
		writeJSONType(w, http.StatusOK, "application/vnd.org.jfrog.artifactory.storage.FolderInfo+json", info)
	default:
		it := v.it
		info := fileInfo{URI: storageURI, DownloadURI: base + "/" + v.asked.key + "/" + escapePath(it.path),
			Repo: v.asked.key, Path: "/" + it.path, Created: fmtTime(it.created), CreatedBy: it.createdBy,
			LastModified: fmtTime(it.modified), ModifiedBy: it.modifiedBy, LastUpdated: fmtTime(it.updated),
			Size: strconv.FormatInt(it.size, 10), MimeType: it.mimeType, Checksums: sumsJSON(it.sums),
			OriginalChecksums: sumsJSON(it.orig)}
		writeJSONType(w, http.StatusOK, "application/vnd.org.jfrog.artifactory.storage.FileInfo+json", info)
	}
}

// storageLookup resolves the item and copies what the response needs.
func (e *Emulator) storageLookup(rpath repoPath, wantTree bool) storageView {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var v storageView
	v.asked = e.repos[strings.ToLower(rpath.repo)]
	if v.asked == nil {
		return v
	}
	v.owner, v.it = e.resolve(rpath.repo, rpath.path)
	if v.it == nil || !v.it.folder {
		return v
	}
	// Virtual repos show the union of their members' children (JFrog docs,
	// Get Folder Info); the first member wins on a name clash.
	sources := []*repo{v.owner}
	if v.asked.rclass() == "virtual" {
		sources = nil
		for _, m := range v.asked.members() {
			if mr := e.repos[strings.ToLower(m)]; mr != nil && mr.items[rpath.path] != nil {
				sources = append(sources, mr)
			}
		}
	}
	seen := map[string]bool{}
	for _, src := range sources {
		for _, c := range src.children(rpath.path) {
			if !seen[c.path] {
				seen[c.path] = true
				cp := *c
				v.kids = append(v.kids, &cp)
			}
		}
		if wantTree {
			for _, c := range src.subtree(rpath.path) {
				if !seen["\x00"+c.path] {
					seen["\x00"+c.path] = true
					cp := *c
					cp.props = copyProps(c.props)
					v.tree = append(v.tree, &cp)
				}
			}
		}
	}
	sort.Slice(v.kids, func(i, j int) bool { return v.kids[i].path < v.kids[j].path })
	sort.Slice(v.tree, func(i, j int) bool { return v.tree[i].path < v.tree[j].path })
	return v
}

// writeFileList serves ?list[&deep=1][&depth=N][&listFolders=1][&mdTimestamps=1][&includeRootPath=1].
func writeFileList(w http.ResponseWriter, v storageView, q map[string]string, storageURI string) {
	if !v.it.folder {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Expected a folder but found a file: "+v.it.path)
		return
	}
	flag := func(k string) bool { return q[k] == "1" || strings.EqualFold(q[k], "true") }
	deep, listFolders, mdTS, rootPath := flag("deep"), flag("listFolders"), flag("mdTimestamps"), flag("includeRootPath")
	maxDepth := 1
	if deep {
		maxDepth = 1 << 30
		if d, err := strconv.Atoi(q["depth"]); err == nil && d > 0 {
			maxDepth = d
		}
	}
	out := fileList{URI: storageURI, Created: fmtTime(v.it.created), Files: []listFile{}}
	entry := func(it *item, uri string) listFile {
		f := listFile{URI: uri, Size: -1, LastModified: fmtTime(it.modified), Folder: it.folder}
		if !it.folder {
			f.Size, f.SHA1, f.SHA2 = it.size, it.sums.SHA1, it.sums.SHA256
		}
		if mdTS && !it.propsMod.IsZero() && len(it.props) > 0 {
			f.MdTimestamps = map[string]string{"properties": fmtTime(it.propsMod)}
		}
		return f
	}
	if rootPath {
		out.Files = append(out.Files, entry(v.it, "/"))
	}
	base := v.it.path
	items := v.tree
	if !deep {
		items = v.kids
	}
	for _, it := range items {
		if it.path == base {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(it.path, base), "/")
		if strings.Count(rel, "/")+1 > maxDepth || (it.folder && !listFolders) {
			continue
		}
		out.Files = append(out.Files, entry(it, "/"+rel))
	}
	writeJSONType(w, http.StatusOK, "application/vnd.org.jfrog.artifactory.storage.FileList+json", out)
}
