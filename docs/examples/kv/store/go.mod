module kvstore

go 1.26
