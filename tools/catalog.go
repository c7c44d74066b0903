package tools

// All lists every tool the server knows, in the order tools/list shows them.
// The guard decides which of them a given server registers.
func All() []Definition {
	return []Definition{
		getPlatformInfo,
		listRepositories,
		getArtifactInfo,
		searchArtifacts,
		runAQL,
		downloadArtifact,
		uploadArtifact,
		setArtifactProperties,
		deleteArtifactProperties,
		copyArtifacts,
		moveArtifacts,
		deleteArtifact,
		getArtifactVulnerabilities,
		getScanStatus,
		scanBuild,
		findCVEImpact,
		checkReleaseGate,
	}
}
