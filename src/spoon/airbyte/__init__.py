"""airbyte: see cli.py."""
