# XenHotplug — build, test, benchmark and demo entry points.
# `make` publishes the Native-AOT executables into out/; `make test` runs every test;
# `make demo` runs a simulated dom0 in network namespaces; `make bench` reports numbers.
DOTNET   ?= dotnet
CONFIG   ?= Release
OUT      ?= $(CURDIR)/out
SHELL    := /bin/bash

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all build deps restore test unit-test integration-test bench demo clean

all: build

deps:
	@tests/scripts/install-deps.sh

restore:
	$(DOTNET) restore XenHotplug.sln

build: restore
	$(DOTNET) publish src/VifMultibridge/VifMultibridge.csproj -c $(CONFIG) -o $(OUT) --no-restore
	$(DOTNET) publish src/NetworkMultibridge/NetworkMultibridge.csproj -c $(CONFIG) -o $(OUT) --no-restore
	$(DOTNET) build tests/XenstoreServer/XenstoreServer.csproj -c $(CONFIG) -o $(OUT)/xenstore-testd --no-restore
	@rm -f $(OUT)/*.dbg $(OUT)/*.pdb

test: deps build
	@OUT=$(OUT) CONFIG=$(CONFIG) tests/scripts/run-tests.sh

unit-test: restore
	@OUT=$(OUT) CONFIG=$(CONFIG) tests/scripts/run-tests.sh unit

integration-test: deps build
	@OUT=$(OUT) CONFIG=$(CONFIG) tests/scripts/run-tests.sh integration

demo: deps build
	@tests/demo/demo.sh

clean:
	rm -rf $(OUT) src/*/bin src/*/obj tests/*/bin tests/*/obj

-include packaging/packaging.mk
-include tests/XenHotplug.Benchmarks/bench.mk
