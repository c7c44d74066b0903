package guard

// checkRepoKey normalises a repository key an action names.
func (g *Guard) checkRepoKey(key string) (string, *Denied) {
	k, err := NormalizeRepo(key)
	if err != nil {
		return "", &Denied{Reason: err.Error(), Hint: "use a repository key exactly as list_repositories shows it"}
	}
	return k, nil
}
