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

.PHONY: all build deps restore test unit-test integration-test test-kernel xenstored-aot test-xen bench demo clean

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
	@$(MAKE) --no-print-directory test-kernel
	@$(MAKE) --no-print-directory test-xen

unit-test: restore
	@OUT=$(OUT) CONFIG=$(CONFIG) tests/scripts/run-tests.sh unit

integration-test: deps build
	@OUT=$(OUT) CONFIG=$(CONFIG) tests/scripts/run-tests.sh integration

# Debian's own kernel in QEMU, no Xen (tests/kernel/): what this machine's kernel lacks (802.1Q, bridge VLAN
# filtering, bonding), with the .deb installed and the project's xenstore server (Native AOT) in the VM.
KERNEL_TEST_TIMEOUT ?= 900
xenstored-aot:
	$(DOTNET) publish tests/XenstoreServer/XenstoreServer.csproj -c $(CONFIG) -r linux-x64 -p:PublishAot=true -p:StripSymbols=true -o $(OUT)/xenstore-testd-aot
	@rm -f $(OUT)/xenstore-testd-aot/*.dbg $(OUT)/xenstore-testd-aot/*.pdb
test-kernel: deb xenstored-aot
	@tests/xen/install-deps.sh
	@timeout --kill-after=30 $(KERNEL_TEST_TIMEOUT) tests/kernel/run.sh '$(DEB_FILE)' '$(OUT)/xenstore-testd-aot/xenstore-testd' || { rc=$$?; \
	  if [ $$rc -ge 124 ]; then echo "FAIL make test-kernel finished within $(KERNEL_TEST_TIMEOUT) s"; echo "kernel-tests: 0 passed, 1 failed"; fi; exit 1; }

# Real Xen in QEMU, the .deb installed in dom0, real `xl create` (tests/xen/): XEN_SUITE=trixie (Debian 13,
# Xen 4.20; the default) or XEN_SUITE=bookworm (Debian 12, Xen 4.17), each image cached on its own.
XEN_SUITE ?= trixie
export XEN_SUITE
# The dom0 image is cached in $(XMB_CACHE); the whole run is capped at $(XEN_TEST_TIMEOUT) s.
XMB_CACHE        ?= /var/cache/xen-multibridge-test
XEN_TEST_TIMEOUT ?= 1500
export XMB_CACHE
test-xen: deb
	@tests/xen/install-deps.sh
	@timeout --kill-after=30 $(XEN_TEST_TIMEOUT) tests/xen/run.sh '$(DEB_FILE)' || { rc=$$?; \
	  if [ $$rc -ge 124 ]; then echo "FAIL make test-xen finished within $(XEN_TEST_TIMEOUT) s"; echo "xen-tests: 0 passed, 1 failed"; fi; exit 1; }

demo: deps build
	@tests/demo/demo.sh

clean:
	rm -rf $(OUT) src/*/bin src/*/obj tests/*/bin tests/*/obj

-include packaging/packaging.mk
-include tests/XenHotplug.Benchmarks/bench.mk
