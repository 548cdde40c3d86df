# stridec: a threat-model compiler.
#
#   make            build ./stridec and build/libstridec.a (installs missing Debian packages as root)
#   make run        build and run the main job on the shipped example model
#   make check      build and run the whole test suite (Check)
#   make asan       the suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   the suite and the example runs under valgrind
#   make fuzz       run every fuzz target (libFuzzer with clang; FUZZ_SECONDS each)
#   make bench      performance figures (10,000-element model and more)
#   make install    PREFIX=/usr/local DESTDIR= (binary, data, man pages, bash completion)
#   make deps       install the Debian packages stridec needs (root), or list them

PREFIX     ?= /usr/local
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
CC         ?= cc
HPDF_LIBS  ?= -lhpdf
VERSION    := 0.1.0
# The project's home: SARIF rule links (helpUri) and informationUri point into it.
URL        ?= https://github.com/stridec/stridec

PKGS       := libxml-2.0 libcjson yaml-0.1 libcgraph libgvc glib-2.0 zlib
# Debian packages: build, test and report-checking tools.
DEB_BUILD  := gcc make pkg-config libxml2-dev libcjson-dev libyaml-dev libgraphviz-dev \
              libhpdf-dev libglib2.0-dev zlib1g-dev fonts-dejavu-core
DEB_TEST   := check valgrind libxml2-utils graphviz poppler-utils openssl groff-base man-db chromium
DEB_ALL    := $(DEB_BUILD) $(DEB_TEST)

WARN       := -Wall -Wextra -pedantic -Wstrict-prototypes -Wwrite-strings -Wshadow \
              -Wno-unused-parameter -Werror
OPT        ?= -O2 -g
DEFS       := -D_POSIX_C_SOURCE=200809L -DSTRIDEC_VERSION='"$(VERSION)"' -DSTRIDEC_URL='"$(URL)"'
PKG_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) $(HPDF_LIBS) -lm
CHECK_LIBS  = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
CFLAGS     ?=
ALL_CFLAGS  = -std=c11 $(WARN) $(OPT) $(DEFS) -Iinclude -Isrc -I$(B) $(PKG_CFLAGS) $(CFLAGS)
# Graphviz's and GLib's headers are not -pedantic clean: include them as system headers.
ALL_CFLAGS += $(patsubst -I%,-isystem %,$(filter -I%graphviz% -I%glib%,$(PKG_CFLAGS)))

B          ?= build
LIB_SRC    := $(sort $(wildcard src/base/*.c src/doc/*.c src/model/*.c src/iam/*.c src/import/*.c \
                src/engine/*.c src/render/*.c src/render/dfd/*.c))
CLI_SRC    := $(sort $(wildcard src/cli/*.c))
TEST_SRC   := $(sort $(wildcard tests/unit/*.c))
EMBED_IN   := $(sort $(wildcard share/stridec/types.yaml share/stridec/iam/*.yaml share/stridec/iam/*.jsonl \
                share/stridec/paths/*.yaml \
                share/stridec/rules/*.yaml \
                share/stridec/rules/*.json share/stridec/rules/*.xml templates/*)) \
              share/stridec/schema/stridec-model.schema.json \
              $(sort $(wildcard share/stridec/starter.yaml models/*.yaml models/*.json \
                models/*.xml models/*/*))
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o) $(B)/embedded.o
CLI_OBJ    := $(CLI_SRC:%.c=$(B)/%.o)
TEST_OBJ   := $(TEST_SRC:%.c=$(B)/%.o)
LIB        := $(B)/libstridec.a
BIN        := stridec
TEST_BIN   := $(B)/stridec-tests

.PHONY: all deps deps-build run check test asan valgrind fuzz fuzz-run bench install clean distclean

all: $(B)/.deps-ok $(BIN)

# ------------------------------------------------------------------ deps
# Installs what is missing when root (apt-get, non-interactive); otherwise
# prints the exact apt-get command and stops.
deps:
	@DEB="$(DEB_ALL)" sh tests/tools/deps.sh

# Only what the build needs (the GitHub Action installs these).
deps-build:
	@DEB="$(DEB_BUILD)" sh tests/tools/deps.sh

$(B)/.deps-ok: tests/tools/deps.sh
	@mkdir -p $(B)
	@DEB="$(DEB_BUILD)" sh tests/tools/deps.sh
	@touch $@

$(B)/.deps-test-ok: tests/tools/deps.sh
	@mkdir -p $(B)
	@DEB="$(DEB_ALL)" sh tests/tools/deps.sh
	@touch $@

