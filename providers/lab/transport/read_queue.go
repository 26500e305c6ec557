package transport

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// LiveQueues inspects the queue database of every Hub and Edge Transport
// server whose machine exists, failed or not: the disks of a failed one
// can still be read.
func (l *Pipeline) LiveQueues(d *ad.Directory) ([]*org.QueueDatabase, error) {
	var out []*org.QueueDatabase
	for _, s := range d.Servers {
		if !s.Roles.Has(org.RoleHubTransport) && !s.Roles.Has(org.RoleEdgeTransport) {
			continue
		}
		if _, err := os.Stat(l.DisksDir(s.Name)); err != nil {
			continue // lost with its machine
		}
		live := &org.QueueDatabase{Server: s.Name, Path: org.DefaultQueuePath, LoggingPath: org.DefaultQueuePath, Health: &org.QueueHealth{}}
		out = append(out, live)
		t, err := l.LoadService(s.Name)
		if err != nil {
			return nil, err // damaged: never read as "no queue database"
		}
		if _, werr := os.Lstat(l.SetupWatermark(s.Name)); t == nil && werr != nil {
			// Setup finished, so the service's state must be there.
			return nil, fmt.Errorf("the transport service's state %s is gone from %s, a Hub or Edge Transport server that Setup finished: "+
				"put it back from a copy of the lab (exdr will not read the server's queue database as missing)", l.ServicePath(s.Name), s.Name)
		}
		q, err := l.QueueOf(s.Name)
		var le *host.LinkError
		if errors.As(err, &le) {
			return nil, err
		}
		if err != nil {
			continue // no transport service: never installed by this lab
		}
		live.Path, live.LoggingPath = q.svc.QueuePath, q.svc.LoggingPath
		if err := disk.RefuseLinks(q.Path, q.Stream.ChkPath()); err != nil {
			return nil, err
		}
		if err := l.inspectQueue(q, live.Health); err != nil {
			return nil, err
		}
		if bp, err := l.BackPressure(s.Name); err == nil {
			live.Health.BackPressure = bp
		}
	}
	return out, nil
}

// inspectQueue reads mail.que as eseutil /mh and /k would, and its queues
// as Get-Queue lists them.
// Long on purpose: the header, the pages and the logs read in the order
// eseutil reads them, each finding going into the same health.
func (l *Pipeline) inspectQueue(q *Queue, h *org.QueueHealth) error {
	h.Running = q.svc.Running
	h.OwnAside, h.DrainingFrom, h.MovingTo = q.svc.OwnAside != "", q.svc.DrainingFrom, q.svc.MovingTo
	mu := l.StreamLock(q.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	var ierr error
	if h.Logs, _, ierr = q.Stream.Inspect(); ierr != nil {
		return ierr // a link where a trn log or the checkpoint should be
	}
	fi, err := os.Stat(q.Path)
	if err != nil {
		return nil
	}
	h.FileExists, h.Size = true, org.Size(fi.Size())
	e, err := ese.OpenEDB(q.Path, false)
	if err != nil {
		h.BadPages = []uint32{0}
		return nil
	}
	defer e.Close()
	h.State, h.Pages = e.Hdr.State, int(e.Hdr.Pages)
	if e.Hdr.State == org.StateDirty {
		h.LogRequired = e.Hdr.LogRequired
		h.LogRequired.High = max(h.LogRequired.High, h.Logs.OnDisk.High)
		for _, g := range h.Logs.Missing {
			h.LogRequired.High = max(h.LogRequired.High, g) // a generation started, now gone
		}
	}
	h.BadPages, _ = e.Scan()
	h.MessagesAtRisk = store.ItemsAtRisk(e, h.BadPages)
	if len(h.BadPages) > 0 {
		return nil
	}
	// A running or crashed database's latest changes are in its logs.
	v, err := store.LoadView(e, q.Stream, e.Hdr.State == org.StateDirty && h.Logs.Usable(h.LogRequired))
	if err != nil {
		return nil
	}
	empty := 0
	for n := uint32(2); n <= v.Count; n++ {
		if len(v.Pages[n]) == 0 {
			empty++
		}
	}
	h.Pages = int(v.Count) // with the growth still only in the logs
	if v.Count > 0 {
		h.Whitespace = org.Percent(float64(empty) * 100 / float64(v.Count))
	}
	items, err := v.Items()
	if err != nil {
		return nil
	}
	h.Messages = len(items)
	queues := map[string]*org.Queue{}
	dests := map[string]map[string]int{}
	for _, it := range items {
		qu := queues[QueueKey(it.Queue)]
		if qu == nil {
			qu = &org.Queue{Identity: q.server + `\` + it.Queue, DeliveryType: DeliveryType(it.Queue), NextHopDomain: it.Queue, Status: "Ready"}
			queues[QueueKey(it.Queue)] = qu
			dests[QueueKey(it.Queue)] = map[string]int{}
		}
		qu.MessageCount++
		if it.Dest == "" {
			continue
		}
		if qu.DeliveryType != "MapiDelivery" {
			switch {
			case strings.HasPrefix(it.Queue, InboundQueuePrefix):
				qu.NextHopSite = it.Dest
			case strings.HasPrefix(it.Queue, EdgeQueuePrefix):
				qu.NextHopServer = it.Dest
			}
			continue
		}
		i, seen := dests[QueueKey(it.Queue)][strings.ToLower(it.Dest)]
		if !seen {
			i = len(qu.Databases)
			dests[QueueKey(it.Queue)][strings.ToLower(it.Dest)] = i
			qu.Databases = append(qu.Databases, org.Identity(it.Dest))
			qu.PerDatabase = append(qu.PerDatabase, 0)
		}
		qu.PerDatabase[i]++
	}
	for key, st := range v.Cat.Queues {
		qu := queues[key]
		if qu == nil {
			continue // an empty queue is removed
		}
		qu.Status, qu.LastError = st.Status, st.LastError
	}
	for _, qu := range queues {
		h.Queues = append(h.Queues, qu)
	}
	slices.SortFunc(h.Queues, func(a, b *org.Queue) int { return strings.Compare(a.Identity, b.Identity) })
	return nil
}
