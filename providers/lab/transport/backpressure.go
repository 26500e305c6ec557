package transport

import (
	"fmt"

	"github.com/exdr/exdr/org"
)

// Back pressure: the transport service watches the free space of the
// drive that holds its queue database and refuses mail as it runs short
// ("Understanding Back Pressure", bb201658). From Exchange 2007 SP1 the
// high level of that drive's use is 100 * (size - 500 MB) / size (it was
// 4 GB before SP1), medium 2 percent below it and normal 4 percent below
// ("Back Pressure Changes in Exchange 2007 SP1"). At high the server
// takes no new mail: senders get 452 4.3.1 Insufficient system
// resources; at medium it refuses mail from outside the organization
// only, which the lab does not send in (its inbound mail is not
// simulated). The lab watches the queue database's drive only: the other
// resources (the logging drive, version buckets, memory) are not
// simulated.

// backPressureReserve is the free space below which the queue database's
// drive is at the high level (SP1's fixed constant).
const backPressureReserve = 500 * org.MegaByte

// BackPressure is the level of a transport server's queue database drive.
func (l *Pipeline) BackPressure(server string) (*org.BackPressure, error) {
	svc, err := l.LoadService(server)
	if err != nil || svc == nil {
		return nil, err
	}
	if len(svc.QueuePath) < 2 || svc.QueuePath[1] != ':' {
		return nil, fmt.Errorf("the queue database path %q of %s names no drive", svc.QueuePath, server)
	}
	drive := svc.QueuePath[:1]
	size := l.Capacity(server, drive)
	free, err := l.Free(server, drive)
	if err != nil {
		return nil, err
	}
	return org.BackPressureOf(drive, size, free, backPressureReserve), nil
}
