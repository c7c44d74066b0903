package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
)

// The JFrog CLI (`jf c add`) keeps its servers in $JFROG_CLI_HOME_DIR (default
// ~/.jfrog), in jfrog-cli.conf.v6 (older CLIs: .v5, same layout). The format
// is jfrog-cli-core's utils/config: {"servers":[{serverId, isDefault, url,
// artifactoryUrl, xrayUrl, user, password, accessToken, refreshToken, …}],
// "version":"6", "enc":true when the secrets are encrypted with the master key
// in security/security.yaml}.
var jfrogCLIConfigFiles = []string{"jfrog-cli.conf.v6", "jfrog-cli.conf.v5"}

// jfrogCLIConfig is the part of the JFrog CLI's file this server reads.
type jfrogCLIConfig struct {
	Servers []jfrogCLIServer `json:"servers"`
	Version string           `json:"version"`
	Enc     bool             `json:"enc"`
}

type jfrogCLIServer struct {
	ServerID       string `json:"serverId"`
	IsDefault      bool   `json:"isDefault"`
	URL            string `json:"url"`
	ArtifactoryURL string `json:"artifactoryUrl"`
	XrayURL        string `json:"xrayUrl"`
	User           string `json:"user"`
	Password       string `json:"password"`
	AccessToken    string `json:"accessToken"`
	RefreshToken   string `json:"refreshToken"`
}

// JFrogCLIServer is what was taken from the JFrog CLI's configuration.
type JFrogCLIServer struct {
	File     string
	ServerID string
	// Refreshable is set when the CLI keeps a refresh token with the access
	// token: the CLI renews such tokens itself, this server does not.
	Refreshable bool
}

// errNoJFrogCLIConfig means there is no JFrog CLI configuration to read.
var errNoJFrogCLIConfig = errors.New("no JFrog CLI configuration")

// jfrogCLIHome is where the JFrog CLI keeps its files.
func jfrogCLIHome(getenv func(string) string) (string, error) {
	if d := strings.TrimSpace(getenv("JFROG_CLI_HOME_DIR")); d != "" {
		return d, nil
	}
	// Only the environment given: tests pass their own, and a process
	// without HOME has no JFrog CLI configuration to find.
	home := getenv("HOME")
	if home == "" {
		return "", errNoJFrogCLIConfig
	}
	return filepath.Join(home, ".jfrog"), nil
}

// readJFrogCLIServer fills jf with the server serverID of the JFrog CLI's
// configuration, or its default server when serverID is empty. It returns
// errNoJFrogCLIConfig when there is no file, and an error a user can act on
// when the file cannot be used.
func readJFrogCLIServer(getenv func(string) string, serverID string, jf *client.Config) (*JFrogCLIServer, error) {
	home, err := jfrogCLIHome(getenv)
	if err != nil {
		return nil, errNoJFrogCLIConfig
	}
	var path string
	var b []byte
	for _, name := range jfrogCLIConfigFiles {
		p := filepath.Join(home, name)
		b, err = os.ReadFile(p)
		if err == nil {
			path = p
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read the JFrog CLI configuration %s: %w", p, err)
		}
	}
	if path == "" {
		return nil, errNoJFrogCLIConfig
	}
	var conf jfrogCLIConfig
	if err := json.Unmarshal(b, &conf); err != nil {
		return nil, fmt.Errorf("the JFrog CLI configuration %s is not valid JSON (%v): fix it with `jf c edit`, or set JFROG_URL and JFROG_ACCESS_TOKEN", path, err)
	}
	if conf.Enc {
		return nil, fmt.Errorf("the JFrog CLI configuration %s is encrypted with the CLI's master key, which jfrog-mcp does not read: "+
			"set JFROG_URL and JFROG_ACCESS_TOKEN (e.g. from `jf c export` or a new token) instead", path)
	}
	s, err := pickJFrogCLIServer(conf.Servers, serverID, path)
	if err != nil {
		return nil, err
	}
	jf.URL = strings.TrimRight(s.URL, "/")
	if s.ArtifactoryURL != "" && (jf.URL == "" || strings.TrimRight(s.ArtifactoryURL, "/") != jf.URL+"/artifactory") {
		jf.ArtifactoryURL = strings.TrimRight(s.ArtifactoryURL, "/")
	}
	if s.XrayURL != "" && (jf.URL == "" || strings.TrimRight(s.XrayURL, "/") != jf.URL+"/xray") {
		jf.XrayURL = strings.TrimRight(s.XrayURL, "/")
	}
	if jf.URL == "" && jf.ArtifactoryURL == "" {
		return nil, fmt.Errorf("server %q in the JFrog CLI configuration %s has no URL: run `jf c edit %s`", s.ServerID, path, s.ServerID)
	}
	// Credentials from the environment win: they were set on purpose for
	// this server, the CLI's file is only the fallback.
	if jf.AccessToken == "" && jf.User == "" && jf.Password == "" && jf.APIKey == "" {
		jf.AccessToken, jf.User, jf.Password = s.AccessToken, s.User, s.Password
		if jf.AccessToken != "" {
			// A token and a user: the CLI sends the token; so does this server.
			jf.User, jf.Password = "", ""
		}
	}
	return &JFrogCLIServer{File: path, ServerID: s.ServerID, Refreshable: s.RefreshToken != "" && s.AccessToken != ""}, nil
}

func pickJFrogCLIServer(servers []jfrogCLIServer, id, path string) (*jfrogCLIServer, error) {
	ids := make([]string, len(servers))
	for i := range servers {
		ids[i] = servers[i].ServerID
		if id != "" && servers[i].ServerID == id {
			return &servers[i], nil
		}
		if id == "" && servers[i].IsDefault {
			return &servers[i], nil
		}
	}
	switch {
	case len(servers) == 0:
		return nil, fmt.Errorf("the JFrog CLI configuration %s has no servers: add one with `jf c add`, or set JFROG_URL and JFROG_ACCESS_TOKEN", path)
	case id != "":
		return nil, fmt.Errorf("no server %q in the JFrog CLI configuration %s (it has %s): pass one of them with --server-id", id, path, strings.Join(ids, ", "))
	case len(servers) == 1:
		return &servers[0], nil
	}
	return nil, fmt.Errorf("the JFrog CLI configuration %s has no default server among %s: pass --server-id, or run `jf c use ID`", path, strings.Join(ids, ", "))
}
