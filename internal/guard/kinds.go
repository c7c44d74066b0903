package guard

import (
	"fmt"
	"regexp"
	"unicode"
	"unicode/utf8"
)

// Kind is what sort of resource an action touches. The guard decides each
// kind by its own rules; an action whose kind it cannot tell is a bug in the
// tool that declared it and is refused.
type Kind string

// Resource kinds. Actions built with Repo/Path, AQL or Local and no Kind are
// repo_path or local, as before kinds existed.
const (
	// KindRepoPath is a path (or a whole repository, or an AQL query over
	// items) in a repository: Repo, Path or AQL. The repositories section
	// of the policy decides it.
	KindRepoPath Kind = "repo_path"
	// KindBuild is a build (build-info) by Name and optional Project; the
	// builds section decides it. See BuildAction for the verbs.
	KindBuild Kind = "build"
	// KindReleaseBundle is a release bundle (v2) by Name and optional
	// Project; the release_bundles section decides it.
	KindReleaseBundle Kind = "release_bundle"
	// KindEnvironment is a promotion target environment (DEV, PROD ...) by
	// Name; environments.promote_to decides promotions into it.
	KindEnvironment Kind = "environment"
	// KindProject is a JFrog project by key (Name).
	KindProject Kind = "project"
	// KindRepositoryConfig is a repository's configuration by key (Repo),
	// or the list of repositories when Repo is empty.
	KindRepositoryConfig Kind = "repository_config"
	// KindToken is an access token by id (Name), or the token list.
	KindToken Kind = "token"
	// KindWatch and KindXrayPolicy are Xray watches and policies by Name.
	KindWatch      Kind = "watch"
	KindXrayPolicy Kind = "policy"
	// KindLocal is a file on the server's machine (Local); the local roots
	// decide it.
	KindLocal Kind = "local"
	// KindPlatform is the platform itself: versions, identity, the effective
	// policy, system-wide reads.
	KindPlatform Kind = "platform"
)

// The verbs of builds and release bundles, as the classes the mode and the
// policy sections decide:
//
//	build          read -> ClassRead     builds.read
//	               publish -> ClassWrite builds.publish
//	               promote -> ClassPromote builds.promote (the target
//	                 repository is a separate repo_path promote action)
//	               delete -> ClassDelete builds.publish (only what the
//	                 server may publish may it delete)
//	release_bundle read -> ClassRead     release_bundles.read
//	               create -> ClassWrite  release_bundles.create
//	               promote -> ClassPromote release_bundles.promote (plus an
//	                 EnvironmentAction for the target environment)
//	               delete -> ClassDelete release_bundles.create
//
// ClassAdmin on either is decided by the mode alone.
const (
	BuildRead     = ClassRead
	BuildPublish  = ClassWrite
	BuildPromote  = ClassPromote
	BuildDelete   = ClassDelete
	BundleRead    = ClassRead
	BundleCreate  = ClassWrite
	BundlePromote = ClassPromote
	BundleDelete  = ClassDelete
)

// BuildAction is an action on build name (in project, "" for the default
// project) of class c (BuildRead, BuildPublish, BuildPromote, BuildDelete).
// An empty name with BuildRead lists builds; the rows are then filtered.
func BuildAction(c Class, name, project string) Action {
	return Action{Kind: KindBuild, Class: c, Name: name, Project: project}
}

// ReleaseBundleAction is an action on release bundle name (in project) of
// class c (BundleRead, BundleCreate, BundlePromote, BundleDelete). An empty
// name with BundleRead lists bundles.
func ReleaseBundleAction(c Class, name, project string) Action {
	return Action{Kind: KindReleaseBundle, Class: c, Name: name, Project: project}
}

// PromoteToEnvironment is promoting something into environment name; it goes
// with the ReleaseBundleAction(BundlePromote, ...) of what is promoted.
func PromoteToEnvironment(name string) Action {
	return Action{Kind: KindEnvironment, Class: ClassPromote, Name: name}
}

