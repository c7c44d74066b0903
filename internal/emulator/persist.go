package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// The emulator's metadata (repositories, items, properties, tokens) lives
// in memory; with Options.Persist it is also kept in <DataDir>/state.json,
// next to the blob store, so `jfrog-mcp emulator --data DIR` can be stopped
// and started again. Build infos are items of the build-info repository and
// come back with it. The file is rewritten shortly after each change and on
// Close, atomically (a temporary file renamed over it): a crash loses at
// most the last moment, never the file.
const stateFile = "state.json"

// stateVersion changes when the file's shape does; an older file is not
// read (the emulator says so rather than guess).
const stateVersion = 1

type persistedState struct {
	Version    int              `json:"version"`
	PlatformID string           `json:"platform_id"`
	AdminToken string           `json:"admin_token"`
	Users      []SeedUser       `json:"users"`
	Tokens     []persistedToken `json:"tokens"`
	Repos      []persistedRepo  `json:"repositories"`
}

type persistedToken struct {
	Token    string `json:"token"`
	ID       string `json:"id"`
	Username string `json:"username"`
	Scope    string `json:"scope"`
	IssuedAt int64  `json:"issued_at"`
}

type persistedRepo struct {
	Key    string          `json:"key"`
	Config map[string]any  `json:"config"`
	Items  []persistedItem `json:"items"`
}

type persistedItem struct {
	Path       string              `json:"path"`
	Folder     bool                `json:"folder,omitempty"`
	Size       int64               `json:"size,omitempty"`
	Sums       checksums           `json:"sums"`
	Orig       checksums           `json:"orig"`
	MimeType   string              `json:"mime_type,omitempty"`
	Created    time.Time           `json:"created"`
	CreatedBy  string              `json:"created_by,omitempty"`
	Modified   time.Time           `json:"modified"`
	ModifiedBy string              `json:"modified_by,omitempty"`
	Updated    time.Time           `json:"updated"`
	PropsMod   time.Time           `json:"props_mod"`
	Props      map[string][]string `json:"props,omitempty"`
}

// persister writes the state file after changes, at most every interval.
type persister struct {
	path     string
	interval time.Duration
	mu       sync.Mutex // one writer at a time
	dirty    chan struct{}
	stop     chan struct{}
	done     chan struct{}
}

func statePath(dataDir string) string { return filepath.Join(dataDir, stateFile) }

// loadState restores a saved state into e; it reports false when there is
// none (a new data directory, which the seed then fills).
func (e *Emulator) loadState() (bool, error) {
	b, err := os.ReadFile(statePath(e.dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read emulator state: %w", err)
	}
	var st persistedState
	if err := json.Unmarshal(b, &st); err != nil {
		return false, fmt.Errorf("emulator state %s is not valid JSON (%v): remove it to start from the seed again", statePath(e.dataDir), err)
	}
	if st.Version != stateVersion {
		return false, fmt.Errorf("emulator state %s is version %d, this emulator reads %d: remove it to start from the seed again", statePath(e.dataDir), st.Version, stateVersion)
	}
	if err := e.applySeed(&Seed{Users: st.Users}); err != nil {
		return false, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.platformID, e.adminToken = st.PlatformID, st.AdminToken
	e.tokens = map[string]*tokenInfo{}
	for _, t := range st.Tokens {
		e.tokens[t.Token] = &tokenInfo{id: t.ID, username: t.Username, scope: t.Scope, issuedAt: t.IssuedAt}
	}
	for _, pr := range st.Repos {
		rp := &repo{key: pr.Key, cfg: pr.Config, items: map[string]*item{}}
		for _, pi := range pr.Items {
			props := pi.Props
			if props == nil {
				props = map[string][]string{}
			}
			rp.items[pi.Path] = &item{path: pi.Path, folder: pi.Folder, size: pi.Size, sums: pi.Sums, orig: pi.Orig, mimeType: pi.MimeType,
				created: pi.Created, createdBy: pi.CreatedBy, modified: pi.Modified, modifiedBy: pi.ModifiedBy, updated: pi.Updated, propsMod: pi.PropsMod, props: props}
		}
		e.repos[strings.ToLower(pr.Key)] = rp
	}
	return true, nil
}

// snapshotState copies what is saved, under the read lock.
func (e *Emulator) snapshotState() persistedState {
	e.mu.RLock()
	defer e.mu.RUnlock()
	st := persistedState{Version: stateVersion, PlatformID: e.platformID, AdminToken: e.adminToken}
	for _, u := range e.users {
		su := SeedUser{Name: u.name, Password: u.password, APIKey: u.apiKey, Admin: u.admin}
		for _, g := range u.perms {
			sp := SeedPermission{Repos: g.repos}
			for a, on := range g.actions {
				if on {
					sp.Actions = append(sp.Actions, a)
				}
			}
			sort.Strings(sp.Actions)
			su.Permissions = append(su.Permissions, sp)
		}
		st.Users = append(st.Users, su)
	}
	sort.Slice(st.Users, func(i, j int) bool { return st.Users[i].Name < st.Users[j].Name })
	for tok, t := range e.tokens {
		st.Tokens = append(st.Tokens, persistedToken{Token: tok, ID: t.id, Username: t.username, Scope: t.scope, IssuedAt: t.issuedAt})
	}
	sort.Slice(st.Tokens, func(i, j int) bool { return st.Tokens[i].ID < st.Tokens[j].ID })
	for _, rp := range e.repos {
		pr := persistedRepo{Key: rp.key, Config: rp.cfg}
		for _, it := range rp.items {
			pr.Items = append(pr.Items, persistedItem{Path: it.path, Folder: it.folder, Size: it.size, Sums: it.sums, Orig: it.orig, MimeType: it.mimeType,
				Created: it.created, CreatedBy: it.createdBy, Modified: it.modified, ModifiedBy: it.modifiedBy, Updated: it.updated, PropsMod: it.propsMod, Props: it.props})
		}
		sort.Slice(pr.Items, func(i, j int) bool { return pr.Items[i].Path < pr.Items[j].Path })
		st.Repos = append(st.Repos, pr)
	}
	sort.Slice(st.Repos, func(i, j int) bool { return st.Repos[i].Key < st.Repos[j].Key })
	return st
}

// saveState writes the state file atomically.
func (e *Emulator) saveState() error {
	p := e.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	b, err := json.Marshal(e.snapshotState())
	if err != nil {
		return fmt.Errorf("encode emulator state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p.path), ".state-*.json")
	if err != nil {
		return fmt.Errorf("save emulator state: %w", err)
	}
	_, werr := tmp.Write(b)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p.path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("save emulator state: %w", werr)
	}
	return nil
}

// startPersister saves the state after changes, at most every interval.
func (e *Emulator) startPersister(interval time.Duration) {
	e.persist = &persister{path: statePath(e.dataDir), interval: interval,
		dirty: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		p := e.persist
		defer close(p.done)
		for {
			select {
			case <-p.stop:
				return
			case <-p.dirty:
			}
			if err := e.saveState(); err != nil {
				e.log.Error("emulator state not saved", "err", err)
			}
			select {
			case <-p.stop:
				return
			case <-time.After(p.interval):
			}
		}
	}()
}

// changed notes that a request may have changed the state.
func (e *Emulator) changed() {
	if e.persist == nil {
		return
	}
	select {
	case e.persist.dirty <- struct{}{}:
	default: // a save is pending already
	}
}

// stopPersister ends the background saver and writes the final state.
func (e *Emulator) stopPersister() error {
	if e.persist == nil {
		return nil
	}
	close(e.persist.stop)
	<-e.persist.done
	return e.saveState()
}
