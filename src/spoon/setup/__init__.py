"""Setup: the cloud side (`spoon bootstrap …`, see cli.py), the Airbyte connection as code
(`airbyte/`), key pairs, and `spoon doctor`."""
