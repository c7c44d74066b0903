package tools

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/localfs"
)

// A download is written to a part file beside its target,
// ".<name>.jfrog-mcp-<16 hex>.part", locked (flock) for as long as the
// download runs, and renamed into place when verified. A process killed
// mid-download leaves its part file behind, unlocked: the next download to
// that directory removes it, and so does the server's start for the
// directories of the local roots. The lock, not the age, tells a live
// download from a leftover, so a slow download is never removed under it;
// where no locks exist, only part files older than staleAge are removed.
const (
	partTag  = ".jfrog-mcp-"
	partExt  = ".part"
	staleAge = time.Hour
	// maxScanned bounds the entries one directory scan looks at, and the
	// start's walk of each root; a huge directory is cleaned in part.
	maxScanned = 20000
	// maxWalkedDirs and maxWalkDepth bound the start's walk of each root.
	maxWalkedDirs = 200
	maxWalkDepth  = 3
)

func partName(target string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "." + target + partTag + hex.EncodeToString(b[:]) + partExt
}

// isPartName recognises the part files this server makes, and no other.
func isPartName(n string) bool {
	if !strings.HasPrefix(n, ".") || !strings.HasSuffix(n, partExt) {
		return false
	}
	base := strings.TrimSuffix(n[1:], partExt)
	i := strings.LastIndex(base, partTag)
	if i <= 0 {
		return false
	}
	tag := base[i+len(partTag):]
	_, err := hex.DecodeString(tag)
	return len(tag) == 16 && err == nil
}

// partFile is a download in progress, locked.
type partFile struct {
	dir  *localfs.Dir
	name string
	f    *os.File
}

// createPart removes the leftovers in dir, then creates and locks a new part
// file for target.
func createPart(dir *localfs.Dir, target string) (*partFile, error) {
	removeLeftovers(dir, 0, time.Now())
	for range 3 {
		name := partName(target)
		f, err := dir.Create(name, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		// A cleaner that found the file before it was locked removed it (it
		// removes only what it holds locked); then the name leads nowhere.
		lerr := localfs.Lock(f)
		cur, err1 := dir.Lstat(name)
		mine, err2 := localfs.StatFile(f)
		if err1 == nil && err2 == nil && cur.SameFile(mine) {
			_ = lerr // no lock (ENOLCK on some network file systems): cleaners skip what they cannot lock
			return &partFile{dir: dir, name: name, f: f}, nil
		}
		_ = f.Close()
	}
	return nil, errors.New("could not create a temporary file that stays")
}

// discard removes the part file of a failed download.
func (p *partFile) discard() {
	_ = p.dir.Remove(p.name)
	_ = p.f.Close()
}

// removeLeftovers removes dir's part files that no live download holds and
// that are at least olderThan old (staleAge at least, where nothing locks).
// It returns how many it removed.
func removeLeftovers(dir *localfs.Dir, olderThan time.Duration, now time.Time) int {
	if !localfs.Locks && olderThan < staleAge {
		olderThan = staleAge
	}
	names, _ := dir.Names(maxScanned)
	removed := 0
	for _, n := range names {
		if isPartName(n) && removeLeftover(dir, n, olderThan, now) {
			removed++
		}
	}
	return removed
}

func removeLeftover(dir *localfs.Dir, name string, olderThan time.Duration, now time.Time) bool {
	f, err := dir.OpenEntry(name)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := localfs.StatFile(f)
	if err != nil || !info.IsRegular() || now.Sub(info.ModTime) < olderThan {
		return false
	}
	if localfs.Locks {
		if got, err := localfs.TryLock(f); err != nil || !got {
			return false // a download is writing it
		}
	}
	// Holding the lock, remove the name only if it is still this file.
	if cur, err := dir.Lstat(name); err != nil || !cur.SameFile(info) {
		return false
	}
	return dir.Remove(name) == nil
}

// RemoveStaleParts removes the part files of killed downloads that are
// older than olderThan from the local roots, at start. The work is bounded:
// each root and its subdirectories down to maxWalkDepth levels, at most
// maxWalkedDirs directories and maxScanned entries per root, skipping
// hidden directories and following no symlink. Deeper directories are
// cleaned by the next download into them. It returns how many it removed.
func RemoveStaleParts(roots []string, olderThan time.Duration, logger *slog.Logger) int {
	removed := 0
	for _, root := range roots {
		removed += removeStaleUnder(root, olderThan, logger)
	}
	if removed > 0 {
		logger.Info("removed part files of interrupted downloads", "count", removed)
	}
	return removed
}

func removeStaleUnder(root string, olderThan time.Duration, logger *slog.Logger) int {
	d, err := localfs.OpenRoot(root)
	if err != nil {
		logger.Warn("cannot look for leftover part files", "root", root, "err", err)
		return 0
	}
	type level struct {
		dir   *localfs.Dir
		depth int
	}
	queue := []level{{d, 0}}
	removed, dirs, scanned, now := 0, 0, 0, time.Now()
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		dirs++
		names, _ := cur.dir.Names(maxScanned - scanned)
		scanned += len(names)
		for _, n := range names {
			if isPartName(n) {
				if removeLeftover(cur.dir, n, olderThan, now) {
					removed++
				}
				continue
			}
			if strings.HasPrefix(n, ".") || cur.depth >= maxWalkDepth || dirs+len(queue) >= maxWalkedDirs {
				continue
			}
			if st, err := cur.dir.Lstat(n); err == nil && st.IsDir() {
				if sub, err := cur.dir.OpenDir(n); err == nil {
					queue = append(queue, level{sub, cur.depth + 1})
				}
			}
		}
		_ = cur.dir.Close()
		if scanned >= maxScanned {
			break
		}
	}
	for _, l := range queue {
		_ = l.dir.Close()
	}
	return removed
}
