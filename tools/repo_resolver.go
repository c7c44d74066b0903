package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// repoResolver is the guard's view of repositories, asked with the server's
// own identity: the guard cannot import the client, so the adapter lives
// beside the dependencies it is built from.
type repoResolver struct{ art *client.Artifactory }

// repos is the resolver the wrapper hands the guard; nil without a client,
// which makes the guard refuse every repository action.
func (d *Deps) repos() guard.Resolver {
	if d.Client == nil {
		return nil
	}
	return repoResolver{d.Client.Artifactory}
}

// Repository reads api/repositories/<key>. The fields used are few and
// typed loosely in JSON, so a field of an unexpected type is an error, not
// an empty value that would make a virtual look like it had no members.
func (r repoResolver) Repository(ctx context.Context, key string) (*guard.RepoInfo, error) {
	cfg, err := r.art.GetRepository(ctx, key)
	if client.IsNotFound(err) {
		return nil, guard.ErrNoRepository
	}
	if err != nil {
		return nil, err
	}
	info := &guard.RepoInfo{}
	var ok bool
	if info.Key, ok = cfg["key"].(string); !ok {
		return nil, fmt.Errorf("repository %s: the configuration has no key", key)
	}
	if info.Class, ok = cfg["rclass"].(string); !ok {
		return nil, fmt.Errorf("repository %s: the configuration has no rclass", key)
	}
	if v, present := cfg["defaultDeploymentRepo"]; present && v != nil {
		if info.DefaultDeployment, ok = v.(string); !ok {
			return nil, fmt.Errorf("repository %s: defaultDeploymentRepo is not a string", key)
		}
	}
	v, present := cfg["repositories"]
	if strings.EqualFold(info.Class, guard.RepoVirtual) && (!present || v == nil) {
		// Non-admin users get a partial configuration, which may leave the
		// members out: a virtual whose members are unknown must not look
		// like one that aggregates nothing (which reads nothing hidden).
		return nil, fmt.Errorf("repository %s: the configuration lists no members (the server's identity may see only part of it)", key)
	}
	if present && v != nil {
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("repository %s: repositories is not a list", key)
		}
		for _, m := range list {
			s, ok := m.(string)
			if !ok {
				return nil, fmt.Errorf("repository %s: a member key is not a string", key)
			}
			info.Members = append(info.Members, s)
		}
	}
	return info, nil
}

// Holds asks the storage API whether repo has an item at p.
func (r repoResolver) Holds(ctx context.Context, repo, p string) (bool, error) {
	_, err := r.art.StorageItem(ctx, repo, p)
	if client.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
