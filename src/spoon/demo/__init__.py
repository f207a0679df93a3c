"""The demo shop: a deterministic Shopify generator and its ground truth."""
