// Package rootfs confines WASI preview 1 filesystem access to a directory:
// it implements wazero's experimental sys.FS on an os.Root, so every path a
// guest names, every symbolic link it creates or finds (absolute, "..",
// chains of them) and every hard link it asks for resolves inside the
// granted directory or fails. wazero's own directory mount
// (wazero.FSConfig.WithDirMount) joins strings and lets the host kernel
// follow links, which leaves the directory through a link.
//
// Escapes fail with EPERM. What os.Root cannot see is out of scope: a hard
// link to an outside file that already exists inside the directory when it
// is granted is the same file (only the host can create one), and a
// bind mount is followed like any directory.
package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"
)

// Mount adds the host directory hostDir to cfg at guestPath, confined by
// an os.Root opened now (it stays open as long as the mount is reachable).
func Mount(cfg wazero.FSConfig, hostDir, guestPath string) (wazero.FSConfig, error) {
	sc, ok := cfg.(sysfs.FSConfig)
	if !ok {
		return nil, errors.New("grant: this wazero has no sys.FS mounts")
	}
	root, err := os.OpenRoot(hostDir)
	if err != nil {
		return nil, fmt.Errorf("grant %s: %w", hostDir, err)
	}
	return sc.WithSysFSMount(New(root), guestPath), nil
}

// New returns a sys.FS that resolves every path inside root. The caller
// keeps root open while the FS is in use.
func New(root *os.Root) experimentalsys.FS { return &rootFS{root: root} }

type rootFS struct {
	experimentalsys.UnimplementedFS
	root *os.Root
}

// String names the granted directory (wazero prints it in errors).
func (r *rootFS) String() string { return r.root.Name() }

// clean maps wazero's mount-relative names ("" and "/" for the root) to
// os.Root names.
func clean(p string) string {
	if p == "" || p == "/" {
		return "."
	}
	return p
}

// errno converts an os error to a WASI errno. os.Root reports an escape
// with an error that is no system errno: that is EPERM, as for an
// absolute path.
func errno(err error) experimentalsys.Errno {
	if err == nil {
		return 0
	}
	e := experimentalsys.UnwrapOSError(err)
	if e == experimentalsys.EIO {
		var se syscall.Errno
		if !errors.As(err, &se) {
			return experimentalsys.EPERM
		}
	}
	return e
}

func osFlag(oflag experimentalsys.Oflag) int {
	var flag int
	switch oflag & (experimentalsys.O_RDONLY | experimentalsys.O_RDWR | experimentalsys.O_WRONLY) {
	case experimentalsys.O_RDWR:
		flag = os.O_RDWR
	case experimentalsys.O_WRONLY:
		flag = os.O_WRONLY
	default:
		flag = os.O_RDONLY
	}
	for _, m := range []struct {
		sys experimentalsys.Oflag
		os  int
	}{
		{experimentalsys.O_APPEND, os.O_APPEND}, {experimentalsys.O_CREAT, os.O_CREATE},
		{experimentalsys.O_EXCL, os.O_EXCL}, {experimentalsys.O_SYNC, os.O_SYNC},
		{experimentalsys.O_TRUNC, os.O_TRUNC}, {experimentalsys.O_DIRECTORY, syscall.O_DIRECTORY},
		{experimentalsys.O_DSYNC, syscall.O_DSYNC}, {experimentalsys.O_NONBLOCK, syscall.O_NONBLOCK},
	} {
		if oflag&m.sys != 0 {
			flag |= m.os
		}
	}
	return flag
}

