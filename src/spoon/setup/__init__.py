"""bootstrap: see cli.py."""
