// Package jcg drives JFrog's own Go client, jfrog-client-go, against the
// emulator over real HTTP. The emulator is this project's ground truth for
// what JFrog servers say; if JFrog's client cannot work a flow against it,
// the emulator is wrong, whatever our own client thinks. It is a module of
// its own so that the product does not depend on jfrog-client-go.
package jcg

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jfrog/jfrog-client-go/access"
	accessauth "github.com/jfrog/jfrog-client-go/access/auth"
	"github.com/jfrog/jfrog-client-go/artifactory"
	rtauth "github.com/jfrog/jfrog-client-go/artifactory/auth"
	"github.com/jfrog/jfrog-client-go/artifactory/services"
	"github.com/jfrog/jfrog-client-go/artifactory/services/utils"
	"github.com/jfrog/jfrog-client-go/auth"
	"github.com/jfrog/jfrog-client-go/config"
	"github.com/jfrog/jfrog-client-go/utils/io/content"
	"github.com/jfrog/jfrog-client-go/utils/log"
	"github.com/jfrog/jfrog-client-go/xray"
	xrayauth "github.com/jfrog/jfrog-client-go/xray/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func TestMain(m *testing.M) {
	// JCG logs to stdout by default, and logs the refusals this test provokes
	// as errors; the test checks what JCG returns instead. JCG_LOG=1 shows it.
	var w io.Writer = io.Discard
	if os.Getenv("JCG_LOG") != "" {
		w = os.Stderr
	}
	log.SetLogger(log.NewLogger(log.DEBUG, w))
	os.Exit(m.Run())
}

// specialValue has the separators of JFrog's property syntax that JCG can
// carry in a deploy's matrix parameters, plus '+', a space and non-ASCII. Not
// ',' or '\': JCG query-escapes them only, and Artifactory reads an escaped
// ',' as a value separator and '\' as an escape (reference §2.2, §2.5), so
// JCG itself cannot send them as data.
const specialValue = "a;b=c|e f ü+x"

func seed() *emulator.Seed {
	return &emulator.Seed{
		Repositories: []map[string]any{
			{"key": "generic-local", "rclass": "local", "packageType": "generic"},
			{"key": "target-local", "rclass": "local", "packageType": "generic"},
		},
		Users: []emulator.SeedUser{
			{Name: "reader", Password: "reader-password", Permissions: []emulator.SeedPermission{{Repos: []string{"*"}, Actions: []string{"read"}}}},
		},
	}
}

func details(d auth.ServiceDetails, url, user, password string) auth.ServiceDetails {
	d.SetUrl(url + "/")
	d.SetUser(user)
	d.SetPassword(password)
	return d
}

func build(t *testing.T, d auth.ServiceDetails) config.Config {
	t.Helper()
	cfg, err := config.NewConfigBuilder().SetServiceDetails(d).SetThreads(3).SetHttpRetries(0).SetContext(t.Context()).Build()
	require.NoError(t, err)
	return cfg
}

func artifactoryAs(t *testing.T, url, user, password string) artifactory.ArtifactoryServicesManager {
	t.Helper()
	m, err := artifactory.New(build(t, details(rtauth.NewArtifactoryDetails(), url+"/artifactory", user, password)))
	require.NoError(t, err)
	return m
}

// items drains a JCG content reader.
func items(t *testing.T, r *content.ContentReader) []utils.ResultItem {
	t.Helper()
	defer r.Close()
	var out []utils.ResultItem
	for it := new(utils.ResultItem); r.NextRecord(it) == nil; it = new(utils.ResultItem) {
		out = append(out, *it)
	}
	require.NoError(t, r.GetError())
	return out
}

