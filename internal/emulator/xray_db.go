package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Artifact scan states (reference §3.5).
const (
	xrayNotScanned = "NOT_SCANNED"
	xrayPending    = "PENDING"
	xrayScanning   = "SCANNING"
	xrayDone       = "DONE"
	xrayFailed     = "FAILED"
)

// xrayDB is the emulated Xray: a vulnerability database, what each piece of
// content contains, and build scans. Its clock is the emulator's plus an
// offset tests move with AdvanceXrayClock, so scans progress without sleeping.
type xrayDB struct {
	mu       sync.Mutex
	offset   time.Duration
	pending  time.Duration
	scanning time.Duration
	buildDur time.Duration

	comps   map[string]SeedComponent
	vulns   []SeedVulnerability
	bySHA   map[string]*xrayContent // sha256 -> contents
	byName  []xrayNameRule          // file-name globs, in seed order
	builds  map[string]*xrayBuild   // buildKey -> build
	watches []SeedWatch

	triggers map[string]int // buildKey -> build-scan triggers received
}

type xrayContent struct {
	components []string
	failed     bool
}

type xrayNameRule struct {
	glob string
	c    *xrayContent
}

type xrayBuild struct {
	seed       SeedXrayBuild
	components []string
	// started is when the last scan began on the Xray clock; zero means
	// none (a seeded "scanned" build has one that ended long ago).
	started time.Time
}

func buildKey(name, number, project string) string { return name + "\x00" + number + "\x00" + project }

func newXrayDB() *xrayDB {
	return &xrayDB{pending: 2 * time.Second, scanning: 3 * time.Second, buildDur: 3 * time.Second,
		comps: map[string]SeedComponent{}, bySHA: map[string]*xrayContent{}, builds: map[string]*xrayBuild{}, triggers: map[string]int{}}
}

func seconds(f *float64, def time.Duration) time.Duration {
	if f == nil {
		return def
	}
	return time.Duration(*f * float64(time.Second))
}

// loadXray fills the database from the seed's xray section. Artifacts named
// by repo and path must already be seeded. Must be called with e.mu held.
func (e *Emulator) loadXray(raw json.RawMessage) error {
	s, err := parseSeedXray(raw)
	if err != nil {
		return err
	}
	db := e.xdb
	db.mu.Lock()
	defer db.mu.Unlock()
	if sc := s.Scan; sc != nil {
		db.pending = seconds(sc.PendingSeconds, db.pending)
		db.scanning = seconds(sc.ScanningSeconds, db.scanning)
		db.buildDur = seconds(sc.BuildSeconds, db.buildDur)
	}
	for _, c := range s.Components {
		db.comps[c.ID] = c
	}
	db.vulns = append(db.vulns, s.Vulnerabilities...)
	itemAt := func(repoKey, p string) (*item, error) {
		rp := e.repos[strings.ToLower(repoKey)]
		if rp == nil {
			return nil, fmt.Errorf("seed xray: no repository %q", repoKey)
		}
		it := rp.items[strings.Trim(p, "/")]
		if it == nil || it.folder {
			return nil, fmt.Errorf("seed xray: no file %s/%s among the seeded artifacts", repoKey, p)
		}
		return it, nil
	}
	for _, a := range s.Artifacts {
		c := &xrayContent{components: a.Components, failed: a.Scan == "failed"}
		switch {
		case a.Name != "":
			db.byName = append(db.byName, xrayNameRule{glob: a.Name, c: c})
		case a.SHA256 != "":
			db.bySHA[strings.ToLower(a.SHA256)] = c
		default:
			it, err := itemAt(a.Repo, a.Path)
			if err != nil {
				return err
			}
			db.bySHA[it.sums.SHA256] = c
		}
	}
	for _, b := range s.Builds {
		xb := &xrayBuild{seed: b, components: append([]string(nil), b.Components...)}
		for _, ref := range b.Artifacts {
			repoKey, p, _ := strings.Cut(ref, "/")
			it, err := itemAt(repoKey, p)
			if err != nil {
				return fmt.Errorf("build %s/%s: %w", b.Name, b.Number, err)
			}
			if c := db.contentOf(it); c != nil {
				xb.components = append(xb.components, c.components...)
			}
		}
		if b.Scanned {
			xb.started = time.Unix(0, 0)
		}
		db.builds[buildKey(b.Name, b.Number, b.Project)] = xb
	}
	db.watches = append(db.watches, s.Watches...)
	return nil
}

// AdvanceXrayClock moves Xray's clock forward: scans that would finish in d
// finish now.
func (e *Emulator) AdvanceXrayClock(d time.Duration) {
	e.xdb.mu.Lock()
	defer e.xdb.mu.Unlock()
	e.xdb.offset += d
}

// BuildScanTriggers is how many build-scan requests (POST api/v2/ci/build)
// Xray received for a build.
func (e *Emulator) BuildScanTriggers(name, number string) int {
	e.xdb.mu.Lock()
	defer e.xdb.mu.Unlock()
	n := 0
	for k, c := range e.xdb.triggers {
		if strings.HasPrefix(k, name+"\x00"+number+"\x00") {
			n += c
		}
	}
	return n
}

// xnow is the Xray clock. Must be called with db.mu held.
func (e *Emulator) xnow() time.Time { return e.now().Add(e.xdb.offset) }

// contentOf is what Xray found in an item. Must be called with db.mu held.
func (db *xrayDB) contentOf(it *item) *xrayContent {
	if c := db.bySHA[it.sums.SHA256]; c != nil {
		return c
	}
	for _, r := range db.byName {
		if globMatch(r.glob, it.name()) {
			return r.c
		}
	}
	return nil
}

func xrayIndexed(rp *repo) bool {
	on, _ := rp.cfg["xrayIndex"].(bool)
	return on
}

// artifactState is the scan state of an item and when it was reached. Must
// be called with e.mu (read) and db.mu held.
func (e *Emulator) artifactState(rp *repo, it *item) (string, time.Time) {
	if !xrayIndexed(rp) {
		return xrayNotScanned, time.Time{}
	}
	db := e.xdb
	now := e.xnow()
	switch t := it.created; {
	case now.Before(t.Add(db.pending)):
		return xrayPending, t
	case now.Before(t.Add(db.pending + db.scanning)):
		return xrayScanning, t.Add(db.pending)
	}
	done := it.created.Add(db.pending + db.scanning)
	if c := db.contentOf(it); c != nil && c.failed {
		return xrayFailed, done
	}
	return xrayDone, done
}

// buildState is "" (never scanned), SCANNING or DONE. Must be called with
// db.mu held.
func (e *Emulator) buildState(b *xrayBuild) (string, time.Time) {
	switch {
	case b.started.IsZero():
		return "", time.Time{}
	case e.xnow().Before(b.started.Add(e.xdb.buildDur)):
		return xrayScanning, b.started
	}
	return xrayDone, b.started.Add(e.xdb.buildDur)
}

// issuesFor returns the vulnerabilities affecting any of comps, each once,
// in seed order, with the affected components among comps.
func (db *xrayDB) issuesFor(comps []string) []xrayIssue {
	have := map[string]bool{}
	for _, c := range comps {
		have[c] = true
	}
	var out []xrayIssue
	for _, v := range db.vulns {
		var hit []SeedAffectedComp
		for _, c := range v.Components {
			if have[c.ID] {
				hit = append(hit, c)
			}
		}
		if len(hit) > 0 {
			out = append(out, xrayIssue{v: v, comps: hit})
		}
	}
	return out
}

type xrayIssue struct {
	v     SeedVulnerability
	comps []SeedAffectedComp
}
