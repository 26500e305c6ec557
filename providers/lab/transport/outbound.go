package transport

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/store"
)

// Mail to other organizations: a hub relays it to the Edge Transport
// server subscribed to its site (queue "EdgeSync - SITE to Internet"),
// or, with none, sends it itself; the sending server queues it per
// recipient domain and hands it to the domain's mail server. The lab
// plays those servers: what they accept is appended to
// internet/DOMAIN.jsonl under the lab, where a drill counts it.

const (
	internetDir     = "internet"
	edgeUnreachable = "451 4.4.0 Primary target IP address responded with: 421 4.2.1 Unable to connect"
)

// externalDomains are the partners traffic writes to.
var externalDomains = []string{"fabrikam.example", "litwareinc.example"}

// edgeQueue is a hub's queue name for the Edge its site is subscribed
// to, and that Edge; empty when no Edge is subscribed.
func (l *Pipeline) edgeQueue(hub string) (queue, edge string) {
	l.ViewDirectory(func(d *ad.Directory) error {
		s := d.Server(hub)
		if s == nil || !s.Roles.Has(org.RoleHubTransport) {
			return nil
		}
		for _, sub := range d.EdgeSubscriptions {
			if sub.Site == "" || strings.EqualFold(sub.Site, s.Site) {
				queue, edge = EdgeQueuePrefix+s.Site+" to Internet", sub.Edge
				return nil
			}
		}
		return nil
	})
	return queue, edge
}

// routeExternal is the categorizer's answer for mail leaving the
// organization: the queue and the next hop it waits for.
func (l *Pipeline) routeExternal(server, recipient string) (queue, dest string) {
	if q, edge := l.edgeQueue(server); q != "" {
		return q, edge
	}
	d := RecipientDomain(recipient)
	return d, d
}

// relay hands messages on: to the Edge server a hub relays to, to the
// recipients' domain's mail server, or, from an Edge, to a hub of its
// site. It returns how many of them that hub delivered to a mailbox
// database at once.
func (l *Pipeline) relay(queue, dest string, msgs []store.Item) (delivered int, err error) {
	if strings.HasPrefix(queue, InboundQueuePrefix) {
		return l.relayInbound(dest, msgs)
	}
	if strings.HasPrefix(queue, EdgeQueuePrefix) {
		if !l.MachineUp(dest) {
			return 0, fmt.Errorf("%s", edgeUnreachable)
		}
		q, err := l.QueueOf(dest)
		if err != nil || !q.svc.Running {
			return 0, fmt.Errorf("%s", edgeUnreachable)
		}
		_, err = l.Submit(dest, msgs)
		return 0, err
	}
	return 0, l.sendToInternet(dest, msgs)
}

// sendToInternet is the remote domain's mail server accepting messages.
func (l *Pipeline) sendToInternet(domain string, msgs []store.Item) error {
	dir := filepath.Join(l.Root(), internetDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	l.Mu.Lock()
	defer l.Mu.Unlock()
	f, err := disk.Open(filepath.Join(dir, domain+".jsonl"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, m := range msgs {
		m.ID, m.Queue, m.Dest = 0, "", ""
		b, err := json.Marshal(m)
		if err != nil {
			f.Close()
			return err
		}
		w.Write(append(b, '\n'))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SentOut lists every message the other organizations' servers have
// accepted, by recipient then subject.
func (l *Pipeline) SentOut() (map[string]map[string]time.Time, error) {
	out := map[string]map[string]time.Time{}
	files, _ := filepath.Glob(filepath.Join(l.Root(), internetDir, "*.jsonl"))
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line == "" {
				continue
			}
			var it store.Item
			if err := json.Unmarshal([]byte(line), &it); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			if out[it.Mailbox] == nil {
				out[it.Mailbox] = map[string]time.Time{}
			}
			out[it.Mailbox][it.Subject] = it.Time
		}
	}
	return out, nil
}

// externalMessage makes a mailbox's seq-th message to another
// organization: its subject names the sender, as the sender's own
// numbering does.
func externalMessage(seed uint64, sender string, seq int, now time.Time) store.Item {
	h := fnv.New64a()
	fmt.Fprintf(h, "out|%s|%d", sender, seq)
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	body := make([]string, 20+rng.IntN(20))
	for i := range body {
		body[i] = words[rng.IntN(len(words))]
	}
	domain := externalDomains[rng.IntN(len(externalDomains))]
	return store.Item{
		Mailbox: fmt.Sprintf("partner%02d@%s", rng.IntN(10), domain),
		Folder:  "Inbox",
		Subject: fmt.Sprintf("Outbound %d from %s", seq, sender),
		From:    sender + "@contoso.example",
		Time:    now.UTC(),
		Body:    strings.Join(body, " "),
	}
}

// senderOf reads the sender back from an outbound subject.
func senderOf(subject string) string {
	if i := strings.LastIndex(subject, " from "); i >= 0 {
		return subject[i+len(" from "):]
	}
	return ""
}
