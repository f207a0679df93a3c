"""A small hand-made Shopify shop (three, in fact) as contract-2 raw tables, and helpers to
run dbt on them.

Two nightly syncs (`us.SYNCS[0]`, `us.SYNCS[1]`) hold every tricky case of docs/metrics.md;
the expected mart values in the tests are computed by hand from these records. `eu` is a
tax-inclusive EU shop (issue 16), `west` a third shop whose ids collide with both (issue 19).

- `blocks`, `eu_blocks`: the records' building blocks (Shopify REST shapes, as
  source-shopify emits them)
- `us`, `eu`, `west`: the shops' records, sync by sync
- `raw`: the shops as raw.* rows of DuckDB or Snowflake
- `runner`: dbt on those tables
"""
