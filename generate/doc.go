// Package generate writes a configuration from a live organization: the
// first step of adopting exdr, as Terraform's import -generate-config-out.
//
// It owns the names blocks get (labels a reference can use, a name
// attribute where Exchange's name is not one), the layout an
// administrator would keep (main.exdr.hcl for the exdr and provider
// blocks, one file per server with its storage groups, databases and
// queue database, the mailboxes in a CSV when there are more than a
// handful), which values are left to Exchange's defaults, and the
// placeholders, with their reasons, for what cannot be read. It writes
// nothing to disk: the command does, refusing to overwrite.
//
// Imports (exdr): internal/english, org.
package generate
