package wasip2_test

import (
	"os"
	"syscall"
)

// nlink is a file's hard-link count (1 where the platform does not say).
func nlink(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
