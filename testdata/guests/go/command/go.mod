module github.com/wasifill/wasifill/testdata/guests/go/command

go 1.26
