// Package transport is the lab's Hub and Edge Transport, as far as it is
// data: the queue database's names (mail.que, its trn logs), the queues
// every transport server has and how Get-Queue names their delivery type,
// MSExchangeTransport's state on a server (Service: running, the folders
// EdgeTransport.exe.config names, a drain or a move under way), and how a
// recipient routes (inside the organization, or to the Internet through
// the Edge).
//
// Delivering, draining, moving and rotating queue databases are lab
// operations: they reach the directory, the store and the disks, and live
// in the lab provider.
//
// Imports (exdr): org.
package transport
