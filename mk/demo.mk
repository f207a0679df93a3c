# Demo shop generator: source-shopify's stream schemas for the conformance test.
SHOPIFY_SCHEMAS_VERSION := 4.3.0
SHOPIFY_SCHEMAS_DIR := .cache/source-shopify-$(SHOPIFY_SCHEMAS_VERSION)
SHOPIFY_SCHEMAS_STAMP := $(SHOPIFY_SCHEMAS_DIR)/source_shopify/schemas/orders.json

.PHONY: shopify-schemas test-demo demo-extract

shopify-schemas: $(SHOPIFY_SCHEMAS_STAMP) ## Fetch source-shopify's JSON stream schemas (test-only, into .cache/); quiet when done
	@:

$(SHOPIFY_SCHEMAS_STAMP): | setup
	@echo "• fetching airbyte-source-shopify==$(SHOPIFY_SCHEMAS_VERSION) (schemas only) into $(SHOPIFY_SCHEMAS_DIR)"
	@rm -rf $(SHOPIFY_SCHEMAS_DIR).tmp && mkdir -p $(SHOPIFY_SCHEMAS_DIR).tmp/wheel
	@$(BIN)/pip download -q --no-deps --only-binary=:all: \
	  airbyte-source-shopify==$(SHOPIFY_SCHEMAS_VERSION) -d $(SHOPIFY_SCHEMAS_DIR).tmp/wheel
	@$(BIN)/python -c "import sys, zipfile, glob; \
	  z = zipfile.ZipFile(glob.glob(sys.argv[1] + '/wheel/*.whl')[0]); \
	  z.extractall(sys.argv[1], [n for n in z.namelist() if n.startswith('source_shopify/schemas/')])" \
	  $(SHOPIFY_SCHEMAS_DIR).tmp
	@rm -rf $(SHOPIFY_SCHEMAS_DIR).tmp/wheel $(SHOPIFY_SCHEMAS_DIR) && mv $(SHOPIFY_SCHEMAS_DIR).tmp $(SHOPIFY_SCHEMAS_DIR)

# `make test` runs the schema conformance test, which fails (never skips) without the schemas.
test: shopify-schemas

test-demo: setup shopify-schemas ## Run the demo shop's tests (determinism, schemas, syncs, ground truth)
	@$(BIN)/pytest -q tests/unit/demo

demo-extract: setup ## Generate (or advance) the demo shop in the lake with the settings in .env
	@$(BIN)/spoon extract --source demo
