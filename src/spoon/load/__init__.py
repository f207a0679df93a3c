"""Load: the lake (Parquet, contract 1), the loaders into the warehouse, the Snowpipe wait."""
