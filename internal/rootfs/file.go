package rootfs

import (
	"io"
	"io/fs"
	"os"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
)

// file is an *os.File opened inside the root, read, written, sought and
// listed through wazero's own adapter for fs.File values; the operations
// that adapter leaves out (append mode, truncate, sync, times) are here.
// path (relative to the root) is kept to reopen the file and set its
// times.
type file struct {
	experimentalsys.File
	fs   *rootFS
	o    *opener
	path string
	flag experimentalsys.Oflag
}

// opener hands wazero's adapter the file already opened with the
// guest's flags, then (to rewind a directory listing) reopens by name,
// always inside the root. cur is the file the adapter holds.
type opener struct {
	root *os.Root
	next *os.File
	cur  *os.File
}

// Open implements fs.FS.
func (o *opener) Open(name string) (fs.File, error) {
	if f := o.next; f != nil {
		o.next, o.cur = nil, f
		return f, nil
	}
	f, err := o.root.Open(name)
	if err != nil {
		return nil, err
	}
	o.cur = f
	return f, nil
}

// wrap puts an opened *os.File behind wazero's adapter.
func (r *rootFS) wrap(path string, oflag experimentalsys.Oflag, osf *os.File) (*file, experimentalsys.Errno) {
	o := &opener{root: r.root, next: osf}
	inner, e := (&sysfs.AdaptFS{FS: o}).OpenFile(path, experimentalsys.O_RDONLY, 0)
	if e != 0 {
		osf.Close()
		return nil, e
	}
	return &file{File: inner, fs: r, o: o, path: path, flag: oflag}, 0
}

// IsAppend reports append mode.
func (f *file) IsAppend() bool { return f.flag&experimentalsys.O_APPEND != 0 }

// SetAppend reopens the file (inside the root) with or without append
// mode, keeping its offset; the reopened file must be the same file.
func (f *file) SetAppend(enable bool) experimentalsys.Errno {
	if dir, e := f.IsDir(); e != 0 || dir {
		if dir {
			return experimentalsys.EISDIR
		}
		return e
	}
	flag := f.flag &^ experimentalsys.O_APPEND
	if enable {
		flag |= experimentalsys.O_APPEND
	}
	off, err := f.o.cur.Seek(0, io.SeekCurrent)
	if err != nil {
		return errno(err)
	}
	nf, err := f.fs.root.OpenFile(f.path, osFlag(flag), 0)
	if err != nil {
		return errno(err)
	}
	a, err1 := f.o.cur.Stat()
	b, err2 := nf.Stat()
	if err1 != nil || err2 != nil || !os.SameFile(a, b) {
		nf.Close()
		return experimentalsys.ENOENT
	}
	if _, err := nf.Seek(off, io.SeekStart); err != nil {
		nf.Close()
		return errno(err)
	}
	g, e := f.fs.wrap(f.path, flag, nf)
	if e != 0 {
		return e
	}
	f.File.Close()
	*f = *g
	return 0
}

// Truncate sets the size of a regular file.
func (f *file) Truncate(size int64) experimentalsys.Errno {
	if dir, e := f.IsDir(); e != 0 || dir {
		if dir {
			return experimentalsys.EISDIR
		}
		return e
	}
	if size < 0 {
		return experimentalsys.EINVAL
	}
	return errno(f.o.cur.Truncate(size))
}

// Sync flushes the file.
func (f *file) Sync() experimentalsys.Errno { return errno(f.o.cur.Sync()) }

// Datasync flushes the file's data (a full sync).
func (f *file) Datasync() experimentalsys.Errno { return f.Sync() }

// Utimens sets the times of the file by its path inside the root.
func (f *file) Utimens(atim, mtim int64) experimentalsys.Errno {
	if _, e := f.Stat(); e != 0 {
		return e
	}
	return errno(f.fs.root.Chtimes(f.path, epoch(atim), epoch(mtim)))
}
