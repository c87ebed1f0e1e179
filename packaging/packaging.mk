# Packaging for xen-multibridge; included by the top Makefile (-include packaging/packaging.mk).
#
#   make deb            packaging/build/xen-multibridge_<version>_amd64.deb
#   make rpm            packaging/build/xen-multibridge-<version>-1.x86_64.rpm
#   make install        install the same tree without a package manager:
#                       make install DESTDIR=/tmp/root PREFIX=/usr  (needs `make build` first)
#   make package-deps   apt-get install what deb/rpm/lint need (dpkg-dev lintian rpm cpio groff-base man-db)
#   make lint           lintian on the .deb and groff warnings on the man pages
#
# deb and rpm are built from one staged `make install` tree, so both contain the same files.
# The version comes from <Version> in Directory.Build.props.

PKG_NAME      := xen-multibridge
PKG_TOP       := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
PKG_SRC       := $(PKG_TOP)/packaging
PKG_HOTPLUG   := $(PKG_TOP)/hotplug
PKG_BUILDDIR  := $(PKG_SRC)/build
PKG_BIN       ?= $(if $(OUT),$(OUT),$(PKG_TOP)/out)
VERSION       := $(shell sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' '$(PKG_TOP)/Directory.Build.props' | head -n1)
PKG_RELEASE   ?= 1
# The AOT executables are built for the build host, so the packages carry its architecture.
DEB_ARCH      ?= $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
RPM_ARCH      ?= $(shell uname -m)
MAINTAINER    ?= XenHotplug maintainers <maintainers@users.noreply.r-seed-e9440b4f.example>
# The project's public home page, when it has one: empty leaves Homepage:/URL: out of the packages.
HOMEPAGE      ?=

# Install layout (make install honours DESTDIR and PREFIX; the packages use PREFIX=/usr).
PREFIX        ?= /usr
DESTDIR       ?=
SYSCONFDIR    ?= /etc
XEN_SCRIPTDIR ?= $(SYSCONFDIR)/xen/scripts
# One unit path for both packages: /usr/lib/systemd/system, where Debian 13 (merged /usr) and the rpm
# distributions keep units; systemd reads it on Debian 12 as well (the unit search path has both).
UNITDIR       ?= /usr/lib/systemd/system
PKGLIBDIR      = $(PREFIX)/lib/$(PKG_NAME)
SBINDIR        = $(PREFIX)/sbin
MANDIR         = $(PREFIX)/share/man
DOCDIR         = $(PREFIX)/share/doc/$(PKG_NAME)

PKG_PROGRAMS  := vif-multibridge network-multibridge
PKG_MAN8      := vif-multibridge.8 network-multibridge.8
PKG_MAN5      := multibridge.ini.5
PKG_STAGE     := $(PKG_BUILDDIR)/stage
PKG_DEBROOT   := $(PKG_BUILDDIR)/debroot
PKG_RPMTOP    := $(PKG_BUILDDIR)/rpmbuild
DEB_FILE      := $(PKG_BUILDDIR)/$(PKG_NAME)_$(VERSION)_$(DEB_ARCH).deb
RPM_FILE      := $(PKG_BUILDDIR)/$(PKG_NAME)-$(VERSION)-$(PKG_RELEASE).$(RPM_ARCH).rpm

# Reproducible archives: timestamps come from the last commit when there is one.
SOURCE_DATE_EPOCH ?= $(shell git -C '$(PKG_TOP)' log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH

.PHONY: deb rpm install uninstall package-deps lint pkg-stage pkg-check-version pkg-clean

# --- install ---------------------------------------------------------------------------------
install:
	@for p in $(PKG_PROGRAMS); do \
	  [ -x '$(PKG_BIN)'/$$p ] || { echo "install: $(PKG_BIN)/$$p is missing: run 'make build' first" >&2; exit 1; }; \
	done
	install -d -m 0755 '$(DESTDIR)$(PKGLIBDIR)' '$(DESTDIR)$(XEN_SCRIPTDIR)' '$(DESTDIR)$(SBINDIR)' '$(DESTDIR)$(UNITDIR)' \
	  '$(DESTDIR)$(MANDIR)/man5' '$(DESTDIR)$(MANDIR)/man8' '$(DESTDIR)$(DOCDIR)/examples'
	for p in $(PKG_PROGRAMS); do \
	  install -m 0755 '$(PKG_BIN)'/$$p '$(DESTDIR)$(PKGLIBDIR)'/$$p && \
	  ln -sfn '$(PKGLIBDIR)'/$$p '$(DESTDIR)$(XEN_SCRIPTDIR)'/$$p && \
	  ln -sfn '$(PKGLIBDIR)'/$$p '$(DESTDIR)$(SBINDIR)'/$$p || exit 1; \
	done
	@# A configuration the administrator already has is never overwritten.
	if [ -e '$(DESTDIR)$(SYSCONFDIR)/xen/multibridge.ini' ]; then \
	  echo "install: keeping existing $(DESTDIR)$(SYSCONFDIR)/xen/multibridge.ini"; \
	else \
	  install -m 0644 '$(PKG_HOTPLUG)/multibridge.ini' '$(DESTDIR)$(SYSCONFDIR)/xen/multibridge.ini'; \
	fi
	install -m 0644 '$(PKG_HOTPLUG)/xen-multibridge.service' '$(DESTDIR)$(UNITDIR)/xen-multibridge.service'
	install -m 0644 '$(PKG_HOTPLUG)/xen-multibridge-balancer.service' '$(DESTDIR)$(UNITDIR)/xen-multibridge-balancer.service'
	for m in $(PKG_MAN8) $(PKG_MAN5); do \
	  sed 's/@VERSION@/$(VERSION)/g' '$(PKG_SRC)/man'/$$m | gzip -9n > '$(DESTDIR)$(MANDIR)'/man$${m##*.}/$$m.gz && \
	  chmod 0644 '$(DESTDIR)$(MANDIR)'/man$${m##*.}/$$m.gz || exit 1; \
	done
	install -m 0644 '$(PKG_SRC)/debian/copyright' '$(DESTDIR)$(DOCDIR)/copyright'
	gzip -9n < '$(PKG_SRC)/debian/changelog' > '$(DESTDIR)$(DOCDIR)/changelog.gz'
	chmod 0644 '$(DESTDIR)$(DOCDIR)/changelog.gz'
	install -m 0644 '$(PKG_HOTPLUG)/xend-config.sxp.snippet' '$(PKG_HOTPLUG)/xl.conf.snippet' '$(DESTDIR)$(DOCDIR)/examples/'

uninstall:
	rm -f $(foreach p,$(PKG_PROGRAMS),'$(DESTDIR)$(PKGLIBDIR)/$(p)' '$(DESTDIR)$(XEN_SCRIPTDIR)/$(p)' '$(DESTDIR)$(SBINDIR)/$(p)') \
	  '$(DESTDIR)$(UNITDIR)/xen-multibridge.service' '$(DESTDIR)$(UNITDIR)/xen-multibridge-balancer.service' \
	  $(foreach m,$(PKG_MAN8),'$(DESTDIR)$(MANDIR)/man8/$(m).gz') $(foreach m,$(PKG_MAN5),'$(DESTDIR)$(MANDIR)/man5/$(m).gz')
	rm -rf '$(DESTDIR)$(DOCDIR)'
	-rmdir '$(DESTDIR)$(PKGLIBDIR)'
	@echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/xen/multibridge.ini is left in place"

# --- staging (shared by deb and rpm) ---------------------------------------------------------
pkg-check-version:
	@[ -n '$(VERSION)' ] || { echo "packaging: no <Version> in Directory.Build.props" >&2; exit 1; }
	@top=$$(sed -n '1s/^$(PKG_NAME) (\([^)]*\)).*/\1/p' '$(PKG_SRC)/debian/changelog'); \
	[ "$$top" = '$(VERSION)' ] || { echo "packaging: packaging/debian/changelog starts at '$$top' but Directory.Build.props says '$(VERSION)': add a changelog entry" >&2; exit 1; }

pkg-stage: build pkg-check-version
	rm -rf '$(PKG_STAGE)'
	$(MAKE) --no-print-directory -f '$(PKG_TOP)/Makefile' -C '$(PKG_TOP)' install \
	  DESTDIR='$(PKG_STAGE)' PREFIX=/usr SYSCONFDIR=/etc UNITDIR='$(UNITDIR)' PKG_BIN='$(PKG_BIN)' >/dev/null

# --- deb -------------------------------------------------------------------------------------
deb: package-deps pkg-stage
	@command -v dpkg-deb >/dev/null || { echo "deb: dpkg-deb missing: make package-deps" >&2; exit 1; }
	rm -rf '$(PKG_DEBROOT)' '$(PKG_BUILDDIR)/shlibs'
	cp -a '$(PKG_STAGE)' '$(PKG_DEBROOT)'
	install -d -m 0755 '$(PKG_DEBROOT)/DEBIAN' '$(PKG_BUILDDIR)/shlibs/debian'
	install -m 0755 '$(PKG_SRC)/debian/postinst' '$(PKG_SRC)/debian/prerm' '$(PKG_SRC)/debian/postrm' '$(PKG_DEBROOT)/DEBIAN/'
	echo '$(SYSCONFDIR)/xen/multibridge.ini' > '$(PKG_DEBROOT)/DEBIAN/conffiles'
	@# Library dependencies of the AOT executables (libc6, libm) as dpkg-shlibdeps computes them.
	printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' '$(PKG_NAME)' '$(PKG_NAME)' > '$(PKG_BUILDDIR)/shlibs/debian/control'
	cd '$(PKG_BUILDDIR)/shlibs' && dpkg-shlibdeps -O $(foreach p,$(PKG_PROGRAMS),'$(PKG_DEBROOT)$(PKGLIBDIR)/$(p)') \
	  | sed -n 's/^shlibs:Depends=//p' > deps
	size=$$(du -sk --exclude=DEBIAN '$(PKG_DEBROOT)' | cut -f1); \
	shlibs=$$(cat '$(PKG_BUILDDIR)/shlibs/deps'); \
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@MAINTAINER@/$(MAINTAINER)/' -e '/@HOMEPAGE@/{s|@HOMEPAGE@|$(HOMEPAGE)|;/: *$$/d;}' \
	    -e 's/@ARCH@/$(DEB_ARCH)/' -e "s/@INSTALLED_SIZE@/$$size/" -e "s/@DEPENDS@/$${shlibs:+$$shlibs, }iproute2/" \
	    '$(PKG_SRC)/debian/control.in' > '$(PKG_DEBROOT)/DEBIAN/control'
	cd '$(PKG_DEBROOT)' && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' \
	  | LC_ALL=C sort -z | xargs -0r md5sum > DEBIAN/md5sums
	chmod 0644 '$(PKG_DEBROOT)/DEBIAN/control' '$(PKG_DEBROOT)/DEBIAN/conffiles' '$(PKG_DEBROOT)/DEBIAN/md5sums'
	dpkg-deb --root-owner-group -Zxz --build '$(PKG_DEBROOT)' '$(DEB_FILE)' >/dev/null
	rm -rf '$(PKG_DEBROOT)' '$(PKG_BUILDDIR)/shlibs'
	@echo "deb: $(DEB_FILE)"

# --- rpm -------------------------------------------------------------------------------------
rpm: package-deps pkg-stage
	@command -v rpmbuild >/dev/null || { echo "rpm: rpmbuild missing: make package-deps" >&2; exit 1; }
	rm -rf '$(PKG_RPMTOP)'
	install -d '$(PKG_RPMTOP)/SPECS' '$(PKG_RPMTOP)/RPMS' '$(PKG_RPMTOP)/BUILD' '$(PKG_RPMTOP)/tmp'
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@MAINTAINER@/$(MAINTAINER)/' -e '/@HOMEPAGE@/{s|@HOMEPAGE@|$(HOMEPAGE)|;/: *$$/d;}' \
	    -e 's|@STAGEDIR@|$(PKG_STAGE)|' -e 's|@UNITDIR@|$(UNITDIR)|' -e 's|@PKGLIBDIR@|/usr/lib/$(PKG_NAME)|g' \
	    -e 's|@MANDIR@|/usr/share/man|g' -e 's|@DOCDIR@|/usr/share/doc/$(PKG_NAME)|g' \
	    -e 's|^Release: .*|Release:        $(PKG_RELEASE)|' \
	    '$(PKG_SRC)/rpm/$(PKG_NAME).spec.in' > '$(PKG_RPMTOP)/SPECS/$(PKG_NAME).spec'
	rpmbuild -bb --quiet --target '$(RPM_ARCH)' \
	  --define '_topdir $(PKG_RPMTOP)' --define '_tmppath $(PKG_RPMTOP)/tmp' \
	  --define '_rpmdir $(PKG_RPMTOP)/RPMS' --define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' \
	  --define 'use_source_date_epoch_as_buildtime 1' --define 'clamp_mtime_to_source_date_epoch 1' \
	  --buildroot '$(PKG_RPMTOP)/BUILDROOT' \
	  '$(PKG_RPMTOP)/SPECS/$(PKG_NAME).spec'
	mv -f '$(PKG_RPMTOP)/RPMS/$(notdir $(RPM_FILE))' '$(RPM_FILE)'
	rm -rf '$(PKG_RPMTOP)'
	@echo "rpm: $(RPM_FILE)"

# --- checks and tools ------------------------------------------------------------------------
lint:
	@[ -f '$(DEB_FILE)' ] || { echo "lint: run 'make deb' first" >&2; exit 1; }
	lintian --fail-on error '$(DEB_FILE)'
	for m in $(PKG_MAN8) $(PKG_MAN5); do \
	  out=$$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z '$(PKG_SRC)/man'/$$m 2>&1); \
	  [ -z "$$out" ] || { echo "$$m: $$out" >&2; exit 1; }; \
	done

package-deps:
	@need=(); \
	command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev); \
	command -v lintian  >/dev/null || need+=(lintian); \
	command -v rpmbuild >/dev/null || need+=(rpm); \
	command -v rpm2cpio >/dev/null || need+=(rpm2cpio); \
	command -v cpio     >/dev/null || need+=(cpio); \
	command -v groff    >/dev/null || need+=(groff-base); \
	command -v man      >/dev/null || need+=(man-db); \
	if [ $${#need[@]} -gt 0 ]; then \
	  echo "package-deps: installing $${need[*]}"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends "$${need[@]}" >/dev/null; \
	fi

pkg-clean:
	rm -rf '$(PKG_BUILDDIR)'
