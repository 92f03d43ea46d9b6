# git-draft: build, install, test.
#
#   make install                 build and install under /usr/local (needs root for that prefix)
#   make install PREFIX=~/.local  or anywhere else; DESTDIR=... stages an install for packaging
#   make test                    install build dependencies, then run the test suite
#   make demo                    `git draft run` end to end with the bundled example agent, in a
#                                scratch repository (no API key, no network)
#   make bench                   the benchmarks (scripts/bench.sh, then scripts/bench-run.sh)
#
# BUILDDIR names SwiftPM's build folder (default .build); extra `swift build` flags go in
# SWIFTFLAGS.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
MAN1DIR ?= $(MANDIR)/man1

SWIFT ?= swift
BUILDDIR ?= .build
SWIFTFLAGS ?=
INSTALL ?= install

SWIFTPM = --scratch-path $(BUILDDIR) $(SWIFTFLAGS)
# Release builds link the Swift runtime statically: each command starts in ~6 ms instead of
# ~9 ms, which matters for a tool run thousands of times by scripts and agents. lld, because
# gold prints a warning about glibc's mktemp from Foundation's static archive.
RELEASE = -c release --static-swift-stdlib -Xswiftc -use-ld=lld $(SWIFTPM)
MANPAGES = $(wildcard man/*.1)

.PHONY: all deps build install uninstall test bench bench-run demo format clean

all: build

# Debian packages the build needs (libgit2-dev, pkg-config, git); quiet when present.
deps:
	@bash scripts/install-deps.sh

build:
	$(SWIFT) build $(RELEASE)

# Steps run in order even under `make -j`: dependencies, build, copy.
install:
	@bash scripts/install-deps.sh
	$(SWIFT) build $(RELEASE)
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MAN1DIR)"
	$(INSTALL) -m 755 "$$($(SWIFT) build $(RELEASE) --show-bin-path)/git-draft" \
		"$(DESTDIR)$(BINDIR)/git-draft"
	$(INSTALL) -m 644 $(MANPAGES) "$(DESTDIR)$(MAN1DIR)/"
	$(INSTALL) -d "$(DESTDIR)$(PREFIX)/share/git-draft/hooks"
	$(INSTALL) -m 755 hooks/post-commit hooks/pre-push "$(DESTDIR)$(PREFIX)/share/git-draft/hooks/"
	@echo "Installed $(DESTDIR)$(BINDIR)/git-draft and $(words $(MANPAGES)) man pages in $(DESTDIR)$(MAN1DIR)"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/git-draft"
	rm -f "$(DESTDIR)$(MAN1DIR)"/git-draft.1 "$(DESTDIR)$(MAN1DIR)"/git-draft-*.1
	rm -f "$(DESTDIR)$(PREFIX)/share/git-draft/hooks/post-commit" "$(DESTDIR)$(PREFIX)/share/git-draft/hooks/pre-push"
	-rmdir "$(DESTDIR)$(PREFIX)/share/git-draft/hooks" "$(DESTDIR)$(PREFIX)/share/git-draft" 2>/dev/null

test:
	@bash scripts/install-deps.sh --test
	$(SWIFT) test $(SWIFTPM)

bench:
	@bash scripts/bench.sh
	@bash scripts/bench-run.sh

# `git draft run` against plain git in a repository of 20,000 files; part of `make bench`.
bench-run:
	@bash scripts/bench-run.sh

# The run loop with examples/example-agent in a scratch repository it leaves for you to look at.
demo:
	$(SWIFT) build $(RELEASE)
	@GIT_DRAFT="$$($(SWIFT) build $(RELEASE) --show-bin-path)/git-draft" bash scripts/demo.sh

format:
	$(SWIFT) format -i -r Sources Tests Package.swift

clean:
	rm -rf "$(BUILDDIR)"
