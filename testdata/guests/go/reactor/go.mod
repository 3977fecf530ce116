module github.com/wasifill/wasifill/testdata/guests/go/reactor

go 1.26
