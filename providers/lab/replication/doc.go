// Package replication is the lab's standby continuous replication and
// local continuous replication, as far as it is data: the replication
// service's record of one copy (State: what it has copied and replayed,
// whether it is suspended, activated), the copy's and the source's log
// streams and paths (Replica), and copying one closed log generation from
// the source to the copy.
//
// Seeding, replaying into the copy and activating it are lab operations:
// they reach the directory and the machines, and live in the lab
// provider.
//
// Imports (exdr): providers/lab/ad, providers/lab/disk, providers/lab/ese.
package replication
