"""The Airbyte connection as code: definitions, diff, reconcile, `spoon airbyte …`."""
