# metamigrate: PostgreSQL extension (PGXS) + libpq command-line client.
#
#   make && make install          build and install both
#   make unittest                 GoogleTest suite of the pure C++ layer (no server)
#   make installcheck             pg_regress suite against a running server
#   make fuzz                     libFuzzer targets (clang, ASan+UBSan); fuzz/run.sh runs them
#   scripts/test-all              everything, on a throwaway cluster

EXTENSION   = metamigrate
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" metamigrate.control)
PG_CONFIG  ?= pg_config

# The rooms (docs/architecture.md): src/core is pure C++ (no PostgreSQL
# header, no libpq), compiled once, into build/core, *without* PostgreSQL
# include paths (a core file that includes a PostgreSQL header fails to
# build) and position independent, and linked into the extension, the client
# and the unit tests. src/extension/<area> is the thin PostgreSQL glue, one
# area per part of sql/src. scripts/check-layout keeps the rooms apart.
CORE_SRCS   = $(sort $(wildcard src/core/*.cpp src/core/*/*.cpp))
GLUE_SRCS   = $(sort $(wildcard src/extension/*/*.cpp))
CORE_PURE_OBJS = $(patsubst src/core/%.cpp,build/core/%.o,$(CORE_SRCS))
MODULE_big  = metamigrate
OBJS        = $(CORE_PURE_OBJS) $(GLUE_SRCS:.cpp=.o)

# The install script is built from the ordered parts in sql/src (one per
# area); upgrade scripts sql/metamigrate--A--B.sql are written by hand.
DATA        = $(wildcard sql/metamigrate--*--*.sql)
DATA_built  = sql/metamigrate--$(EXTVERSION).sql
REGRESS     = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=metamigrate
# Concurrency specs: test/isolation/specs/*.spec, run by pg_isolation_regress.
ISOLATION   = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=metamigrate

# Warnings are errors in every target (WERROR= to build past one locally).
WERROR     ?= -Werror
PG_CPPFLAGS = -Isrc
PG_CXXFLAGS = -std=c++17 -Wall -Wextra $(WERROR) -Wno-register -Wno-missing-field-initializers
SHLIB_LINK  = -lstdc++

# No LLVM bitcode: the JIT gains nothing on this code and clang would need
# the C++ flags repeated.
override with_llvm = no
# Rebuild objects when a header they include changes.
override autodepend = yes

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/metamigrate--$(EXTVERSION).sql: $(sort $(wildcard sql/src/*.sql))
	cat $^ > $@

# ---------------------------------------------------------------- client
PREFIX     ?= /usr/local
# `make install bindir=DIR` places the client in DIR; otherwise $(PREFIX)/bin.
CLIENT_BINDIR = $(if $(filter command line environment,$(origin bindir)),$(bindir),$(PREFIX)/bin)
CLIENT_SRCS = $(sort $(wildcard src/client/*/*.cpp))
# The client links the pure core too (local graph commands, offline --sql).
CLIENT_OBJS = $(patsubst src/%.cpp,build/%.o,$(CLIENT_SRCS)) $(CORE_PURE_OBJS)
CLIENT_BIN  = build/metamigrate
# Optimization and debug information of everything built outside PGXS (the
# core, the client, the unit tests): `make OPT_FLAGS="-O0 -g"` to debug;
# without -g the build takes about a third less time.
OPT_FLAGS  ?= -O2
CLIENT_CXXFLAGS = -std=c++17 $(OPT_FLAGS) -Wall -Wextra $(WERROR) -pthread -Isrc -I$(shell $(PG_CONFIG) --includedir) \
                  -DMETAMIGRATE_VERSION='"$(EXTVERSION)"'
# The C++ runtime linked in: loading and relocating libstdc++ at every start
# was most of a read-only command such as `current` (bench/RESULTS.md).
CLIENT_LIBS = -L$(shell $(PG_CONFIG) --libdir) -lpq -pthread -static-libstdc++ -static-libgcc

all: $(CLIENT_BIN)

build/client/%.o: src/client/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CLIENT_CXXFLAGS) -MMD -MP -c -o $@ $<

$(CLIENT_BIN): $(CLIENT_OBJS)
	$(CXX) -o $@ $^ $(CLIENT_LIBS)

install: install-client
install-client: $(CLIENT_BIN)
	install -d '$(DESTDIR)$(CLIENT_BINDIR)'
	install -m 755 $(CLIENT_BIN) '$(DESTDIR)$(CLIENT_BINDIR)/metamigrate'

