"""Import one file into the store: read it, recognise its kind, load it in one transaction."""
