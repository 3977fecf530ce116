//go:build unix

package runtime

import (
	"os"
	"syscall"
)

// privateEntry says whether cache entry fi, in directory dir, can have
// been written by the user running this process alone: both are owned by
// the effective user, and neither group nor others may write them.
func privateEntry(fi os.FileInfo, dir string) bool {
	di, err := os.Stat(dir)
	return err == nil && di.IsDir() && ownPrivate(fi) && ownPrivate(di)
}

func ownPrivate(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid() && fi.Mode().Perm()&0o022 == 0
}
