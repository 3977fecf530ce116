module importfill

go 1.26