// EnvironmentAction is any other action on an environment: ClassRead (an
// empty name lists them) or ClassAdmin (changing them).
func EnvironmentAction(c Class, name string) Action {
	return Action{Kind: KindEnvironment, Class: c, Name: name}
}

// ProjectAction is ClassRead (key "" lists projects) or ClassAdmin on a project.
func ProjectAction(c Class, key string) Action {
	return Action{Kind: KindProject, Class: c, Name: key}
}

// RepositoryConfigAction is ClassRead of a repository's configuration (key ""
// lists repositories; the rows are filtered) or ClassAdmin to change it.
func RepositoryConfigAction(c Class, key string) Action {
	return Action{Kind: KindRepositoryConfig, Class: c, Repo: key}
}

// TokenAction is ClassRead (id "" lists tokens) or ClassAdmin (create,
// revoke) on an access token.
func TokenAction(c Class, id string) Action {
	return Action{Kind: KindToken, Class: c, Name: id}
}

// WatchAction and XrayPolicyAction are ClassRead (name "" lists them) or
// ClassAdmin on an Xray watch or policy.
func WatchAction(c Class, name string) Action {
	return Action{Kind: KindWatch, Class: c, Name: name}
}

// XrayPolicyAction is ClassRead or ClassAdmin on an Xray policy.
func XrayPolicyAction(c Class, name string) Action {
	return Action{Kind: KindXrayPolicy, Class: c, Name: name}
}

// PlatformAction is ClassRead (versions, identity, effective policy) or
// ClassAdmin (system-wide changes) on the platform itself.
func PlatformAction(c Class) Action { return Action{Kind: KindPlatform, Class: c} }

// LocalAction is reading (ClassRead) or writing (ClassWrite) a local file.
func LocalAction(c Class, p string) Action { return Action{Kind: KindLocal, Class: c, Local: p} }

// ResourceKind is the action's kind: Kind when set, otherwise local for a
// Local file and repo_path for a repository, path or AQL query; "" when the
// action names no resource at all.
func (a Action) ResourceKind() Kind {
	switch {
	case a.Kind != "":
		return a.Kind
	case a.Local != "":
		return KindLocal
	case a.AQL != nil || a.Repo != "" || a.Path != "":
		return KindRepoPath
	}
	return ""
}

// checkShape refuses, as a tool bug, an action on no resource and one
// whose fields belong to more than one kind: a field the guard would not
// look at for its kind (a Local path on a repo_path action) must not be
// something the handler then uses unchecked.
func checkShape(tool string, a *Action, kind Kind) *Denied {
	bug := func(what string) *Denied {
		return &Denied{Reason: fmt.Sprintf("tool %s declared %s: %s (a bug in the tool)", tool, a, what)}
	}
	switch kind {
	case "":
		return bug("an action on no resource; every action names its kind")
	case KindLocal:
		if a.Local == "" || a.Repo != "" || a.Path != "" || a.AQL != nil || a.Name != "" || a.Project != "" {
			return bug("a local action names exactly one local file and nothing else")
		}
	case KindRepoPath:
		if a.Local != "" || a.Name != "" || a.Project != "" {
			return bug("a repo_path action names a repository, a path or a query and nothing else")
		}
	}
	return nil
}

// kindClasses are the classes each kind without a policy section accepts;
// anything else is a tool bug (a change to a project, token, repository
// configuration or Xray setting is administration, whatever the tool calls it).
var kindClasses = map[Kind][]Class{
	KindEnvironment:      {ClassRead, ClassPromote, ClassAdmin},
	KindProject:          {ClassRead, ClassAdmin},
	KindRepositoryConfig: {ClassRead, ClassAdmin},
	KindToken:            {ClassRead, ClassAdmin},
	KindWatch:            {ClassRead, ClassAdmin},
	KindXrayPolicy:       {ClassRead, ClassAdmin},
	KindPlatform:         {ClassRead, ClassAdmin},
}

