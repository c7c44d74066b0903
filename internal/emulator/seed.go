package emulator

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Seed is the emulator's initial data. The JSON format is documented in
// README.md. Unknown top-level keys are rejected so typos do not silently
// seed nothing; "builds" is a list of SeedBuild, "xray" is reserved and kept raw.
type Seed struct {
	Repositories []map[string]any `json:"repositories,omitempty"`
	Users        []SeedUser       `json:"users,omitempty"`
	Artifacts    []SeedArtifact   `json:"artifacts,omitempty"`
	Builds       json.RawMessage  `json:"builds,omitempty"`
	Xray         json.RawMessage  `json:"xray,omitempty"`
}

// SeedUser is a user and the permissions their tokens carry.
type SeedUser struct {
	Name        string           `json:"name"`
	Password    string           `json:"password,omitempty"`
	APIKey      string           `json:"apiKey,omitempty"`
	Admin       bool             `json:"admin,omitempty"`
	Permissions []SeedPermission `json:"permissions,omitempty"`
}

// SeedPermission grants actions (read, write|deploy, delete, annotate,
// manage) on repositories whose keys match any of the globs in Repos.
type SeedPermission struct {
	Repos   []string `json:"repos"`
	Actions []string `json:"actions"`
}

// SeedArtifact is a file to pre-deploy. Content is literal text; if it is
// empty and Size > 0, Size deterministic pseudo-random bytes derived from
// repo/path are generated (streamed, so large sizes are fine).
type SeedArtifact struct {
	Repo       string              `json:"repo"`
	Path       string              `json:"path"`
	Content    string              `json:"content,omitempty"`
	Size       int64               `json:"size,omitempty"`
	Properties map[string][]string `json:"properties,omitempty"`
	Created    string              `json:"created,omitempty"` // RFC 3339; default: the emulator clock
	CreatedBy  string              `json:"createdBy,omitempty"`
}

// ParseSeed decodes and validates seed JSON.
func ParseSeed(data []byte) (*Seed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("parse seed: %w (top-level keys allowed: repositories, users, artifacts, builds, xray)", err)
	}
	if dec.More() {
		return nil, errors.New("parse seed: trailing data after the JSON object")
	}
	for i, a := range s.Artifacts {
		if a.Content != "" && a.Size != 0 && int64(len(a.Content)) != a.Size {
			return nil, fmt.Errorf("parse seed: artifact %d (%s/%s): give content or size, not both", i, a.Repo, a.Path)
		}
		if a.Size < 0 {
			return nil, fmt.Errorf("parse seed: artifact %d (%s/%s): negative size", i, a.Repo, a.Path)
		}
	}
	return &s, nil
}

// LoadSeedFile reads and parses a seed file.
func LoadSeedFile(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load seed: %w", err)
	}
	return ParseSeed(data)
}

//go:embed demo_seed.json
var demoSeedJSON []byte

// DemoSeed returns the demo data used by `jfrog-mcp --sandbox`.
func DemoSeed() *Seed {
	s, err := ParseSeed(demoSeedJSON)
	if err != nil {
		panic(fmt.Sprintf("emulator: embedded demo seed is invalid: %v", err))
	}
	return s
}

func (e *Emulator) applySeed(s *Seed) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	// Virtual repos reference others, so create them last whatever the order.
	repos := append([]map[string]any(nil), s.Repositories...)
	sort.SliceStable(repos, func(i, j int) bool {
		return repos[i]["rclass"] != "virtual" && repos[j]["rclass"] == "virtual"
	})
	for i, cfg := range repos {
		key, _ := cfg["key"].(string)
		c, err := cloneConfig(cfg)
		if err != nil {
			return fmt.Errorf("seed repository %d: %w", i, err)
		}
		if err := e.createRepo(key, c); err != nil {
			return fmt.Errorf("seed repository %q: %w", key, err)
		}
	}
	for _, su := range s.Users {
		if su.Name == "" {
			return errors.New("seed user: name is required")
		}
		u := &user{name: su.Name, password: su.Password, apiKey: su.APIKey, admin: su.Admin}
		for _, sp := range su.Permissions {
			acts, err := parseActions(sp.Actions)
			if err != nil {
				return fmt.Errorf("seed user %q: %w", su.Name, err)
			}
			u.perms = append(u.perms, grant{repos: sp.Repos, actions: acts})
		}
		if existing := e.users[su.Name]; existing != nil && su.Name == AdminUsername {
			u.admin = true // the built-in admin stays an admin
		}
		e.users[su.Name] = u
	}
	for i, a := range s.Artifacts {
		if err := e.seedArtifact(a); err != nil {
			return fmt.Errorf("seed artifact %d (%s/%s): %w", i, a.Repo, a.Path, err)
		}
	}
	if err := e.seedBuilds(s.Builds); err != nil {
		return err
	}
	e.builds, e.xray = s.Builds, s.Xray
	return nil
}

// seedArtifact stores one artifact. Must be called with e.mu held.
func (e *Emulator) seedArtifact(a SeedArtifact) error {
	rp, status, msg := e.deployTarget(a.Repo)
	if rp == nil {
		return fmt.Errorf("%s (HTTP %d)", msg, status)
	}
	path := strings.Trim(a.Path, "/")
	if path == "" {
		return errors.New("path is required")
	}
	if f := fileInTheWay(rp, parentPath(path)); f != "" {
		return fmt.Errorf("'%s' is a file", f)
	}
	var src io.Reader = strings.NewReader(a.Content)
	if a.Content == "" && a.Size > 0 {
		src = io.LimitReader(newGenReader(rp.key+"/"+path), a.Size)
	}
	pb, err := e.blobs.write(src)
	if err != nil {
		return err
	}
	if err := pb.commit(); err != nil {
		return err
	}
	created := e.now()
	if a.Created != "" {
		if created, err = time.Parse(time.RFC3339Nano, a.Created); err != nil {
			return fmt.Errorf("created: %w", err)
		}
	}
	by := a.CreatedBy
	if by == "" {
		by = AdminUsername
	}
	for k := range a.Properties {
		if err := validatePropKey(k); err != nil {
			return err
		}
	}
	rp.ensureFolders(path, by, created)
	props := copyProps(a.Properties)
	rp.items[path] = &item{path: path, size: pb.size, sums: pb.sums, mimeType: mimeTypeFor(path),
		created: created, createdBy: by, modified: created, modifiedBy: by, updated: created, propsMod: created, props: props}
	return nil
}

// genReader yields deterministic bytes: SHA-256 in counter mode over a seed.
type genReader struct {
	seed [32]byte
	ctr  uint64
	buf  []byte
}

func newGenReader(name string) *genReader { return &genReader{seed: sha256.Sum256([]byte(name))} }

func (g *genReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(g.buf) == 0 {
			var block [40]byte
			copy(block[:], g.seed[:])
			binary.BigEndian.PutUint64(block[32:], g.ctr)
			g.ctr++
			sum := sha256.Sum256(block[:])
			g.buf = sum[:]
		}
		c := copy(p[n:], g.buf)
		g.buf = g.buf[c:]
		n += c
	}
	return n, nil
}
