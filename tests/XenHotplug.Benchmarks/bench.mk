# `make bench`: stock vif-bridge versus vif-multibridge in network namespaces it creates and deletes (root).
# Included from the top Makefile with:  -include tests/XenHotplug.Benchmarks/bench.mk
BENCH_PROJECT := tests/XenHotplug.Benchmarks/XenHotplug.Benchmarks.csproj
BENCH_DLL     := tests/XenHotplug.Benchmarks/bin/$(or $(CONFIG),Release)/net10.0/XenHotplug.Benchmarks.dll
BENCH_ARGS    ?=
# The balancer's throughput and failover benchmark (iperf3 over tc-shaped uplinks): --seconds N of traffic per run (30),
# --failover-runs N (5), --failover-only yes, --trace DIR (diagnosis, needs tcpdump: captures, ping and watch logs of each failover run).
BALANCE_BENCH_ARGS ?=
# The scale section: online, offline, status and balance --dry-run with 0, 256 and 1024 guests attached:
# --levels 0,256,1024, --probes N vifs per level (16), --runs N of status (10).
SCALE_BENCH_ARGS ?=

.PHONY: bench
bench: build
	$(or $(DOTNET),dotnet) build $(BENCH_PROJECT) -c $(or $(CONFIG),Release) --no-restore -v quiet -nologo
	XEN_MULTIBRIDGE_BIN=$(or $(OUT),$(CURDIR)/out) $(or $(DOTNET),dotnet) $(BENCH_DLL) --out $(or $(OUT),$(CURDIR)/out)/bench-results.txt $(BENCH_ARGS)
	XEN_MULTIBRIDGE_BIN=$(or $(OUT),$(CURDIR)/out) $(or $(DOTNET),dotnet) $(BENCH_DLL) --balance --out $(or $(OUT),$(CURDIR)/out)/bench-balance.txt $(BALANCE_BENCH_ARGS)
	XEN_MULTIBRIDGE_BIN=$(or $(OUT),$(CURDIR)/out) $(or $(DOTNET),dotnet) $(BENCH_DLL) --scale --out $(or $(OUT),$(CURDIR)/out)/bench-scale.txt $(SCALE_BENCH_ARGS)
