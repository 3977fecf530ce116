package rootfs

import (
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
)

func setup(t *testing.T) (top, dir string, fsys experimentalsys.FS) {
	t.Helper()
	top = t.TempDir()
	dir = filepath.Join(top, "granted")
	for _, err := range []error{
		os.WriteFile(filepath.Join(top, "secret"), []byte("SECRET"), 0o644),
		os.Mkdir(dir, 0o755),
		os.WriteFile(filepath.Join(dir, "f"), []byte("hello"), 0o644),
		os.Symlink("../secret", filepath.Join(dir, "out")),
		os.Symlink("f", filepath.Join(dir, "in")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return top, dir, New(root)
}

func read(t *testing.T, f experimentalsys.File) string {
	t.Helper()
	buf := make([]byte, 64)
	n, e := f.Read(buf)
	if e != 0 {
		t.Fatalf("read: %v", e)
	}
	return string(buf[:n])
}

// Every operation that names an outside file through a link, "..", or
// an absolute path fails with EPERM (or, for ".." components os.Root
// resolves lexically, ENOENT), and changes nothing outside.
func TestEscapes(t *testing.T) {
	top, dir, fsys := setup(t)
	for _, p := range []string{"out", "../secret", "/" + filepath.Join(top, "secret")} {
		if _, e := fsys.OpenFile(p, experimentalsys.O_RDONLY, 0); e == 0 {
			t.Errorf("open %s: no error", p)
		}
		if _, e := fsys.OpenFile(p, experimentalsys.O_WRONLY|experimentalsys.O_TRUNC, 0); e == 0 {
			t.Errorf("open %s for writing: no error", p)
		}
		if _, e := fsys.Stat(p); e == 0 {
			t.Errorf("stat %s: no error", p)
		}
		// A hard link of the link itself is a copy of the link (still
		// confined); of the outside file, refused.
		if e := fsys.Link(p, "hard"); e == 0 && p != "out" {
			t.Errorf("link %s: no error", p)
		}
		if e := fsys.Chmod(p, 0o600); e == 0 {
			t.Errorf("chmod %s: no error", p)
		}
		// Renaming moves the link itself, never the outside file.
		switch e := fsys.Rename(p, "moved"); {
		case p == "out" && e != 0:
			t.Errorf("rename of the link itself: %v", e)
		case p == "out":
			fsys.Rename("moved", "out")
		case e == 0:
			t.Errorf("rename %s: no error", p)
		}
	}
	if _, e := fsys.OpenFile("out", experimentalsys.O_RDONLY, 0); e != experimentalsys.EPERM {
		t.Errorf("open through an escaping link: %v, want EPERM", e)
	}
	if e := fsys.Symlink("/etc/passwd", "abs"); e != experimentalsys.EPERM {
		t.Errorf("symlink to an absolute path: %v, want EPERM", e)
	}
	if e := fsys.Symlink("../../../../../../secret", "chain"); e != 0 {
		t.Errorf("symlink (stored as text): %v", e)
	}
	if _, e := fsys.OpenFile("chain", experimentalsys.O_RDWR|experimentalsys.O_CREAT, 0o644); e == 0 {
		t.Errorf("open through a chain of ..: no error")
	}
	for _, to := range []string{"../stolen", "out/../../stolen", "/" + filepath.Join(top, "stolen")} {
		if e := fsys.Rename("f", to); e == 0 {
			t.Errorf("rename f to %s: no error", to)
		}
		if e := fsys.Link("f", to); e == 0 {
			t.Errorf("link f as %s: no error", to)
		}
		if e := fsys.Symlink("f", to); e == 0 {
			t.Errorf("symlink at %s: no error", to)
		}
	}
	if _, err := os.Lstat(filepath.Join(top, "stolen")); err == nil {
		t.Errorf("a file appeared outside the root")
	}
	if e := fsys.Utimens("out", 0, 0); e == 0 {
		t.Errorf("utimens through an escaping link: no error")
	}
	if b, _ := os.ReadFile(filepath.Join(top, "secret")); string(b) != "SECRET" {
		t.Errorf("secret changed: %q", b)
	}
	if fi, err := os.Stat(filepath.Join(top, "secret")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("secret's mode changed: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "hard")); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("a hard link to the outside file was made")
	}
	if fi, _ := os.Stat(filepath.Join(top, "secret")); nlink(fi) != 1 {
		t.Errorf("secret has %d links", nlink(fi))
	}
}

// Inside the root everything works: links, O_NOFOLLOW, append mode,
// truncation, listing and rewinding, removal.
func TestInside(t *testing.T) {
	_, dir, fsys := setup(t)
	f, e := fsys.OpenFile("in", experimentalsys.O_RDONLY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	if got := read(t, f); got != "hello" {
		t.Errorf("read through an inside link: %q", got)
	}
	f.Close()
	if _, e := fsys.OpenFile("in", experimentalsys.O_RDONLY|experimentalsys.O_NOFOLLOW, 0); e != experimentalsys.ELOOP {
		t.Errorf("O_NOFOLLOW on a link: %v, want ELOOP", e)
	}
	if s, e := fsys.Readlink("out"); e != 0 || s != "../secret" {
		t.Errorf("readlink = %q, %v", s, e)
	}
	f, e = fsys.OpenFile("f", experimentalsys.O_RDWR, 0)
	if e != 0 {
		t.Fatal(e)
	}
	if e := f.SetAppend(true); e != 0 || !f.IsAppend() {
		t.Fatalf("set append: %v", e)
	}
	if _, e := f.Write([]byte(" world")); e != 0 {
		t.Fatal(e)
	}
	if e := f.Truncate(8); e != 0 {
		t.Fatal(e)
	}
	if e := f.Sync(); e != 0 {
		t.Fatal(e)
	}
	if e := f.Utimens(1e9, experimentalsys.UTIME_OMIT); e != 0 {
		t.Fatal(e)
	}
	f.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "hello wo" {
		t.Errorf("f = %q", b)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "f")); fi.ModTime().Unix() == 1 {
		t.Errorf("UTIME_OMIT set mtime")
	}
	if e := fsys.Mkdir("d", 0o755); e != 0 {
		t.Fatal(e)
	}
	if e := fsys.Mkdir("nope/d", 0o755); e != experimentalsys.ENOENT {
		t.Errorf("mkdir under a missing directory: %v", e)
	}
	d, e := fsys.OpenFile(".", experimentalsys.O_RDONLY|experimentalsys.O_DIRECTORY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	names := func() []string {
		ents, e := d.Readdir(-1)
		if e != 0 {
			t.Fatal(e)
		}
		var out []string
		for _, x := range ents {
			out = append(out, x.Name)
		}
		sort.Strings(out)
		return out
	}
	if got := names(); len(got) != 4 {
		t.Errorf("listing = %v", got)
	}
	if _, e := d.Seek(0, io.SeekStart); e != 0 {
		t.Fatal(e)
	}
	if got := names(); len(got) != 4 {
		t.Errorf("listing after rewind = %v", got)
	}
	d.Close()
	if e := fsys.Unlink("d"); e != experimentalsys.EISDIR {
		t.Errorf("unlink of a directory: %v", e)
	}
	if e := fsys.Rmdir("f"); e != experimentalsys.ENOTDIR {
		t.Errorf("rmdir of a file: %v", e)
	}
	if e := fsys.Rmdir("d"); e != 0 {
		t.Error(e)
	}
	if e := fsys.Unlink("out"); e != 0 {
		t.Error(e)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "secret")); err != nil {
		t.Errorf("unlinking the link removed its target: %v", err)
	}
}

func nlink(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
