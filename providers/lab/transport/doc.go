// Package transport is the lab's Hub and Edge Transport. Its data: the
// queue database's names (mail.que, its trn logs), the queues every
// transport server has and how Get-Queue names their delivery type,
// MSExchangeTransport's state on a server (Service: running, the folders
// EdgeTransport.exe.config names, a drain or a move under way), and how a
// recipient routes (inside the organization, or to the Internet through
// the Edge).
//
// Its operations (type Pipeline): installing, starting and stopping the
// service; the queue database's life (creation, soft recovery, eseutil
// through the store's engine, portability, drain, rotation, moves); mail
// submitted by "exdr lab traffic", routed through an accepting hub,
// delivered to the mailbox stores or relayed out through the Edge; mail
// from the Internet (inbound.go) taken by the subscribed Edge (or a hub)
// and relayed to a hub, or held and retried by its senders' servers; the
// Edge's cloned configuration (ExportEdgeConfig.ps1 and its import) and
// its EdgeSync subscription.
//
// Imports (exdr): internal/atomicfile, internal/english, org, providers, providers/lab/ad, providers/lab/disk, providers/lab/ese, providers/lab/host, providers/lab/store.
package transport
