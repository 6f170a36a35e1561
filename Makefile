# tcpadvise: TCP sysctl tuning advisor and applier.
#
#   make                 build ./tcpadvise
#   make check           unit tests, CLI tests, live tests (root + unshare), man-page lint
#   make install         PREFIX=/usr/local DESTDIR=  (make uninstall: the same files)
#   make deb             build/tcpadvise_VERSION_ARCH.deb (debhelper, debian/)
#   make DEVELOPER=1     add -Werror
#   make SANITIZE=address,undefined   build with sanitizers
#   make VALGRIND=1 check             run unit and CLI tests under valgrind
#
# src/ has one folder per layer, and a layer uses the ones below it in this
# list (src/README says more). Objects, unit tests and fuzzers are built in
# build/, in the same folders; `make clean` removes build/.
#   cli      main, the commands and the rendering of their output
#   write    what apply changes and how: plan, fragment, apply
#   policy   profiles and the judging: findings, remedies, registry
#   system   reading the system: /proc/sys, sysctl.d, sockets, counters
#   base     escaping, diagnostics, parsing, suggestions, the catalog of keys,
#            configuration files

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
LIBEXECDIR ?= $(PREFIX)/libexec
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# The shipped profiles as examples to copy: they are built into the binary,
# and nothing searches this directory.
EXAMPLESDIR ?= $(PREFIX)/share/doc/tcpadvise/examples

CC        ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS    ?= -O2 -g
WARNINGS   = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
             -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
             -Wsign-compare -Wwrite-strings -Wformat=2 -Wvla
ifeq ($(DEVELOPER),1)
WARNINGS  += -Werror
endif
ifneq ($(SANITIZE),)
CFLAGS    += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags yaml-0.1 jansson libmnl zlib)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs yaml-0.1 jansson libmnl zlib) -pthread
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

ALL_CFLAGS = -std=gnu11 $(WARNINGS) $(CPPFLAGS) $(CFLAGS) -D_GNU_SOURCE -pthread \
             -DTCPADVISE_VERSION='"$(VERSION)"' \
             -DSYSCONFDIR='"$(SYSCONFDIR)"' $(DEPS_CFLAGS) -MMD -MP

# Library modules (everything but main.c), by layer; the order is the
# dependency order.
BASE    = escape diag suggest parse catalog conffile
SYSTEM  = procfs host sysctld snapshot census qdisc counters procs netns
POLICY  = $(MOD_profile) builtin registry remedy rules ifconf lint evidence recommend
WRITE   = fragment atomicfile apply plan export
CLI     = report cmd cmd_apply cmd_check cmd_explain cmd_history cmd_lint cmd_profiles \
          cmd_rollback cmd_states cmd_confirm cmd_recommend cmd_export cmd_netns
MODULES = $(BASE:%=base/%) $(SYSTEM:%=system/%) $(POLICY:%=policy/%) $(WRITE:%=write/%) \
          $(CLI:%=cli/%)
LAYERS  = base system policy write cli
B       = build
OBJS    = $(MODULES:%=$(B)/%.o) $(B)/policy/profiles_data.o
INCLUDES = $(LAYERS:%=-Isrc/%)
# Modules of more than one file: the DEPS_* lists below name the module.
MOD_profile = profile_yaml profile_check profile_cond profile_load
# $(call objs,NAMES): the objects of modules named without their folder.
parts   = $(foreach m,$(1),$(or $(MOD_$(m)),$(m)))
objs    = $(foreach m,$(call parts,$(1)),$(B)/$(filter %/$(m),$(MODULES) policy/profiles_data).o)
PROFILES = profiles/baseline.yaml profiles/bbr.yaml profiles/nginx.yaml profiles/crawler.yaml profiles/hardening.yaml profiles/proxy.yaml

