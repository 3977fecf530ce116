// Command procbench runs each command line N times, interleaved, and prints
// the 10th, 50th and 90th percentiles of each one's wall time and CPU time
// (user + system, from the child's rusage): whole-process timing for
// docs/benchmarks.md. On a shared machine the CPU time is the steadier
// figure.
//
//	go run ./witparse/witconv/testdata/procbench -n 50 "cmd args" "cmd2 args"
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 50, "runs per command")
	flag.Parse()
	cmds := flag.Args() // each a quoted command line
	wall := make([][]time.Duration, len(cmds))
	cpu := make([][]time.Duration, len(cmds))
	for i := 0; i < *n; i++ {
		for j, c := range cmds {
			f := strings.Fields(c)
			cmd := exec.Command(f[0], f[1:]...)
			cmd.Stdout, cmd.Stderr = nil, nil
			t := time.Now()
			if err := cmd.Run(); err != nil {
				fmt.Fprintln(os.Stderr, c, err)
				os.Exit(1)
			}
			wall[j] = append(wall[j], time.Since(t))
			cpu[j] = append(cpu[j], cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		}
	}
	q := func(d []time.Duration, p float64) string {
		s := append([]time.Duration(nil), d...)
		sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
		return fmt.Sprintf("%.1f", float64(s[int(p*float64(len(s)-1))].Microseconds())/1000)
	}
	fmt.Printf("%-60s %22s %22s\n", "command", "wall ms p10/p50/p90", "cpu ms p10/p50/p90")
	for j, c := range cmds {
		fmt.Printf("%-60s %22s %22s\n", c, q(wall[j], .1)+"/"+q(wall[j], .5)+"/"+q(wall[j], .9), q(cpu[j], .1)+"/"+q(cpu[j], .5)+"/"+q(cpu[j], .9))
	}
}
