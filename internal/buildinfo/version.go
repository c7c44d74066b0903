package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Describe is the version line of `jfrog-mcp version`: the stamped version,
// else the module version `go install …@vX` recorded, plus the source
// revision the go command stamps into builds from a checkout.
func Describe() string {
	v, extra := Version, []string{}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			r := "revision " + rev
			if modified == "true" {
				r += " with local changes"
			}
			extra = append(extra, r)
		}
		extra = append(extra, bi.GoVersion)
	}
	if len(extra) == 0 {
		return v
	}
	return v + " (" + strings.Join(extra, ", ") + ")"
}
