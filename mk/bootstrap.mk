# Production setup: Snowflake and AWS as code (docs/production-setup.md).
.PHONY: keygen bootstrap-snowflake bootstrap-aws bootstrap-plan

keygen: setup ## Make the Snowflake service users' key pairs (outside the repo; existing keys kept)
	@$(BIN)/spoon bootstrap keygen

bootstrap-plan: setup ## Show what bootstrap-snowflake and bootstrap-aws would do (no changes)
	@$(BIN)/spoon bootstrap aws --plan
	@$(BIN)/spoon bootstrap snowflake --plan

bootstrap-aws: setup ## Create/update the lake bucket, Snowflake's IAM role and the bucket notification
	@$(BIN)/spoon bootstrap aws

bootstrap-snowflake: setup ## Apply snowflake/*.sql in order, then print what the AWS side needs
	@$(BIN)/spoon bootstrap snowflake
