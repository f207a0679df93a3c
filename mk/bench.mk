# Benchmarks (issue 9): wall time, memory and loader speed of the embedded pipeline.
# `make bench SIZES=10000` for a quick run. BENCH_DIR is the scratch folder (lakes and
# warehouses, several GB at 1M orders; each size's folder is replaced, then removed),
# BENCH_OUTPUT the results file, BENCH_ARGS more options of bench/run.py (see --help).
# Every setting points into BENCH_DIR and .env is ignored: data/ and your warehouse are
# never touched. `make bench-report` prints the table of the last results again.
SIZES ?= 10000,100000,1000000
BENCH_DIR ?= $${TMPDIR:-/tmp}/spoon-bench
BENCH_OUTPUT ?= bench/results.json
BENCH_ARGS ?=

.PHONY: bench bench-report

bench: setup ## Benchmark the pipeline at 10k/100k/1M orders (SIZES=10000 quick); table + bench/results.json
	@$(BIN)/python bench/run.py --sizes $(SIZES) --workdir "$(BENCH_DIR)" --output "$(BENCH_OUTPUT)" $(BENCH_ARGS)

bench-report: setup ## Print the table of the last benchmark (bench/results.json)
	@$(BIN)/python bench/run.py --report "$(BENCH_OUTPUT)"
