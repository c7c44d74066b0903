package config

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jfHome writes a JFrog CLI configuration (as `jf c add` writes it) into a
// fresh home and returns the environment that points at it.
func jfHome(t *testing.T, file, content string) map[string]string {
	t.Helper()
	home := t.TempDir()
	if file != "" {
		require.NoError(t, os.MkdirAll(filepath.Join(home, ".jfrog"), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(home, ".jfrog", file), []byte(content), 0o600))
	}
	return map[string]string{"HOME": home}
}

const twoServers = `{
  "servers": [
    {
      "url": "https://acme.jfrog.io/",
      "artifactoryUrl": "https://acme.jfrog.io/artifactory/",
      "distributionUrl": "https://acme.jfrog.io/distribution/",
      "xrayUrl": "https://acme.jfrog.io/xray/",
      "missionControlUrl": "https://acme.jfrog.io/mc/",
      "pipelinesUrl": "https://acme.jfrog.io/pipelines/",
      "user": "ci",
      "accessToken": "tok-acme",
      "refreshToken": "refresh-acme",
      "serverId": "acme",
      "isDefault": true
    },
    {
      "url": "https://onprem.example.com/",
      "artifactoryUrl": "https://onprem.example.com/rt/",
      "xrayUrl": "https://onprem.example.com/xray/",
      "user": "admin",
      "password": "secret-pw",
      "serverId": "onprem"
    }
  ],
  "version": "6"
}`

func TestJFrogCLIConfigReuse(t *testing.T) {
	t.Run("the default server when nothing else says where JFrog is", func(t *testing.T) {
		cfg, err := Parse(nil, envOf(jfHome(t, "jfrog-cli.conf.v6", twoServers)), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, "https://acme.jfrog.io", cfg.JFrog.URL)
		assert.Empty(t, cfg.JFrog.ArtifactoryURL, "the standard context path needs no override")
		assert.Empty(t, cfg.JFrog.XrayURL)
		assert.Equal(t, "tok-acme", cfg.JFrog.AccessToken)
		assert.Empty(t, cfg.JFrog.User, "the CLI sends the token, not the user")
		require.NotNil(t, cfg.JFrogCLI)
		assert.Equal(t, "acme", cfg.JFrogCLI.ServerID)
		assert.True(t, cfg.JFrogCLI.Refreshable)
		assert.Contains(t, cfg.Warnings[len(cfg.Warnings)-1], "refresh token")
	})
	t.Run("--server-id picks another server, with its context paths", func(t *testing.T) {
		cfg, err := Parse([]string{"--server-id", "onprem"}, envOf(jfHome(t, "jfrog-cli.conf.v6", twoServers)), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, "https://onprem.example.com", cfg.JFrog.URL)
		assert.Equal(t, "https://onprem.example.com/rt", cfg.JFrog.ArtifactoryURL)
		assert.Equal(t, "admin", cfg.JFrog.User)
		assert.Equal(t, "secret-pw", cfg.JFrog.Password)
		assert.Empty(t, cfg.JFrog.AccessToken)
	})
	t.Run("--server-id wins over JFROG_URL; a token in the environment wins over the file's", func(t *testing.T) {
		env := jfHome(t, "jfrog-cli.conf.v6", twoServers)
		env["JFROG_URL"], env["JFROG_ACCESS_TOKEN"] = "https://other.example.com", "tok-env"
		cfg, err := Parse([]string{"--server-id", "onprem"}, envOf(env), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, "https://onprem.example.com", cfg.JFrog.URL)
		assert.Equal(t, "tok-env", cfg.JFrog.AccessToken)
		assert.Empty(t, cfg.JFrog.User)
	})
	t.Run("JFROG_URL set: the CLI's file is not read", func(t *testing.T) {
		env := jfHome(t, "jfrog-cli.conf.v6", `not json`)
		env["JFROG_URL"], env["JFROG_ACCESS_TOKEN"] = "https://acme.jfrog.io", "t"
		cfg, err := Parse(nil, envOf(env), io.Discard)
		require.NoError(t, err)
		assert.Nil(t, cfg.JFrogCLI)
	})
	t.Run("JFROG_CLI_HOME_DIR and the older v5 file", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "jfrog-cli.conf.v5"), []byte(`{"servers":[{"serverId":"only","url":"https://one.example.com/","accessToken":"t1"}],"version":"5"}`), 0o600))
		cfg, err := Parse(nil, envOf(map[string]string{"JFROG_CLI_HOME_DIR": dir}), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, "https://one.example.com", cfg.JFrog.URL)
		assert.Equal(t, "t1", cfg.JFrog.AccessToken)
		assert.Equal(t, "only", cfg.JFrogCLI.ServerID, "a single server is used even when not marked default")
	})
	refused := map[string]struct {
		file, content string
		args          []string
		want          string
	}{
		"missing":             {args: nil, want: "no JFrog URL"},
		"missing --server-id": {args: []string{"--server-id", "acme"}, want: "jf c add acme"},
		"unknown --server-id": {file: "jfrog-cli.conf.v6", content: twoServers, args: []string{"--server-id", "nope"}, want: `no server "nope"`},
		"encrypted":           {file: "jfrog-cli.conf.v6", content: `{"servers":[{"serverId":"a","url":"https://a.example.com/","accessToken":"ZW5jcnlwdGVk","isDefault":true}],"version":"6","enc":true}`, want: "encrypted"},
		"not JSON":            {file: "jfrog-cli.conf.v6", content: `{"servers":`, want: "not valid JSON"},
		"no default":          {file: "jfrog-cli.conf.v6", content: `{"servers":[{"serverId":"a","url":"https://a/"},{"serverId":"b","url":"https://b/"}]}`, want: "no default server among a, b"},
		"no servers":          {file: "jfrog-cli.conf.v6", content: `{"servers":[],"version":"6"}`, want: "has no servers"},
		"no URL":              {file: "jfrog-cli.conf.v6", content: `{"servers":[{"serverId":"a","isDefault":true}]}`, want: "has no URL"},
	}
	for name, tc := range refused {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tc.args, envOf(jfHome(t, tc.file, tc.content)), io.Discard)
			var usage *UsageError
			require.ErrorAs(t, err, &usage)
			assert.Contains(t, usage.Msg, tc.want)
			assert.NotContains(t, usage.Msg, "ZW5jcnlwdGVk", "a secret never appears in a message")
		})
	}
}

func TestWarnsOnAURLWithoutCredentials(t *testing.T) {
	cfg, err := Parse(nil, envOf(map[string]string{"JFROG_URL": "https://acme.jfrog.io"}), io.Discard)
	require.NoError(t, err)
	require.NotEmpty(t, cfg.Warnings)
	assert.Contains(t, cfg.Warnings[0], "no JFrog credentials")
}
