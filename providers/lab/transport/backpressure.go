package transport

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/org"
)

// Back pressure: the transport service watches the free space of the
// drives that hold its queue database and the database's transaction
// logs, and refuses mail as either runs short ("Understanding Back
// Pressure", bb201658, Exchange 2007 SP1: "Free space on the hard disk
// drive that stores the message queue database" and "... that stores the
// message queue database transaction logs"). From SP1 the high level of
// each drive's use is 100 * (size - 500 MB) / size (it was 4 GB before
// SP1), medium 2 percent below it and normal 4 percent below ("Back
// Pressure Changes in Exchange 2007 SP1"). At high the server takes no
// new mail: senders get 452 4.3.1 Insufficient system resources; at
// medium it refuses mail from outside the organization only. The other
// resources (version buckets, memory) are not simulated: the lab has no
// memory to run short of.

// backPressureReserve is the free space below which a drive is at the
// high level (SP1's fixed constant).
const backPressureReserve = 500 * org.MegaByte

// BackPressure is the level of a transport server's more pressed queue
// drive: the one holding mail.que or the one holding its logs.
func (l *Pipeline) BackPressure(server string) (*org.BackPressure, error) {
	svc, err := l.LoadService(server)
	if err != nil || svc == nil {
		return nil, err
	}
	var worst *org.BackPressure
	for _, d := range []struct {
		path string
		logs bool
	}{{svc.QueuePath, false}, {svc.LoggingPath, true}} {
		if len(d.path) < 2 || d.path[1] != ':' {
			return nil, fmt.Errorf("the queue database path %q of %s names no drive", d.path, server)
		}
		drive := strings.ToUpper(d.path[:1])
		if worst != nil && worst.Drive == drive {
			continue // one drive holds both: rated once, as the database's
		}
		size := l.Capacity(server, drive)
		free, err := l.Free(server, drive)
		if err != nil {
			return nil, err
		}
		if bp := org.BackPressureOf(drive, size, free, backPressureReserve); bp != nil {
			bp.Logs = d.logs
			worst = org.Worse(worst, bp)
		}
	}
	return worst, nil
}
