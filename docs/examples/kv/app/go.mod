module kvapp

go 1.26