# Each unit test #includes its module (to reach static functions) and links
# the modules it depends on, listed here: the dependency graph of src/.
UNIT_TESTS = $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/test_*.c))
DEPS_escape   =
DEPS_diag     = escape
DEPS_registry = rules ifconf remedy profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest fragment atomicfile escape conffile
DEPS_remedy   = snapshot host sysctld procfs catalog parse suggest conffile
DEPS_suggest  =
DEPS_parse    =
DEPS_conffile =
DEPS_catalog  = parse suggest
DEPS_procfs   =
DEPS_host     = procfs parse conffile
DEPS_sysctld  = procfs parse conffile
DEPS_builtin  = profiles_data
DEPS_profile  = catalog parse diag builtin profiles_data suggest escape conffile
DEPS_snapshot = host sysctld procfs catalog parse suggest conffile
DEPS_rules    = ifconf profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest fragment atomicfile report registry remedy escape conffile
DEPS_report   = rules ifconf profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest fragment atomicfile registry remedy escape conffile
DEPS_lint     = rules ifconf profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest fragment atomicfile report registry remedy escape conffile
DEPS_fragment = profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest escape conffile
DEPS_plan     = apply fragment atomicfile rules ifconf registry remedy profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest report escape conffile
DEPS_export   = fragment atomicfile profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest escape conffile
DEPS_apply    = fragment atomicfile profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest escape conffile
DEPS_census   = procfs parse conffile
DEPS_qdisc    =
DEPS_counters = procfs parse
DEPS_procs    = procfs parse
DEPS_ifconf   = rules profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest fragment atomicfile report registry remedy escape conffile
DEPS_evidence = rules ifconf profile catalog parse diag builtin profiles_data snapshot host sysctld procfs suggest fragment atomicfile report census qdisc counters procs registry remedy escape conffile
DEPS_recommend = host procfs parse conffile
DEPS_netns    = procfs parse conffile

all: tcpadvise

.SECONDEXPANSION:

tcpadvise: $(B)/cli/main.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DEPS_LIBS)

$(B)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(INCLUDES) -c -o $@ $<

# The same program with the crash points of TCPADVISE_FAULT compiled in
# (TCPADVISE_FAULT=after-temp-write aborts between the fragment's temp file
# and the rename), for the live tests. The normal build has no such code.
FAULT_OBJS = $(patsubst $(B)/%.o,$(B)/fault/%.o,$(B)/cli/main.o $(MODULES:%=$(B)/%.o)) \
             $(B)/policy/profiles_data.o

tcpadvise-fault: $(FAULT_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DEPS_LIBS)

$(B)/fault/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(INCLUDES) -DTCPADVISE_FAULT_INJECTION -c -o $@ $<

$(B)/policy/profiles_data.o: src/policy/profiles_data.S $(PROFILES)
	@mkdir -p $(@D)
	$(CC) -c -o $@ src/policy/profiles_data.S

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(INCLUDES) -c -o $@ $<

$(B)/tests/unit/test_%: $(B)/tests/unit/test_%.o $$(call objs,$$(DEPS_$$*))
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DEPS_LIBS) $(CMOCKA_LIBS)

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do \
		echo "== $$t"; $(TEST_WRAPPER) ./$$t; done

cli: tcpadvise
	@sh tests/cli/run.sh

live: tcpadvise tcpadvise-fault
	@sh tests/live/run.sh

manlint:
	@sh tests/manlint.sh

ifeq ($(VALGRIND),1)
TEST_WRAPPER = valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
export TEST_WRAPPER
endif

check: unit cli live manlint

# The whole suite, as the README and CI run it: plain build with -Werror,
# then the unit and CLI tests again under ASan+UBSan and under valgrind,
# then a short run of every fuzzer.
# Builds use every CPU (the tests run in order, the CLI cases JOBS at a
# time); each stage says how long it took.
NPROC := $(shell nproc 2>/dev/null || echo 1)
STAGE = @echo "check-all: $(1) took $$(( $$(date +%s) - $$(cat $(B)/.stage) )) s"; date +%s >$(B)/.stage
check-all:
	$(MAKE) clean
	@mkdir -p $(B) && date +%s >$(B)/.stage
	$(MAKE) -j$(NPROC) DEVELOPER=1 tcpadvise tcpadvise-fault $(UNIT_TESTS)
	$(MAKE) DEVELOPER=1 check
	$(call STAGE,the plain build and make check)
	$(MAKE) clean
	@mkdir -p $(B) && date +%s >$(B)/.stage
	$(MAKE) -j$(NPROC) DEVELOPER=1 SANITIZE=address,undefined tcpadvise $(UNIT_TESTS)
	$(MAKE) DEVELOPER=1 SANITIZE=address,undefined unit cli
	$(call STAGE,ASan+UBSan)
	$(MAKE) clean
	@mkdir -p $(B) && date +%s >$(B)/.stage
	$(MAKE) -j$(NPROC) DEVELOPER=1 tcpadvise $(UNIT_TESTS)
	$(MAKE) DEVELOPER=1 VALGRIND=1 unit cli
	$(call STAGE,valgrind)
	$(MAKE) -j$(NPROC) $(FUZZERS)
	$(MAKE) fuzz-smoke FUZZ_SECONDS=6
	$(call STAGE,fuzz-smoke)
	$(MAKE) clean
	$(MAKE) -j$(NPROC) DEVELOPER=1
	@echo "check-all: every stage passed"

