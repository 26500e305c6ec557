package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
	"github.com/exdr/exdr/providers/lab/transport"
)

// The disasters below are what drills inflict. Each really damages bytes;
// none touches what it does not name.

// LoseServer removes a server's machine (its disks and its services'
// state); its directory entry remains, as after a hardware loss. A node
// of a clustered mailbox server is a machine too: losing the node the
// server runs on fails the server over (failOver); the server's own name
// loses every node.
func (l *Lab) LoseServer(name string) error {
	machines, cms, err := l.nodeNamed(name)
	if err != nil {
		return err
	}
	for _, m := range machines {
		if err := host.PathElement("the server name", m); err != nil {
			return err
		}
		if err := os.RemoveAll(filepath.Join(l.Root(), "servers", m)); err != nil {
			return err
		}
	}
	if cms != "" {
		_, err = l.failOver(context.Background(), cms)
	}
	return err
}

// DeleteServerObject deletes a server's object from the directory with
// everything under it (its storage groups and databases), as a deleted
// subtree in the configuration partition would be. Its machine and the
// mailbox objects homed on it are left.
func (l *Lab) DeleteServerObject(name string) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
		s := d.Server(name)
		if s == nil {
			return fmt.Errorf("no server %s in the lab", name)
		}
		prefix := strings.ToLower(s.Name) + `\`
		d.Servers = slices.DeleteFunc(d.Servers, func(x *ad.Server) bool { return x == s })
		d.StorageGroups = slices.DeleteFunc(d.StorageGroups, func(sg *ad.StorageGroup) bool { return strings.EqualFold(sg.Server, s.Name) })
		d.Databases = slices.DeleteFunc(d.Databases, func(db *ad.Database) bool {
			return strings.HasPrefix(strings.ToLower(string(db.Identity())), prefix)
		})
		d.Reindex()
		return nil
	})
}

// DeleteDatabaseFile deletes a database's .edb file.
func (l *Lab) DeleteDatabaseFile(id org.Identity) error {
	c, err := l.Database(id)
	if err != nil {
		return err
	}
	return os.Remove(c.Path)
}

// CorruptPage overwrites bytes in the middle of one page of a database,
// so that its checksum fails.
func (l *Lab) CorruptPage(id org.Identity, page uint32) error {
	c, err := l.Database(id)
	if err != nil {
		return err
	}
	return corruptPage(c.Path, string(id), page)
}

func corruptPage(path, name string, page uint32) error {
	f, err := disk.Open(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if int64(page+1)*ese.PageSize > st.Size() {
		return fmt.Errorf("%s has no page %d", name, page)
	}
	_, err = f.WriteAt([]byte("exdr-lab-break"), int64(page)*ese.PageSize+ese.PageSize/2)
	return err
}

// DeleteLogs deletes a storage group's log generations from gen on.
func (l *Lab) DeleteLogs(sg org.Identity, from uint32) (int, error) {
	var g *ad.StorageGroup
	l.ViewDirectory(func(d *ad.Directory) error {
		g = d.StorageGroup(sg)
		return nil
	})
	if g == nil {
		return 0, fmt.Errorf("no storage group %s in the lab", sg)
	}
	s, err := l.Stream(g)
	if err != nil {
		return 0, err
	}
	gens, err := s.Generations()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, gen := range gens {
		if gen >= from {
			if err := os.Remove(s.LogPath(gen)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// CorruptBackup flips bytes in every file of a backup set.
func (l *Lab) CorruptBackup(id string) error {
	dir := l.SetDir(id)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		return fmt.Errorf("no backup set %s", id)
	}
	return filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Name() == "manifest.json" || info.Size() < 100 {
			return err
		}
		f, err := disk.Open(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteAt([]byte("exdr-lab-break"), info.Size()/2)
		return err
	})
}

// FailServer fails a server's machine while its disks survive, as a dead
// motherboard or power supply would: everything running on it stops
// abruptly (mounted databases and mail.que keep dirty headers), and it
// answers nothing until it is rebuilt on a machine its disks move to.
func (l *Lab) FailServer(name string) error {
	machines, cms, err := l.nodeNamed(name)
	if err != nil {
		return err
	}
	if cms != "" {
		for _, m := range machines {
			if err := host.PathElement("the server name", m); err != nil {
				return err
			}
			dir := filepath.Join(l.Root(), "servers", m)
			if _, err := os.Stat(filepath.Join(dir, "disks")); err != nil {
				return fmt.Errorf("node %s is lost already: its disks are gone", m)
			}
			// Its store stops with it: what it had mounted keeps dirty
			// headers.
			if err := os.Remove(filepath.Join(dir, "store.json")); err != nil && !os.IsNotExist(err) {
				return err
			}
			if err := disk.WriteAtomic(filepath.Join(dir, "failed"), []byte(l.Now().UTC().Format("2006-01-02T15:04:05Z")+"\n")); err != nil {
				return err
			}
		}
		_, err = l.failOver(context.Background(), cms)
		return err
	}
	if err := l.Crash(name); err != nil {
		return err
	}
	var server string
	l.ViewDirectory(func(d *ad.Directory) error {
		server = d.Server(name).Name
		return nil
	})
	if _, err := os.Stat(l.DisksDir(server)); err != nil {
		return fmt.Errorf("server %s is lost already: its disks are gone", server)
	}
	return disk.WriteAtomic(l.FailedPath(server), []byte(l.Now().UTC().Format("2006-01-02T15:04:05Z")+"\n"))
}

// CorruptQueuePage overwrites bytes in the middle of one page of a
// server's mail.que, so that its checksum fails.
func (l *Lab) CorruptQueuePage(server string, page uint32) error {
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	return corruptPage(q.Path, q.WinPath, page)
}

// PoisonMessages moves n of a server's queued messages to its Poison
// queue, as transport does with a message that crashed it twice: there
// they stay, suspended, until an administrator resumes or removes them.
func (l *Lab) PoisonMessages(server string, n int) (int, error) {
	q, err := l.QueueOf(server)
	if err != nil {
		return 0, err
	}
	moved := 0
	err = l.WithQueue(q, func(v *store.View) error {
		v.Rewrite(func(it *store.Item) bool {
			if moved < n && transport.IsDeliveryQueue(it.Queue) {
				it.Queue, it.Dest = transport.Poison, ""
				moved++
			}
			return true
		})
		if moved > 0 {
			v.Cat.Queues[transport.QueueKey(transport.Poison)] = &store.QueueState{Status: "Suspended"}
			v.Changed[1] = true
		}
		return nil
	})
	return moved, err
}
