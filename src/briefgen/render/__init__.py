"""One module per output format; each takes a Document (and the house style) and returns bytes."""