func paths(its []utils.ResultItem) []string {
	var out []string
	for _, it := range its {
		out = append(out, it.Repo+"/"+strings.TrimPrefix(it.Path+"/", "./")+it.Name)
	}
	sort.Strings(out)
	return out
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func TestJFrogClientAgainstEmulator(t *testing.T) {
	srv := emulatortest.Start(t, seed())
	rt := artifactoryAs(t, srv.URL, "admin", "password")

	local := t.TempDir()
	small := []byte("hello from jfrog-client-go\n")
	big := randomBytes(t, 64<<10) // above JCG's 10 KiB checksum-deploy threshold
	writeFile(t, filepath.Join(local, "dir", "a.txt"), small)
	writeFile(t, filepath.Join(local, "dir", "sub", "b.bin"), big)
	writeFile(t, filepath.Join(local, "dir", "skip.log"), []byte("not uploaded"))

	t.Run("system", func(t *testing.T) {
		pong, err := rt.Ping()
		require.NoError(t, err)
		assert.Equal(t, "OK", string(pong))
		v, err := rt.GetVersion()
		require.NoError(t, err)
		assert.Equal(t, emulator.ArtifactoryVersion, v)
		id, err := rt.GetServiceId()
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(id, "jfrt@"), id)
	})

	t.Run("upload with pattern, exclusions and properties", func(t *testing.T) {
		props := utils.NewProperties()
		props.AddProperty("release.note", specialValue)
		props.AddProperty("team", "core")
		p := services.NewUploadParams()
		p.Pattern = filepath.Join(local, "dir", "(*)")
		p.Target = "generic-local/up/{1}"
		p.Recursive = true
		p.Exclusions = []string{"*.log"}
		p.TargetProps = props
		p.BuildProps = "build.name=jcg-build;build.number=7;build.timestamp=1764115200000"
		ok, failed, err := rt.UploadFiles(artifactory.UploadServiceOptions{FailFast: true}, p)
		require.NoError(t, err)
		assert.Equal(t, 2, ok)
		assert.Equal(t, 0, failed)

		info, err := rt.FileInfo("generic-local/up/sub/b.bin")
		require.NoError(t, err)
		assert.Equal(t, "65536", info.Size)
		assert.Len(t, info.Checksums.Sha256, 64)
		assert.Len(t, info.Checksums.Sha1, 40)
		assert.Len(t, info.Checksums.Md5, 32)
		assert.Equal(t, int64(len(big)), srv.Emu.DeployBodyBytes("generic-local", "up/sub/b.bin"))

		got, err := rt.GetItemProps("generic-local/up/a.txt")
		require.NoError(t, err)
		assert.Equal(t, []string{specialValue}, got.Properties["release.note"], "the value round-trips through JCG's encoding")
		assert.Equal(t, []string{"core"}, got.Properties["team"])
		assert.Equal(t, []string{"jcg-build"}, got.Properties["build.name"])
		assert.Equal(t, []string{"7"}, got.Properties["build.number"])
	})

	t.Run("known content is deployed by checksum", func(t *testing.T) {
		writeFile(t, filepath.Join(local, "again", "copy-of-b.bin"), big)
		since := len(srv.Emu.Requests())
		p := services.NewUploadParams()
		p.Pattern = filepath.Join(local, "again", "copy-of-b.bin")
		p.Target = "generic-local/again/"
		p.Flat = true
		ok, failed, err := rt.UploadFiles(artifactory.UploadServiceOptions{FailFast: true}, p)
		require.NoError(t, err)
		assert.Equal(t, [2]int{1, 0}, [2]int{ok, failed})
		assert.Zero(t, srv.Emu.DeployBodyBytes("generic-local", "again/copy-of-b.bin"))
		var puts []emulator.RecordedRequest
		for _, r := range srv.Emu.Requests()[since:] {
			if r.Method == "PUT" {
				puts = append(puts, r)
			}
		}
		require.Len(t, puts, 1, "one checksum deploy, no upload after it")
		assert.Equal(t, 201, puts[0].Status)
	})

	t.Run("a file large enough for a multipart upload goes in one piece", func(t *testing.T) {
		// JCG asks api/v1/uploads/config whether the storage takes multipart
		// uploads (S3 or GCP only) for files above MinSplitSize; a
		// filesystem-backed Artifactory says no and JCG does a plain PUT.
		data := randomBytes(t, 2<<20)
		writeFile(t, filepath.Join(local, "large", "l.bin"), data)
		p := services.NewUploadParams()
		p.Pattern = filepath.Join(local, "large", "l.bin")
		p.Target = "generic-local/large/l.bin"
		p.MinSplitSize = 1 << 20
		since := len(srv.Emu.Requests())
		ok, failed, err := rt.UploadFiles(artifactory.UploadServiceOptions{FailFast: true}, p)
		require.NoError(t, err)
		assert.Equal(t, [2]int{1, 0}, [2]int{ok, failed})
		asked := false
		for _, r := range srv.Emu.Requests()[since:] {
			asked = asked || (r.Path == "/artifactory/api/v1/uploads/config" && r.Status == 200)
		}
		assert.True(t, asked, "JCG asked whether multipart uploads are supported")
		assert.Equal(t, int64(len(data)), srv.Emu.DeployBodyBytes("generic-local", "large/l.bin"))
		info, err := rt.FileInfo("generic-local/large/l.bin")
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(len(data)), info.Size)
		del := services.NewDeleteParams()
		del.Pattern = "generic-local/large/"
		toDelete, err := rt.GetPathsToDelete(del)
		require.NoError(t, err)
		_, err = rt.DeleteFiles(toDelete)
		require.NoError(t, toDelete.Close())
		require.NoError(t, err)
	})

	t.Run("search by pattern, exclusions, properties, sort and limit", func(t *testing.T) {
		search := func(p utils.CommonParams) []string {
			r, err := rt.SearchFiles(services.SearchParams{CommonParams: &p})
			require.NoError(t, err)
			return paths(items(t, r))
		}
		assert.Equal(t, []string{"generic-local/again/copy-of-b.bin", "generic-local/up/a.txt", "generic-local/up/sub/b.bin"},
			search(utils.CommonParams{Pattern: "generic-local/*", Recursive: true}))
		assert.Equal(t, []string{"generic-local/up/a.txt"},
			search(utils.CommonParams{Pattern: "generic-local/up/*", Recursive: false}))
		assert.Equal(t, []string{"generic-local/again/copy-of-b.bin"},
			search(utils.CommonParams{Pattern: "generic-local/*.bin", Recursive: true, Exclusions: []string{"*/sub/*"}}))
		assert.Equal(t, []string{"generic-local/up/a.txt", "generic-local/up/sub/b.bin"},
			search(utils.CommonParams{Pattern: "generic-local/*", Recursive: true, Props: "team=core"}))
		assert.Equal(t, []string{"generic-local/up/a.txt", "generic-local/up/sub/b.bin"},
			search(utils.CommonParams{Pattern: "generic-local/*", Recursive: true, Props: "release.note=a\\;b=c|e f ü+x"}),
			"a property value with an escaped ';'")
		assert.Equal(t, []string{"generic-local/again/copy-of-b.bin"},
			search(utils.CommonParams{Pattern: "generic-local/*", Recursive: true, ExcludeProps: "build.name=jcg-build"}))
		// With a wildcard, JCG sends {"$ne":{"$match":..}}, an operator inside an
		// operator. Real Artifactory answers 400 "Failed to parse query" (jfrog-cli
		// issue #2462, jfrog-cli-artifactory issue #234), and so must the emulator.
		p := utils.CommonParams{Pattern: "generic-local/*", Recursive: true, ExcludeProps: "build.name=jcg-*"}
		_, err := rt.SearchFiles(services.SearchParams{CommonParams: &p})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "server response: 400")
		// JCG quotes the JSON error body as it came, escapes included.
		assert.Contains(t, err.Error(), `it looks like there is syntax error near the following sub-query: {\"$match\":\"jcg-*\"}}}]`)
		assert.Equal(t, []string{"generic-local/up/sub/b.bin"},
			search(utils.CommonParams{Pattern: "generic-local/*", Recursive: true, SortBy: []string{"name"}, SortOrder: "desc", Limit: 1, Offset: 1}),
			"names descending: copy-of-b.bin, b.bin, a.txt; offset 1, limit 1")
	})

	t.Run("download, whole and in ranges", func(t *testing.T) {
		for _, split := range []int{0, 3} {
			dst := t.TempDir()
			p := services.NewDownloadParams()
			p.Pattern = "generic-local/up/*"
			p.Recursive = true
			p.Target = dst + "/"
			p.SplitCount = split
			p.MinSplitSize = 16 // KiB: b.bin (64 KiB) goes in ranges when split > 0
			ok, failed, err := rt.DownloadFiles(p)
			require.NoError(t, err)
			assert.Equal(t, [2]int{2, 0}, [2]int{ok, failed}, "split %d", split)
			got, err := os.ReadFile(filepath.Join(dst, "up", "sub", "b.bin"))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(big, got), "split %d: b.bin differs", split)
			got, err = os.ReadFile(filepath.Join(dst, "up", "a.txt"))
			require.NoError(t, err)
			assert.Equal(t, small, got)
		}
		rc, err := rt.ReadRemoteFile("generic-local/up/a.txt")
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, rc.Close())
		require.NoError(t, err)
		assert.Equal(t, small, got)
	})

	t.Run("set and delete properties on search results", func(t *testing.T) {
		find := func() *content.ContentReader {
			r, err := rt.SearchFiles(services.SearchParams{CommonParams: &utils.CommonParams{Pattern: "generic-local/up/*", Recursive: true}})
			require.NoError(t, err)
			return r
		}
		r := find()
		n, err := rt.SetProps(services.PropsParams{Reader: r, Props: `qa=passed;tags=x\,y,z;note=a\;b=c\,d e ü+1`})
		require.NoError(t, r.Close())
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		got, err := rt.GetItemProps("generic-local/up/sub/b.bin")
		require.NoError(t, err)
		assert.Equal(t, []string{"passed"}, got.Properties["qa"])
		assert.ElementsMatch(t, []string{"x,y", "z"}, got.Properties["tags"], "an escaped comma is data, a bare one separates values")
		assert.Equal(t, []string{"a;b=c,d e ü+1"}, got.Properties["note"])

		r = find()
		n, err = rt.DeleteProps(services.PropsParams{Reader: r, Props: "qa,tags,note"})
		require.NoError(t, r.Close())
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		got, err = rt.GetItemProps("generic-local/up/sub/b.bin")
		require.NoError(t, err)
		assert.NotContains(t, got.Properties, "qa")
		assert.NotContains(t, got.Properties, "tags")
		assert.NotContains(t, got.Properties, "note")
		assert.Contains(t, got.Properties, "team", "other properties stay")

		// An item without properties: JCG expects Artifactory's 404 "No
		// properties could be found" and turns it into no answer, no error.
		got, err = rt.GetItemProps("generic-local/again/copy-of-b.bin")
		require.NoError(t, err)
		assert.Nil(t, got)
		_, err = rt.GetItemProps("generic-local/no/such/item")
		assert.ErrorContains(t, err, "404", "a missing item is still an error")
	})

	t.Run("storage info and file list", func(t *testing.T) {
		folder, err := rt.FolderInfo("generic-local/up")
		require.NoError(t, err)
		var children []string
		for _, c := range folder.Children {
			children = append(children, c.Uri)
		}
		assert.ElementsMatch(t, []string{"/a.txt", "/sub"}, children)
		list, err := rt.FileList("generic-local/up", utils.FileListParams{Deep: true})
		require.NoError(t, err)
		var files []string
		for _, f := range list.Files {
			files = append(files, f.Uri+" "+f.Size.String())
		}
		assert.ElementsMatch(t, []string{"/a.txt " + strconv.Itoa(len(small)), "/sub/b.bin 65536"}, files)
	})

	t.Run("aql", func(t *testing.T) {
		rc, err := rt.Aql(`items.find({"repo":"generic-local","name":{"$match":"*.bin"}}).include("name","size").sort({"$asc":["name"]})`)
		require.NoError(t, err)
		defer rc.Close()
		var res struct {
			Results []struct {
				Name string `json:"name"`
				Size int64  `json:"size"`
			} `json:"results"`
			Range struct {
				Total int `json:"total"`
			} `json:"range"`
		}
		require.NoError(t, json.NewDecoder(rc).Decode(&res))
		require.Len(t, res.Results, 2)
		assert.Equal(t, "b.bin", res.Results[0].Name)
		assert.Equal(t, int64(65536), res.Results[0].Size)
		assert.Equal(t, 2, res.Range.Total)
	})

	t.Run("folders: search with directories, copy a tree, delete a folder", func(t *testing.T) {
		r, err := rt.SearchFiles(services.SearchParams{CommonParams: &utils.CommonParams{Pattern: "generic-local/up/*", Recursive: true, IncludeDirs: true}})
		require.NoError(t, err)
		var folders []string
		for _, it := range items(t, r) {
			if it.Type == "folder" {
				folders = append(folders, it.Repo+"/"+it.Path+"/"+it.Name)
			}
		}
		assert.Equal(t, []string{"generic-local/up/sub"}, folders)

		cp := services.NewMoveCopyParams()
		cp.Pattern = "generic-local/up/"
		cp.Target = "target-local/tree/"
		cp.Recursive = true
		ok, failed, err := rt.Copy(cp)
		require.NoError(t, err)
		assert.Zero(t, failed)
		assert.Positive(t, ok)
		r, err = rt.SearchFiles(services.SearchParams{CommonParams: &utils.CommonParams{Pattern: "target-local/tree/*", Recursive: true}})
		require.NoError(t, err)
		assert.Equal(t, []string{"target-local/tree/up/a.txt", "target-local/tree/up/sub/b.bin"}, paths(items(t, r)), "the tree keeps its shape")

		del := services.NewDeleteParams()
		del.Pattern = "target-local/tree/"
		toDelete, err := rt.GetPathsToDelete(del)
		require.NoError(t, err)
		_, err = rt.DeleteFiles(toDelete)
		require.NoError(t, toDelete.Close())
		require.NoError(t, err)
		// JCG deletes what is inside the folder a pattern ends on; the
		// folder stays, empty, as Artifactory keeps empty folders.
		tree, err := rt.FolderInfo("target-local/tree")
		require.NoError(t, err)
		assert.Empty(t, tree.Children)
	})

	t.Run("copy, move and delete", func(t *testing.T) {
		cp := services.NewMoveCopyParams()
		cp.Pattern = "generic-local/up/*.txt"
		cp.Target = "target-local/copied/"
		cp.Recursive = true
		cp.Flat = true
		ok, failed, err := rt.Copy(cp)
		require.NoError(t, err)
		assert.Equal(t, [2]int{1, 0}, [2]int{ok, failed})

		mv := services.NewMoveCopyParams()
		mv.Pattern = "generic-local/again/*"
		mv.Target = "target-local/moved/"
		mv.Flat = true
		ok, failed, err = rt.Move(mv)
		require.NoError(t, err)
		assert.Equal(t, [2]int{1, 0}, [2]int{ok, failed})

		r, err := rt.SearchFiles(services.SearchParams{CommonParams: &utils.CommonParams{Pattern: "target-local/*", Recursive: true}})
		require.NoError(t, err)
		assert.Equal(t, []string{"target-local/copied/a.txt", "target-local/moved/copy-of-b.bin"}, paths(items(t, r)))
		_, err = rt.FileInfo("generic-local/again/copy-of-b.bin")
		assert.Error(t, err, "moved away")
		_, err = rt.FileInfo("generic-local/up/a.txt")
		assert.NoError(t, err, "copied, still there")

		del := services.NewDeleteParams()
		del.Pattern = "target-local/*"
		del.Recursive = true
		toDelete, err := rt.GetPathsToDelete(del)
		require.NoError(t, err)
		n, err := rt.DeleteFiles(toDelete)
		require.NoError(t, toDelete.Close())
		require.NoError(t, err)
		assert.Positive(t, n)
		r, err = rt.SearchFiles(services.SearchParams{CommonParams: &utils.CommonParams{Pattern: "target-local/*", Recursive: true}})
		require.NoError(t, err)
		assert.Empty(t, items(t, r))
	})

	t.Run("repositories", func(t *testing.T) {
		all, err := rt.GetAllRepositories()
		require.NoError(t, err)
		var keys []string
		for _, r := range *all {
			keys = append(keys, r.Key)
		}
		assert.ElementsMatch(t, []string{"generic-local", "target-local"}, keys)

		params := services.NewGenericLocalRepositoryParams()
		params.Key = "made-by-jcg-local"
		params.Description = "created through jfrog-client-go"
		require.NoError(t, rt.CreateLocalRepository().Generic(params))
		exists, err := rt.IsRepoExists("made-by-jcg-local")
		require.NoError(t, err)
		assert.True(t, exists)
		var got services.RepositoryDetails
		require.NoError(t, rt.GetRepository("made-by-jcg-local", &got))
		assert.Equal(t, "local", got.GetRepoType())
		assert.Equal(t, "generic", got.PackageType)
		assert.Equal(t, "created through jfrog-client-go", got.Description)
		require.NoError(t, rt.DeleteRepository("made-by-jcg-local"))
		exists, err = rt.IsRepoExists("made-by-jcg-local")
		require.NoError(t, err)
		assert.False(t, exists)
	})

	t.Run("a read-only user is refused", func(t *testing.T) {
		reader := artifactoryAs(t, srv.URL, "reader", "reader-password")
		p := services.NewUploadParams()
		p.Pattern = filepath.Join(local, "dir", "a.txt")
		p.Target = "generic-local/denied/"
		p.Flat = true
		ok, failed, err := reader.UploadFiles(artifactory.UploadServiceOptions{}, p)
		assert.Equal(t, [2]int{0, 1}, [2]int{ok, failed}, "err: %v", err)
		_, err = rt.FileInfo("generic-local/denied/a.txt")
		assert.Error(t, err, "nothing was stored")

		r, err := reader.SearchFiles(services.SearchParams{CommonParams: &utils.CommonParams{Pattern: "generic-local/up/*"}})
		require.NoError(t, err)
		assert.Equal(t, []string{"generic-local/up/a.txt"}, paths(items(t, r)), "reading is allowed")
	})

	t.Run("xray and access", func(t *testing.T) {
		xr, err := xray.New(build(t, details(xrayauth.NewXrayDetails(), srv.URL+"/xray", "admin", "password")))
		require.NoError(t, err)
		v, err := xr.GetVersion()
		require.NoError(t, err)
		assert.Equal(t, emulator.XrayVersion, v)
		ac, err := access.New(build(t, details(accessauth.NewAccessDetails(), srv.URL+"/access", "admin", "password")))
		require.NoError(t, err)
		pong, err := ac.Ping()
		require.NoError(t, err)
		assert.Equal(t, "OK", string(pong))
	})
}
