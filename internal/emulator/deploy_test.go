package emulator_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

type sums struct{ sha1, sha256, md5 string }

func digest(content string) sums {
	a, b, c := sha1.Sum([]byte(content)), sha256.Sum256([]byte(content)), md5.Sum([]byte(content))
	return sums{hex.EncodeToString(a[:]), hex.EncodeToString(b[:]), hex.EncodeToString(c[:])}
}

func TestDeployWithSha256Header(t *testing.T) {
	s := demo(t)
	content := "hello, artifactory\n"
	d := digest(content)
	resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/dir/file.txt", s.AdminToken,
		strings.NewReader(content), map[string]string{"X-Checksum-Sha256": d.sha256})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	assert.Equal(t, "application/vnd.org.jfrog.artifactory.storage.ItemCreated+json", resp.Header.Get("Content-Type"))
	m := decode(t, body)
	assert.Equal(t, "generic-local", m["repo"])
	assert.Equal(t, "/dir/file.txt", m["path"])
	assert.Equal(t, "19", m["size"], "size is a string in ItemCreated")
	assert.Equal(t, "admin", m["createdBy"])
	assert.Equal(t, "text/plain", m["mimeType"])
	assert.Equal(t, map[string]any{"sha1": d.sha1, "sha256": d.sha256, "md5": d.md5}, m["checksums"])
	assert.Equal(t, map[string]any{"sha256": d.sha256}, m["originalChecksums"], "only the checksums the client sent")
	assert.Equal(t, s.URL+"/artifactory/api/storage/generic-local/dir/file.txt", m["uri"])
	assert.Equal(t, s.URL+"/artifactory/generic-local/dir/file.txt", m["downloadUri"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, m["created"])
	assert.EqualValues(t, len(content), s.Emu.DeployBodyBytes("generic-local", "dir/file.txt"))
}

// JCG sends sha1 and md5 in their own headers and sha256 in the generic
// X-Checksum header (artifactoryutils.go AddChecksumHeaders).
func TestDeployJCGChecksumHeaders(t *testing.T) {
	s := demo(t)
	content := "jcg style"
	d := digest(content)
	resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/jcg.bin", s.AdminToken, strings.NewReader(content),
		map[string]string{"X-Checksum-Sha1": d.sha1, "X-Checksum-Md5": d.md5, "X-Checksum": d.sha256})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	assert.Equal(t, map[string]any{"sha1": d.sha1, "sha256": d.sha256, "md5": d.md5}, decode(t, body)["originalChecksums"])

	// The generic header carrying sha256 is checked too.
	resp, body = call(t, http.MethodPut, s.URL+"/artifactory/generic-local/jcg2.bin", s.AdminToken, strings.NewReader(content),
		map[string]string{"X-Checksum": strings.Repeat("0", 64)})
	assert.Equal(t, http.StatusConflict, resp.StatusCode, string(body))
}

func TestChecksumDeploy(t *testing.T) {
	s := demo(t)
	content := strings.Repeat("x", 20<<10) // JCG only checksum-deploys files >= 10 KiB
	d := digest(content)
	resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/orig.bin", s.AdminToken, strings.NewReader(content), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))

	t.Run("known checksum links without a body", func(t *testing.T) {
		resp, body := call(t, http.MethodPut, s.URL+"/artifactory/app-staging-local/copy.bin", s.AdminToken, nil, map[string]string{
			"X-Checksum-Deploy": "true", "X-Checksum-Sha1": d.sha1, "X-Checksum-Md5": d.md5, "X-Checksum": d.sha256})
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
		m := decode(t, body)
		assert.Equal(t, "20480", m["size"])
		assert.Equal(t, d.sha256, m["checksums"].(map[string]any)["sha256"])
		assert.Zero(t, s.Emu.DeployBodyBytes("app-staging-local", "copy.bin"))

		resp, got := call(t, http.MethodGet, s.URL+"/artifactory/app-staging-local/copy.bin", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, content, string(got))
	})
	t.Run("by sha1 only", func(t *testing.T) {
		resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/by-sha1.bin", s.AdminToken, nil, map[string]string{
			"X-Checksum-Deploy": "true", "X-Checksum-Sha1": d.sha1})
		assert.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	})
	t.Run("unknown checksum is 404", func(t *testing.T) {
		resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/nope.bin", s.AdminToken, nil, map[string]string{
			"X-Checksum-Deploy": "true", "X-Checksum": strings.Repeat("a", 64)})
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Contains(t, string(body), "Checksum deploy failed")
		resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/api/storage/generic-local/nope.bin", s.AdminToken, nil, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func TestChecksumMismatchIs409(t *testing.T) {
	s := demo(t)
	resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/bad.txt", s.AdminToken, strings.NewReader("abc"),
		map[string]string{"X-Checksum-Sha1": strings.Repeat("1", 40)})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, string(body), "Checksum policy 'LocalRepoChecksumPolicy: CLIENT' rejected the artifact 'generic-local:bad.txt'")
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/generic-local/bad.txt", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "a rejected deploy stores nothing")
}

