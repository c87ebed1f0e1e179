# `make bench`: stock vif-bridge versus vif-multibridge in network namespaces it creates and deletes (root).
# Included from the top Makefile with:  -include tests/XenHotplug.Benchmarks/bench.mk
BENCH_PROJECT := tests/XenHotplug.Benchmarks/XenHotplug.Benchmarks.csproj
BENCH_DLL     := tests/XenHotplug.Benchmarks/bin/$(or $(CONFIG),Release)/net10.0/XenHotplug.Benchmarks.dll
BENCH_ARGS    ?=

.PHONY: bench
bench: build
	$(or $(DOTNET),dotnet) build $(BENCH_PROJECT) -c $(or $(CONFIG),Release) --no-restore -v quiet -nologo
	XEN_MULTIBRIDGE_BIN=$(or $(OUT),$(CURDIR)/out) $(or $(DOTNET),dotnet) $(BENCH_DLL) --out $(or $(OUT),$(CURDIR)/out)/bench-results.txt $(BENCH_ARGS)