// OpenFile opens path inside the root. os.Root follows a final symbolic
// link (inside the root) even when asked not to, so O_NOFOLLOW is checked
// here first; a link swapped in between still resolves inside the root.
func (r *rootFS) OpenFile(path string, oflag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	path = clean(path)
	if oflag&experimentalsys.O_DIRECTORY != 0 && oflag&(experimentalsys.O_WRONLY|experimentalsys.O_RDWR) != 0 {
		return nil, experimentalsys.EISDIR
	}
	if oflag&experimentalsys.O_NOFOLLOW != 0 {
		if fi, err := r.root.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, experimentalsys.ELOOP
		}
	}
	f, err := r.root.OpenFile(path, osFlag(oflag), perm)
	if err != nil {
		return nil, errno(err)
	}
	wf, e := r.wrap(path, oflag&^(experimentalsys.O_CREAT|experimentalsys.O_TRUNC|experimentalsys.O_EXCL), f)
	if e != 0 {
		return nil, e
	}
	return wf, 0
}

// Lstat stats path without following a final link.
func (r *rootFS) Lstat(path string) (sys.Stat_t, experimentalsys.Errno) {
	fi, err := r.root.Lstat(clean(path))
	if err != nil {
		return sys.Stat_t{}, errno(err)
	}
	return sys.NewStat_t(fi), 0
}

// Stat stats path, following links inside the root.
func (r *rootFS) Stat(path string) (sys.Stat_t, experimentalsys.Errno) {
	fi, err := r.root.Stat(clean(path))
	if err != nil {
		return sys.Stat_t{}, errno(err)
	}
	return sys.NewStat_t(fi), 0
}

// Mkdir creates a directory.
func (r *rootFS) Mkdir(path string, perm fs.FileMode) experimentalsys.Errno {
	e := errno(r.root.Mkdir(clean(path), perm))
	if e == experimentalsys.ENOTDIR {
		e = experimentalsys.ENOENT
	}
	return e
}

// Chmod changes a mode.
func (r *rootFS) Chmod(path string, perm fs.FileMode) experimentalsys.Errno {
	return errno(r.root.Chmod(clean(path), perm))
}

// Rename renames inside the root.
func (r *rootFS) Rename(from, to string) experimentalsys.Errno {
	return errno(r.root.Rename(clean(from), clean(to)))
}

// Rmdir removes an empty directory (and nothing else).
func (r *rootFS) Rmdir(path string) experimentalsys.Errno {
	path = clean(path)
	fi, err := r.root.Lstat(path)
	if err != nil {
		return errno(err)
	}
	if !fi.IsDir() {
		return experimentalsys.ENOTDIR
	}
	return errno(r.root.Remove(path))
}

// Unlink removes a file or link (not a directory).
func (r *rootFS) Unlink(path string) experimentalsys.Errno {
	path = clean(path)
	fi, err := r.root.Lstat(path)
	if err != nil {
		return errno(err)
	}
	if fi.IsDir() {
		return experimentalsys.EISDIR
	}
	return errno(r.root.Remove(path))
}

// Link makes a hard link; both names resolve inside the root.
func (r *rootFS) Link(oldPath, newPath string) experimentalsys.Errno {
	return errno(r.root.Link(clean(oldPath), clean(newPath)))
}

// Symlink creates a link whose text is stored as given: WASI refuses an
// absolute target; a relative one pointing out of the root is stored but
// never followed out of it.
func (r *rootFS) Symlink(oldPath, linkName string) experimentalsys.Errno {
	if len(oldPath) > 0 && oldPath[0] == '/' {
		return experimentalsys.EPERM
	}
	return errno(r.root.Symlink(oldPath, clean(linkName)))
}

// Readlink reads a link's text.
func (r *rootFS) Readlink(path string) (string, experimentalsys.Errno) {
	s, err := r.root.Readlink(clean(path))
	return s, errno(err)
}

// Utimens sets times, following a final link inside the root.
func (r *rootFS) Utimens(path string, atim, mtim int64) experimentalsys.Errno {
	return errno(r.root.Chtimes(clean(path), epoch(atim), epoch(mtim)))
}

// epoch converts wazero's nanoseconds (UTIME_OMIT: leave as is, which
// Chtimes spells as the zero time).
func epoch(ns int64) time.Time {
	if ns == experimentalsys.UTIME_OMIT {
		return time.Time{}
	}
	return time.Unix(0, ns)
}
