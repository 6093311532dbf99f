package platform

// CLIBase is embedded by the driver of every platform trustfix logs in to
// (iosxe, iosxr, asa, fxos) and gives it CLI. It has no fields, so such a
// driver's zero value stays ready to use (registry.Default builds
// iosxe.Driver{}); for the same reason each driver still says its own ID
// and Methods, the data a zero value cannot carry.
type CLIBase struct{}

// CLI implements Driver: trustfix logs in and acts.
func (CLIBase) CLI() bool { return true }
