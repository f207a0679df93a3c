"""The order generator of the demo shop, in parts: the shared state (`base`), who buys
(`people`), checkout, refunds, the lifecycle after checkout, the ledger, and the two
shops' order makers (`orders`, `orders_eu`)."""
