"""Extract: the demo shop, source-shopify through PyAirbyte, the Airbyte sync."""