// decideKind decides an action that is neither repo_path nor local; the
// mode has already allowed its class.
func (g *Guard) decideKind(tool string, a *Action) *Denied {
	k := a.Kind
	bug := func(format string, args ...any) *Denied {
		return &Denied{Reason: fmt.Sprintf("tool %s declared %s: ", tool, a) + fmt.Sprintf(format, args...)}
	}
	if a.Local != "" || a.AQL != nil || a.Path != "" || (a.Repo != "" && k != KindRepositoryConfig) {
		return bug("a %s action carries fields of another kind", k)
	}
	allowed, ok := kindClasses[k]
	if !ok && k != KindBuild && k != KindReleaseBundle {
		return bug("unknown resource kind %q", k)
	}
	if ok && !containsClass(allowed, a.Class) {
		return bug("class %s does not apply to a %s", a.Class, k)
	}
	if a.Project != "" && k != KindBuild && k != KindReleaseBundle {
		return bug("only builds and release bundles belong to a project")
	}
	if a.Project != "" && !projectKey.MatchString(a.Project) {
		return &Denied{Reason: fmt.Sprintf("%q is not a valid project key (lower-case letters, digits and '-', starting with a letter)", a.Project)}
	}
	name := a.Name
	if k == KindRepositoryConfig {
		name = a.Repo
	}
	switch {
	case k == KindPlatform:
		if name != "" {
			return bug("the platform has no name")
		}
		return nil
	case name == "":
		// A listing: only reads list, and their rows are filtered.
		if a.Class != ClassRead {
			return bug("a %s action needs a name", a.Class)
		}
		return nil
	}
	if k == KindRepositoryConfig {
		key, d := g.checkRepoKey(a.Repo)
		if d != nil {
			return d
		}
		if a.Class == ClassRead && !g.canReadKey(key) {
			return &Denied{
				Reason: fmt.Sprintf("read of repository %s is outside the policy", key),
				Hint:   "list_repositories shows the repositories this server may read",
			}
		}
		a.Repo = key
		return nil
	}
	if err := checkName(name); err != nil {
		return &Denied{Reason: fmt.Sprintf("%s name %q: %v", k, name, err)}
	}
	rules, section := g.policy.kindRules(k, a.Class)
	if section == "" {
		return nil // no section for this kind and class: the mode decides
	}
	for _, r := range rules {
		if r.allows(a.Project, name) {
			return nil
		}
	}
	return &Denied{
		Reason: fmt.Sprintf("%s of %s %s is outside the policy", a.Class, k, qualified(a.Project, name)),
		Hint:   fmt.Sprintf("%s allows: %s; get_platform_info shows the whole policy", section, rulesText(rules)),
	}
}

func containsClass(cs []Class, c Class) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// projectKey is what JFrog accepts as a project key.
var projectKey = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)

// checkName refuses names that could make JFrog act on something other than
// the name checked: control characters, backslashes, and '..' segments or
// separators in any percent- or Unicode-decoded view (names go into URL
// paths).
func checkName(s string) error {
	if len(s) > 1024 {
		return fmt.Errorf("longer than 1024 bytes")
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\\' {
			return fmt.Errorf("contains %q", r)
		}
	}
	return checkDecodings(s)
}

func qualified(project, name string) string {
	if project == "" {
		return name
	}
	return project + "/" + name
}

// visibleKind is the row filter for items that are not repository paths: a
// build or release bundle is shown when the read rules of its section allow
// it, a repository configuration when its repository is, and the kinds the
// mode alone decides always (the call's read was allowed). Nothing else
// (a local file, an unknown kind) is shown.
func (g *Guard) visibleKind(r Resource) bool {
	switch r.Kind {
	case KindBuild, KindReleaseBundle:
		if checkName(r.Name) != nil || (r.Project != "" && !projectKey.MatchString(r.Project)) {
			return false
		}
		rules, _ := g.policy.kindRules(r.Kind, ClassRead)
		for _, rule := range rules {
			if rule.allows(r.Project, r.Name) {
				return true
			}
		}
		return false
	case KindRepositoryConfig:
		key, err := NormalizeRepo(r.Repo)
		return err == nil && g.canReadKey(key)
	case KindEnvironment, KindProject, KindToken, KindWatch, KindXrayPolicy, KindPlatform:
		return true
	}
	return false
}