# ----------------------------------------------------------------- build
$(B)/%.o: %.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/embed: src/tools/embed.c | $(B)/.deps-ok
	@mkdir -p $(B)
	$(CC) -std=c11 $(WARN) -O1 $< -o $@

$(B)/embedded.c: $(B)/embed $(EMBED_IN)
	$(B)/embed $(EMBED_IN) > $@.tmp && mv $@.tmp $@

$(B)/embedded.o: $(B)/embedded.c
	$(CC) -std=c11 -O1 -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(CLI_OBJ) $(LIB) $(PKG_LIBS) $(LDFLAGS) -o $@

run: all
	./$(BIN) report models/serverless-webapp.yaml -o stridec-out
	@echo "report written to stridec-out/ (open stridec-out/report.html)"

# ----------------------------------------------------------------- tests
# Each tests/unit/*.c defines one or more `Suite *suite_NAME(void)`; the
# runner's list is generated from them.
$(B)/suites.inc: $(TEST_SRC)
	@mkdir -p $(B)
	@grep -ho 'Suite \*suite_[a-z0-9_]*(void)' $(TEST_SRC) | sed 's/Suite \*\(suite_[a-z0-9_]*\)(void)/X(\1)/' | sort -u > $@.tmp
	@mv $@.tmp $@

$(B)/tests/unit/runner.o: $(B)/suites.inc

$(TEST_BIN): $(TEST_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(TEST_OBJ) $(LIB) $(PKG_LIBS) $(CHECK_LIBS) $(LDFLAGS) -o $@

# STRIDEC_MAKE_VARS: what the install test passes to `make install`, so it
# installs this build (and builds nothing).
check: $(B)/.deps-test-ok all $(TEST_BIN)
	STRIDEC_BIN=$(CURDIR)/$(BIN) STRIDEC_ROOT=$(CURDIR) STRIDEC_MAKE_VARS="B=$(B) BIN=$(BIN)" ./$(TEST_BIN)

test: check

asan:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(MAKE) B=build-asan BIN=build-asan/stridec OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check

VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
            --suppressions=$(CURDIR)/tests/valgrind.supp
valgrind: $(B)/.deps-test-ok all $(TEST_BIN)
	CK_FORK=no STRIDEC_BIN=$(CURDIR)/$(BIN) STRIDEC_ROOT=$(CURDIR) STRIDEC_SKIP_SLOW=1 \
	  STRIDEC_MAKE_VARS="B=$(B) BIN=$(BIN)" $(VALGRIND) ./$(TEST_BIN)
	sh tests/tools/valgrind-examples.sh "$(VALGRIND)" ./$(BIN)

# ------------------------------------------------------------------ fuzz
FUZZ_SECONDS ?= 30
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
fuzz: all
	URL="$(URL)" sh tests/tools/fuzz.sh "$(FUZZ_SECONDS)" $(FUZZ_SRC)

# ----------------------------------------------------------------- bench
bench: $(B)/.deps-test-ok all $(TEST_BIN)
	sh tests/bench/bench.sh ./$(BIN)

# --------------------------------------------------------------- install
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/stridec/rules $(DESTDIR)$(PREFIX)/share/stridec/iam \
	  $(DESTDIR)$(PREFIX)/share/stridec/paths \
	  $(DESTDIR)$(PREFIX)/share/stridec/schema $(DESTDIR)$(PREFIX)/share/stridec/templates \
	  $(DESTDIR)$(PREFIX)/share/stridec/models $(DESTDIR)$(PREFIX)/share/doc/stridec \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/stridec
	install -m 644 share/stridec/types.yaml $(DESTDIR)$(PREFIX)/share/stridec/
	install -m 644 share/stridec/rules/* $(DESTDIR)$(PREFIX)/share/stridec/rules/
	install -m 644 share/stridec/iam/* $(DESTDIR)$(PREFIX)/share/stridec/iam/
	install -m 644 share/stridec/paths/* $(DESTDIR)$(PREFIX)/share/stridec/paths/
	install -m 644 share/stridec/schema/* $(DESTDIR)$(PREFIX)/share/stridec/schema/
	install -m 644 templates/* $(DESTDIR)$(PREFIX)/share/stridec/templates/
	install -m 644 README.md share/stridec/doc/*.md $(DESTDIR)$(PREFIX)/share/doc/stridec/
	install -m 644 share/man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 share/bash-completion/completions/stridec \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/stridec
	cp -R models/. $(DESTDIR)$(PREFIX)/share/stridec/models/
	chmod -R u+rwX,go+rX,go-w $(DESTDIR)$(PREFIX)/share/stridec/models

clean:
	rm -rf build build-* stridec-out $(BIN)

distclean: clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
