module exportfill

go 1.26
