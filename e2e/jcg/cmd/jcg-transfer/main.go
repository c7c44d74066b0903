// Command jcg-transfer uploads or downloads one file with jfrog-client-go,
// the library behind the JFrog CLI, with the CLI's defaults: what
// `jf rt upload FILE TARGET` and `jf rt download SOURCE DIR/ --flat` do. It
// is JFrog's own client as a row in bench/transfer, next to curl and
// upload_artifact.
//
//	jcg-transfer -url URL/artifactory -token T upload FILE REPO/PATH
//	jcg-transfer -url URL/artifactory -token T download REPO/PATH DIR
//
// The token comes from -token or JFROG_ACCESS_TOKEN. Nothing is printed on
// success; a failure exits 1 with JCG's error on stderr.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jfrog/jfrog-client-go/artifactory"
	rtauth "github.com/jfrog/jfrog-client-go/artifactory/auth"
	"github.com/jfrog/jfrog-client-go/artifactory/services"
	"github.com/jfrog/jfrog-client-go/config"
	"github.com/jfrog/jfrog-client-go/utils/log"
)

func main() {
	url := flag.String("url", "", "Artifactory URL, e.g. http://127.0.0.1:8081/artifactory")
	token := flag.String("token", os.Getenv("JFROG_ACCESS_TOKEN"), "access token (default $JFROG_ACCESS_TOKEN)")
	flag.Parse()
	if err := run(*url, *token, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "jcg-transfer:", err)
		os.Exit(1)
	}
}

func run(url, token string, args []string) error {
	if url == "" || token == "" || len(args) != 3 {
		return errors.New("usage: jcg-transfer -url URL -token T upload FILE REPO/PATH | download REPO/PATH DIR")
	}
	log.SetLogger(log.NewLogger(log.ERROR, io.Discard))
	d := rtauth.NewArtifactoryDetails()
	d.SetUrl(strings.TrimSuffix(url, "/") + "/")
	d.SetAccessToken(token)
	// The CLI's defaults: 3 threads, 3 retries.
	cfg, err := config.NewConfigBuilder().SetServiceDetails(d).SetThreads(3).Build()
	if err != nil {
		return err
	}
	rt, err := artifactory.New(cfg)
	if err != nil {
		return err
	}
	var ok, failed int
	switch args[0] {
	case "upload":
		p := services.NewUploadParams()
		p.Pattern, p.Target, p.Flat = args[1], args[2], true
		ok, failed, err = rt.UploadFiles(artifactory.UploadServiceOptions{FailFast: true}, p)
	case "download":
		p := services.NewDownloadParams()
		p.Pattern, p.Target, p.Flat = args[1], strings.TrimSuffix(args[2], "/")+"/", true
		ok, failed, err = rt.DownloadFiles(p)
	default:
		return fmt.Errorf("unknown operation %q: upload or download", args[0])
	}
	if err != nil {
		return err
	}
	if ok != 1 || failed != 0 {
		return fmt.Errorf("%s: %d succeeded, %d failed", args[0], ok, failed)
	}
	return nil
}