func TestDeployPermissions(t *testing.T) {
	s := demo(t)
	dev, err := s.Emu.MintToken("dev")
	require.NoError(t, err)
	reader, err := s.Emu.MintToken("reader")
	require.NoError(t, err)
	tests := []struct {
		name, token, path string
		want              int
	}{
		{"reader cannot write", reader, "/artifactory/generic-local/r.txt", http.StatusForbidden},
		{"dev cannot write prod", dev, "/artifactory/app-prod-local/x.txt", http.StatusForbidden},
		{"dev writes staging", dev, "/artifactory/app-staging-local/x.txt", http.StatusCreated},
		{"dev writes snapshots", dev, "/artifactory/libs-snapshot-local/a/1.0-SNAPSHOT/a.jar", http.StatusCreated},
		{"password auth has the same rights", "reader:reader-password", "/artifactory/app-staging-local/y.txt", http.StatusForbidden},
		{"remote repos refuse deploys", s.AdminToken, "/artifactory/pypi-remote/x.whl", http.StatusBadRequest},
		{"virtual deploys to its default repo", s.AdminToken, "/artifactory/libs-release/org/v/1/v-1.jar", http.StatusCreated},
		{"missing repo", s.AdminToken, "/artifactory/no-such-repo/x", http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, http.MethodPut, s.URL+tc.path, tc.token, strings.NewReader("data"), nil)
			require.Equal(t, tc.want, resp.StatusCode, string(body))
			if tc.want == http.StatusForbidden {
				assert.Contains(t, string(body), `"status" : 403`)
			}
		})
	}
	resp, _ := call(t, http.MethodGet, s.URL+"/artifactory/api/storage/libs-release-local/org/v/1/v-1.jar", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "virtual deploy landed in defaultDeploymentRepo")

}

func TestMatrixParamsBecomeProperties(t *testing.T) {
	s := demo(t)
	// As JCG builds it: the path is escaped (a literal ';' in a name is %3B),
	// matrix params are appended raw and their values query-escaped.
	path := "/artifactory/generic-local/m/a%3Bb%20c.txt;build.name=my+build;build.number=42;multi=v1%2Cv2;esc=x%5C%2Cy;rep=1;rep=2"
	resp, body := call(t, http.MethodPut, rawURL(t, s.URL, path, ""), s.AdminToken, strings.NewReader("m"), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	assert.Equal(t, "/m/a;b c.txt", decode(t, body)["path"])

	resp, body = call(t, http.MethodGet, rawURL(t, s.URL, "/artifactory/api/storage/generic-local/m/a%3Bb%20c.txt", "properties"), s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, map[string]any{
		"build.name": []any{"my build"}, "build.number": []any{"42"}, "multi": []any{"v1", "v2"},
		"esc": []any{"x,y"}, "rep": []any{"1", "2"},
	}, decode(t, body)["properties"])
}

func TestFolderDeploy(t *testing.T) {
	s := demo(t)
	resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/new/folder/", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	assert.Equal(t, "/new/folder/", decode(t, body)["path"])
	resp, body = call(t, http.MethodGet, s.URL+"/artifactory/api/storage/generic-local/new", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []any{map[string]any{"uri": "/folder", "folder": true}}, decode(t, body)["children"])
}

func TestOverwriteNeedsDelete(t *testing.T) {
	seed, err := emulator.ParseSeed([]byte(`{
	  "repositories":[{"key":"r","rclass":"local"}],
	  "users":[{"name":"w","password":"p","permissions":[{"repos":["r"],"actions":["read","write"]}]}]}`))
	require.NoError(t, err)
	s := emulatortest.Start(t, seed)
	resp, _ := call(t, http.MethodPut, s.URL+"/artifactory/r/a.txt", "w:p", strings.NewReader("v1"), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	resp, _ = call(t, http.MethodPut, s.URL+"/artifactory/r/a.txt", "w:p", strings.NewReader("v1"), nil)
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "identical content needs no delete permission")
	resp, body := call(t, http.MethodPut, s.URL+"/artifactory/r/a.txt", "w:p", strings.NewReader("v2"), nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, string(body), "needs DELETE permission")
	resp, _ = call(t, http.MethodPut, s.URL+"/artifactory/r/a.txt", s.AdminToken, strings.NewReader("v2"), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	resp, body = call(t, http.MethodGet, s.URL+"/artifactory/r/a.txt", "w:p", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "v2", string(body))
}

// Large bodies are streamed to disk, never buffered whole.
func TestLargeStreamingUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("large upload")
	}
	s := demo(t)
	const size = 64 << 20
	h := sha256.New()
	pr, pw := io.Pipe()
	go func() {
		buf := make([]byte, 1<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		for written := 0; written < size; written += len(buf) {
			h.Write(buf)
			if _, err := pw.Write(buf); err != nil {
				return
			}
		}
		pw.Close()
	}()
	resp, body := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/big.bin", s.AdminToken, pr, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	m := decode(t, body)
	assert.Equal(t, "67108864", m["size"])
	assert.Equal(t, hex.EncodeToString(h.Sum(nil)), m["checksums"].(map[string]any)["sha256"])
}