# libFuzzer harnesses (clang). `make fuzz-smoke` runs each for FUZZ_SECONDS;
# long runs by hand: build/tests/fuzz/fuzz_profile -max_total_time=3600 CORPUS_DIR
FUZZ_SECONDS ?= 15
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -std=gnu11 -D_GNU_SOURCE -DTCPADVISE_VERSION='"$(VERSION)"' \
             -fsanitize=fuzzer,address,undefined $(INCLUDES) $(DEPS_CFLAGS)
FUZZERS = $(patsubst tests/fuzz/%.c,$(B)/tests/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRC_fuzz_profile = $(call srcs,escape profile suggest catalog parse diag builtin conffile) \
                        src/policy/profiles_data.S
FUZZ_SRC_fuzz_sysctld = $(call srcs,sysctld procfs parse conffile)
FUZZ_SRC_fuzz_value   = $(call srcs,parse procfs)
FUZZ_SRC_fuzz_txn     = $(call srcs,escape apply fragment atomicfile profile catalog parse diag builtin snapshot host \
                        sysctld procfs suggest conffile) src/policy/profiles_data.S
FUZZ_SRC_fuzz_census  = $(call srcs,procfs parse conffile)
FUZZ_SRC_fuzz_counters = $(call srcs,procfs parse)
srcs = $(foreach m,$(call parts,$(1)),src/$(filter %/$(m),$(MODULES)).c)

$(B)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard src/*/*.c src/*/*.h) $(PROFILES)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRC_fuzz_$*) $(DEPS_LIBS)

# A fuzzer's seed corpus is tests/fuzz/corpus/NAME (real files, committed)
# and its dictionary tests/fuzz/NAME.dict when there is one. New inputs go
# to tests/out/corpus/NAME, never into the committed corpus, except by
# `make fuzz-long`, which merges what adds coverage back into it.

fuzz-smoke: $(FUZZERS)
	@set -e; for f in $(FUZZERS); do n=$$(basename $$f); \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		mkdir -p tests/out/corpus/$$n; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
		    $$( [ -f tests/fuzz/$$n.dict ] && echo -dict=tests/fuzz/$$n.dict) \
		    tests/out/corpus/$$n tests/fuzz/corpus/$$n \
		    2>tests/out/$$n.log || { tail -50 tests/out/$$n.log; exit 1; }; \
	done; echo "fuzz: $(words $(FUZZERS)) fuzzers ran clean"

# make fuzz-long [FUZZ_RUNS=10000000] [FUZZ_MAX_LEN=8192]: each fuzzer for
# FUZZ_RUNS executions (ASan+UBSan) on inputs of at most FUZZ_MAX_LEN
# bytes, then what adds coverage is merged into tests/fuzz/corpus/NAME; the
# figures go to tests/out/fuzz-long.txt. FUZZERS=... picks some of them.
FUZZ_RUNS ?= 10000000
FUZZ_MAX_LEN ?= 8192
fuzz-long: $(FUZZERS)
	@set -e; mkdir -p tests/out; : >tests/out/fuzz-long.txt; for f in $(FUZZERS); do n=$$(basename $$f); \
		echo "== $$f ($(FUZZ_RUNS) runs)"; \
		mkdir -p tests/out/corpus/$$n tests/fuzz/corpus/$$n; \
		start=$$(date +%s); \
		$$f -runs=$(FUZZ_RUNS) -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 \
		    $$( [ -f tests/fuzz/$$n.dict ] && echo -dict=tests/fuzz/$$n.dict) \
		    tests/out/corpus/$$n tests/fuzz/corpus/$$n \
		    2>tests/out/$$n.long.log || { tail -50 tests/out/$$n.long.log; exit 1; }; \
		end=$$(date +%s); \
		$$f -merge=1 tests/fuzz/corpus/$$n tests/out/corpus/$$n \
		    2>>tests/out/$$n.long.log; \
		printf '%s: %s executions in %s s (%s exec/s), no crash; corpus %s inputs\n' $$n \
		    "$$(sed -n 's/^stat::number_of_executed_units: *//p' tests/out/$$n.long.log | tail -1)" \
		    $$((end - start)) \
		    "$$(sed -n 's/^stat::average_exec_per_sec: *//p' tests/out/$$n.long.log | tail -1)" \
		    "$$(ls tests/fuzz/corpus/$$n | wc -l)" \
		    | tee -a tests/out/fuzz-long.txt; \
	done

