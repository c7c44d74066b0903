// Package emulator is an in-process JFrog Platform (Artifactory, Xray, Access)
// that speaks the REST API the way real servers do: same paths, status codes,
// headers, field names and error bodies. Tests, evals and `jfrog-mcp --sandbox`
// run against it instead of a real JFrog instance.
//
// Metadata lives in memory behind one mutex; artifact bytes live on disk in a
// content-addressed blob store so checksum deploy and very large uploads work
// without holding content in memory.
package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// Versions reported by the version endpoints. They are recent real releases so
// that clients which branch on version (JCG picks the Xray scan-results API by
// xray_version) take their modern code paths.
const (
	ArtifactoryVersion  = "7.104.5"
	artifactoryRevision = "710405900" // same scheme as "7.101.2 710102900" seen on real servers
	XrayVersion         = "3.107.8"
	xrayRevision        = "5735964"
	AccessVersion       = "7.133.5"
	accessRevision      = "71335900"
)

// AdminUsername is the built-in administrator every emulator has, seeded or not.
const AdminUsername = "admin"

// Options configures an Emulator.
type Options struct {
	// DataDir holds the blob store. "" means a temporary directory that Close removes.
	DataDir string
	// Seed is optional initial data (repositories, users, artifacts).
	Seed *Seed
	// Logger receives debug/diagnostic records; nil discards them. Tokens are never logged.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. Tests pass a fake clock.
	Now func() time.Time
	// Persist keeps the metadata in DataDir/state.json across restarts; a
	// saved state is used instead of Seed. It needs a DataDir.
	Persist bool
	// AdminToken, when set, is the admin's token instead of a new one (so a
	// client's configuration outlives a restart even without Persist).
	AdminToken string
}

// RecordedRequest is one request the emulator received.
type RecordedRequest struct {
	Method   string
	Path     string // escaped path as received, e.g. /artifactory/generic-local/a%20b.txt;k=v
	RawQuery string
	Status   int // 0 when the connection was reset by a fault
	Time     time.Time
}

// Emulator is an http.Handler serving /artifactory, /xray and /access.
type Emulator struct {
	log     *slog.Logger
	now     func() time.Time
	dataDir string
	ownsDir bool
	blobs   *blobStore
	faults  *Faults

	// platformID identifies this "installation": it appears in token subjects
	// (jfac@<id>) and in X-Artifactory-Id.
	platformID string
	adminToken string

	mu         sync.RWMutex
	repos      map[string]*repo // lower-cased key -> repo
	users      map[string]*user
	tokens     map[string]*tokenInfo // token string -> info
	lastDeploy map[string]int64      // "<repo>/<path>" -> body bytes of the last deploy
	builds     []byte                // reserved seed section, stored raw for later steps
	xray       []byte                // reserved seed section, stored raw for later steps

	reqMu       sync.Mutex
	requests    []RecordedRequest
	buildBodies [][]byte // build-info publish bodies as received

	closeOnce sync.Once
	persist   *persister
}

// New builds an emulator, creating its data directory and loading opts.Seed.
func New(opts Options) (*Emulator, error) {
	e := &Emulator{
		log:        opts.Logger,
		now:        opts.Now,
		faults:     &Faults{},
		platformID: randomHex(13),
		repos:      map[string]*repo{},
		users:      map[string]*user{},
		tokens:     map[string]*tokenInfo{},
		lastDeploy: map[string]int64{},
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.dataDir = opts.DataDir
	if e.dataDir == "" {
		dir, err := os.MkdirTemp("", "jfrog-emulator-")
		if err != nil {
			return nil, fmt.Errorf("create emulator data dir: %w", err)
		}
		e.dataDir, e.ownsDir = dir, true
	}
	bs, err := newBlobStore(e.dataDir)
	if err != nil {
		e.Close()
		return nil, err
	}
	e.blobs = bs
	e.users[AdminUsername] = &user{name: AdminUsername, password: "password", admin: true}
	tok, err := e.mintToken(AdminUsername)
	if err != nil {
		e.Close()
		return nil, err
	}
	e.adminToken = tok
	restored := false
	if opts.Persist {
		if opts.DataDir == "" {
			e.Close()
			return nil, errors.New("emulator: Persist needs a DataDir")
		}
		if restored, err = e.loadState(); err != nil {
			e.Close()
			return nil, err
		}
	}
	if opts.Seed != nil && !restored {
		if err := e.applySeed(opts.Seed); err != nil {
			e.Close()
			return nil, err
		}
	}
	if opts.AdminToken != "" {
		e.setAdminToken(opts.AdminToken)
	}
	if opts.Persist {
		e.startPersister(500 * time.Millisecond)
		e.changed() // the seeded or restored state, with its admin token, is on disk at once
	}
	return e, nil
}

// setAdminToken makes tok a token of the built-in admin, and the one
// AdminToken returns.
func (e *Emulator) setAdminToken(tok string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens[tok] = &tokenInfo{id: newUUID(), username: AdminUsername, scope: "applied-permissions/admin", issuedAt: e.now().Unix()}
	e.adminToken = tok
}

// AdminToken returns an access token with admin rights (a 3-part JWT).
func (e *Emulator) AdminToken() string { return e.adminToken }

// MintToken issues an access token for an existing user. The token carries
// exactly that user's permissions.
func (e *Emulator) MintToken(username string) (string, error) {
	return e.mintToken(username)
}

// Faults returns the fault-injection controller.
func (e *Emulator) Faults() *Faults { return e.faults }

// DeployBodyBytes reports how many body bytes the last deploy to repo/path
// received; 0 after a checksum deploy or when nothing was deployed there.
func (e *Emulator) DeployBodyBytes(repo, path string) int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	r := e.repos[strings.ToLower(repo)]
	if r == nil {
		return 0
	}
	return e.lastDeploy[r.key+"/"+strings.Trim(path, "/")]
}

// Requests returns a copy of the request log.
func (e *Emulator) Requests() []RecordedRequest {
	e.reqMu.Lock()
	defer e.reqMu.Unlock()
	return append([]RecordedRequest(nil), e.requests...)
}

// ResetRequests empties the request log.
func (e *Emulator) ResetRequests() {
	e.reqMu.Lock()
	defer e.reqMu.Unlock()
	e.requests = nil
}

func (e *Emulator) record(rr RecordedRequest) {
	e.reqMu.Lock()
	defer e.reqMu.Unlock()
	e.requests = append(e.requests, rr)
}

// Close releases the emulator; it removes the data dir only if New created it.
func (e *Emulator) Close() error {
	var err error
	e.closeOnce.Do(func() {
		err = e.stopPersister()
		if e.ownsDir {
			err = os.RemoveAll(e.dataDir)
		}
	})
	return err
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		panic(errors.New("emulator: crypto/rand failed"))
	}
	return hex.EncodeToString(b)[:n]
}
