"""The variables the definitions in airbyte/ reference, with fake values: what a `.env`
gives `load_definitions` and `spoon airbyte` in the tests."""

from __future__ import annotations

DEFINITION_VARS = {
    "SPOON_SHOPIFY_SHOP": "willows-spoon",
    "SPOON_SHOPIFY_ACCESS_TOKEN": "shpat_test_token",
    "SPOON_S3_BUCKET": "willows-lake",
    "SPOON_AIRBYTE_S3_ACCESS_KEY_ID": "AKIATEST",
    "SPOON_AIRBYTE_S3_SECRET_ACCESS_KEY": "s3-secret",
}