# make install: the program, its man pages, bash and zsh completion, the
# node_exporter textfile service and timer (not enabled: `systemctl enable
# --now tcpadvise-textfile.timer`) and the profiles as examples.
# make uninstall removes exactly these, never a fragment that apply wrote
# nor the history under /var/lib/tcpadvise.
INSTALLED = $(BINDIR)/tcpadvise $(MANDIR)/man8/tcpadvise.8 $(MANDIR)/man5/tcpadvise-profile.5 \
            $(BASHCOMPDIR)/tcpadvise $(ZSHCOMPDIR)/_tcpadvise $(LIBEXECDIR)/tcpadvise/textfile \
            $(SYSTEMDUNITDIR)/tcpadvise-textfile.service $(SYSTEMDUNITDIR)/tcpadvise-textfile.timer \
            $(PROFILES:profiles/%=$(EXAMPLESDIR)/profiles/%)
SUBST = sed -e 's|@SBINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g'

install: tcpadvise
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(LIBEXECDIR)/tcpadvise \
	    $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(EXAMPLESDIR)/profiles
	install -m 0755 tcpadvise $(DESTDIR)$(BINDIR)/tcpadvise
	install -m 0644 man/tcpadvise.8 $(DESTDIR)$(MANDIR)/man8/tcpadvise.8
	install -m 0644 man/tcpadvise-profile.5 $(DESTDIR)$(MANDIR)/man5/tcpadvise-profile.5
	install -m 0644 contrib/completion/tcpadvise.bash $(DESTDIR)$(BASHCOMPDIR)/tcpadvise
	install -m 0644 contrib/completion/_tcpadvise $(DESTDIR)$(ZSHCOMPDIR)/_tcpadvise
	$(SUBST) contrib/systemd/tcpadvise-textfile.sh >$(DESTDIR)$(LIBEXECDIR)/tcpadvise/textfile
	chmod 0755 $(DESTDIR)$(LIBEXECDIR)/tcpadvise/textfile
	$(SUBST) contrib/systemd/tcpadvise-textfile.service.in \
	    >$(DESTDIR)$(SYSTEMDUNITDIR)/tcpadvise-textfile.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/tcpadvise-textfile.service
	install -m 0644 contrib/systemd/tcpadvise-textfile.timer $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 0644 $(PROFILES) $(DESTDIR)$(EXAMPLESDIR)/profiles/

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)
	-rmdir $(DESTDIR)$(LIBEXECDIR)/tcpadvise $(DESTDIR)$(EXAMPLESDIR)/profiles \
	    $(DESTDIR)$(EXAMPLESDIR) $(DESTDIR)$(PREFIX)/share/doc/tcpadvise 2>/dev/null
	@f=$(DESTDIR)$(SYSCONFDIR)/sysctl.d/90-tcpadvise.conf; [ ! -e $$f ] || \
	    echo "tcpadvise: kept $$f, which apply wrote: it still sets its values at every boot; remove it to stop that"

# make deb: a binary package built by debhelper (debian/) from a copy of
# the sources in build/deb/, so that dpkg-buildpackage writes nothing
# outside this tree; the .deb is moved to build/.
DEB_SRC = $(B)/deb/tcpadvise-$(VERSION)
deb:
	rm -rf $(B)/deb && mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
		    tar --null --ignore-failed-read -T - -cf - | tar -xf - -C $(DEB_SRC); \
	else \
		tar --anchored --exclude=./build --exclude=./tests/out --exclude=./bench/out \
		    --exclude=./tcpadvise --exclude=./tcpadvise-fault -cf - . | tar -xf - -C $(DEB_SRC); \
	fi
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	mv $(B)/deb/*.deb $(B)/
	@ls $(B)/*.deb

clean:
	rm -rf $(B) tests/out
	rm -f tcpadvise tcpadvise-fault

.PHONY: all unit cli live manlint check check-all fuzz-smoke fuzz-long install uninstall deb clean
.SECONDARY:

-include $(wildcard $(B)/*/*.d $(B)/fault/*/*.d $(B)/tests/unit/*.d)
