package host

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// Survey is every server's disks as one walk found them: each folder's
// entries with their sizes, and every symbolic link. A read of the lab
// takes one, so that its many questions (is this file there, how large,
// is a link on its way, what does this log folder hold, how full is the
// drive) cost no further system call: a plan reads every database and
// log file once, and asks the disks nothing twice.
//
// A survey is a snapshot: the files it names are opened afterwards, and
// an open refuses a link planted since (disk.Open).
type Survey struct {
	host    *Host
	folders map[string][]Entry // by host path
	links   []string           // host paths
	used    map[string]int64   // bytes in regular files, by drive folder
	drives  map[string][]string
}

// Entry is one name in a surveyed folder.
type Entry struct {
	name string
	size int64
	mode fs.FileMode // type bits only
}

func (e Entry) Name() string      { return e.name }
func (e Entry) Size() int64       { return e.size }
func (e Entry) Type() fs.FileMode { return e.mode }

// Survey walks the disks of the named servers, each drive in parallel.
func (l *Host) Survey(servers []string) *Survey {
	s := &Survey{host: l, folders: map[string][]Entry{}, used: map[string]int64{}, drives: map[string][]string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, server := range servers {
		if PathElement("", server) != nil {
			continue
		}
		disks := l.DisksDir(server)
		des, err := os.ReadDir(disks)
		if err != nil {
			continue
		}
		for _, de := range des {
			dir := filepath.Join(disks, de.Name())
			if de.Type()&fs.ModeSymlink != 0 {
				mu.Lock()                      // the walks started for earlier drives append too
				s.links = append(s.links, dir) // a drive that leads elsewhere
				mu.Unlock()
				continue
			}
			if !de.IsDir() || len(de.Name()) != 1 {
				continue
			}
			s.drives[server] = append(s.drives[server], de.Name())
			wg.Go(func() {
				w := &walk{folders: map[string][]Entry{}}
				w.folder(dir)
				mu.Lock()
				defer mu.Unlock()
				maps.Copy(s.folders, w.folders)
				s.links = append(s.links, w.links...)
				s.used[dir] = w.used
			})
		}
	}
	wg.Wait()
	return s
}

type walk struct {
	folders map[string][]Entry
	links   []string
	used    int64
}

func (w *walk) folder(dir string) {
	entries, err := listFolder(dir)
	if err != nil {
		return
	}
	for i := range entries {
		e := &entries[i]
		path := dir + string(os.PathSeparator) + e.name
		switch {
		case e.mode&fs.ModeSymlink != 0:
			w.links = append(w.links, path)
		case e.mode.IsDir():
			w.folder(path)
		case e.mode.IsRegular() && e.name != capacityFile:
			w.used += e.size
		}
	}
	w.folders[dir] = entries
}

// Folder is what the walk found in dir, and whether dir was there.
func (s *Survey) Folder(dir string) ([]Entry, bool) {
	e, ok := s.folders[filepath.Clean(dir)]
	return e, ok
}

// Lookup is the entry at path, if the walk found one.
func (s *Survey) Lookup(path string) (Entry, bool) {
	// The paths a read asks about are clean: their folder is a key as it
	// stands, without the cost of cleaning it (a tenth of the survey's
	// answers at ten thousand databases).
	if i := strings.LastIndexByte(path, os.PathSeparator); i > 0 && i < len(path)-1 {
		if entries, ok := s.folders[path[:i]]; ok {
			return find(entries, path[i+1:])
		}
	}
	entries, _ := s.Folder(filepath.Dir(path))
	return find(entries, filepath.Base(path))
}

// find is the entry of a folder's listing with the name, if there is one.
func find(entries []Entry, name string) (Entry, bool) {
	for _, e := range entries {
		if e.name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// LinkOn is the first symbolic link the walk found at path or on the way
// to it, as a LinkError, or nil.
func (s *Survey) LinkOn(path string) error {
	for _, link := range s.links {
		if path == link || strings.HasPrefix(path, link+string(os.PathSeparator)) {
			return &disk.LinkError{Path: link}
		}
	}
	return nil
}

// Free is a drive's capacity less what its files took when surveyed.
func (s *Survey) Free(server, drive string) org.Size {
	dir := s.host.DriveDir(server, drive)
	size := DefaultCapacity
	if _, ok := s.Lookup(filepath.Join(dir, capacityFile)); ok {
		size = capacity(dir)
	}
	return max(size-org.Size(s.used[dir]), 0)
}

// Drives are the drives of a server that hold anything, as Drives lists
// them.
func (s *Survey) Drives(server string) []string { return s.drives[server] }

// HostPath is Host.HostPath answered from the survey: a link on the way
// to the file is refused as the host refuses it.
func (s *Survey) HostPath(server, winPath string) (string, error) {
	path, err := s.host.mapPath(server, winPath)
	if err != nil {
		return "", err
	}
	return path, s.LinkOn(path)
}

// Stream is Host.Stream answered from the survey.
func (s *Survey) Stream(sg *ad.StorageGroup) (*ese.Stream, error) {
	dir, err := s.HostPath(sg.Server, sg.LogFolderPath)
	if err != nil {
		return nil, err
	}
	return &ese.Stream{Dir: dir, Prefix: sg.Prefix, Sig: sg.Signature, Clock: s.host.now}, nil
}
