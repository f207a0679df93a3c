# Demo shop generator. (`make shopify-schemas`, which fetches source-shopify's stream schemas
# for the conformance test, is in the Makefile: `make test` needs it.)
.PHONY: test-demo demo-extract

test-demo: setup shopify-schemas ## Run the demo shop's tests (determinism, schemas, syncs, ground truth)
	@$(BIN)/pytest -q tests/unit/demo

demo-extract: setup ## Generate (or advance) the demo shop in the lake with the settings in .env
	@$(BIN)/spoon extract --source demo