# No PostgreSQL or libpq include path; that a core file includes nothing
# from src/client or src/extension is checked by scripts/check-layout. The
# hardening options are those PGXS gives the rest of the extension.
CORE_CXXFLAGS = -std=c++17 $(OPT_FLAGS) -fPIC -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wall -Wextra $(WERROR) -Isrc

build/core/%.o: src/core/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CORE_CXXFLAGS) -MMD -MP -c -o $@ $<

# ---------------------------------------------------------------- unit tests
# The core, and the client's rooms that need no server: provider/ (the
# provider directory and its files), output/, the importers' parsers
# (import/ but for its history reading and ownership check), the choice of
# a migration's mode from its plan, and the diff's
# rendering. The test binary links no libpq, so one of them that starts
# using it fails this link.
UNIT_CLIENT_SRCS = $(sort $(wildcard src/client/provider/*.cpp src/client/output/*.cpp \
                     $(filter-out src/client/import/history.cpp src/client/import/ownership.cpp,$(wildcard src/client/import/*.cpp)))) \
                   src/client/os/process.cpp src/client/os/child_process.cpp src/client/autogenerate/render.cpp \
                   src/client/migrate/migration_plan.cpp src/client/server/copy_text.cpp
UNIT_SRCS   = $(sort $(wildcard test/unit/*.cpp))
UNIT_OBJS   = $(CORE_PURE_OBJS) $(patsubst src/%.cpp,build/%.o,$(UNIT_CLIENT_SRCS)) \
              $(patsubst test/unit/%.cpp,build/unit/test/%.o,$(UNIT_SRCS))
UNIT_BIN    = build/unit/metamigrate_unit
# The test files themselves need no optimization (what they time is the
# core, built with OPT_FLAGS); -O0 halves their compile time.
UNIT_CXXFLAGS = -std=c++17 -O0 -Wall -Wextra $(WERROR) -Isrc

build/unit/test/%.o: test/unit/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -MMD -MP -c -o $@ $<

-include $(wildcard build/*/*.d build/*/*/*.d build/*/*/*/*.d build/*/*/*/*/*.d)

$(UNIT_BIN): $(UNIT_OBJS)
	$(CXX) -o $@ $^ -lgtest -lgtest_main -pthread

unittest: $(UNIT_BIN)
	$(UNIT_BIN)

.PHONY: install-client unittest
EXTRA_CLEAN = build results output_iso regression.diffs regression.out sql/metamigrate--$(EXTVERSION).sql

# ---------------------------------------------------------------- fuzzing
# libFuzzer targets fuzz/*_fuzzer.cpp over the client's input parsers and
# the core's target resolution, built with clang and ASan+UBSan into
# build/fuzz (apart from the gcc build above). `fuzz/run.sh [SECONDS]` runs
# them; a sanitizer report aborts the run (-fno-sanitize-recover).
FUZZ_CXX      ?= clang++
FUZZ_SANITIZE  = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CXXFLAGS  = -std=c++17 -O1 -g -fno-omit-frame-pointer -Wall -Wextra $(WERROR) -Isrc $(FUZZ_SANITIZE)
# Only what the parsers need: no libpq, no schema code.
FUZZ_CORE_SRCS   = $(addprefix src/core/revisions/,revision.cpp graph.cpp planner.cpp)
FUZZ_CLIENT_SRCS = $(addprefix src/client/provider/,text_file.cpp revision_file.cpp manifest.cpp duration.cpp graph_select.cpp)
FUZZ_LIB_OBJS = $(patsubst src/core/%.cpp,build/fuzz/obj/core/%.o,$(FUZZ_CORE_SRCS)) \
                $(patsubst src/client/%.cpp,build/fuzz/obj/client/%.o,$(FUZZ_CLIENT_SRCS))
FUZZ_TARGETS  = $(patsubst fuzz/%.cpp,%,$(sort $(wildcard fuzz/*_fuzzer.cpp)))
FUZZ_BINS     = $(addprefix build/fuzz/,$(FUZZ_TARGETS))

build/fuzz/obj/core/%.o: src/core/%.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/obj/client/%.o: src/client/%.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BINS): build/fuzz/%: fuzz/%.cpp $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_LIB_OBJS)

# A deliberately broken target: run.sh checks that its findings are caught.
build/fuzz/canary: fuzz/canary.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer -o $@ $<

-include $(wildcard build/fuzz/*.d build/fuzz/obj/*/*.d build/fuzz/obj/*/*/*.d)

fuzz: $(FUZZ_BINS) build/fuzz/canary

.PHONY: fuzz
