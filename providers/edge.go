package providers

// EdgeFolder is where, on an Edge Transport server, the manual steps of a
// rebuild put the files they hand over: ImportEdgeConfig.ps1 and
// New-EdgeSubscription take paths on the server itself, so absolute ones,
// and the plan shows the same paths the scripts use.
const EdgeFolder = `C:\exdr`

// EdgeFiles are the cloned configuration, its answer file and the
// subscription file of an Edge server, in EdgeFolder.
func EdgeFiles(server string) (config, answer, subscription string) {
	base := EdgeFolder + `\` + server
	return base + ".xml", base + "-answer.xml", base + "-subscription.xml"
}
