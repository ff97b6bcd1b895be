# metamigrate: PostgreSQL extension (PGXS) + libpq command-line client.
#
#   make && make install          build and install both
#   make unittest                 GoogleTest suite of the pure C++ layer (no server)
#   make installcheck             pg_regress suite against a running server
#   scripts/test-all              everything, on a throwaway cluster

EXTENSION   = metamigrate
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" metamigrate.control)
PG_CONFIG  ?= pg_config

# Pure C++ (no PostgreSQL header) and the thin PostgreSQL glue.
CORE_SRCS   = $(sort $(wildcard src/extension/core/*.cpp))
GLUE_SRCS   = $(sort $(wildcard src/extension/pg/*.cpp))
MODULE_big  = metamigrate
OBJS        = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)

# The install script is built from the ordered parts in sql/src (one per
# area); upgrade scripts sql/metamigrate--A--B.sql are written by hand.
DATA        = $(wildcard sql/metamigrate--*--*.sql)
DATA_built  = sql/metamigrate--$(EXTVERSION).sql
REGRESS     = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=metamigrate
# Concurrency specs: test/isolation/specs/*.spec, run by pg_isolation_regress.
ISOLATION   = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=metamigrate

PG_CPPFLAGS = -Isrc/extension
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-register -Wno-missing-field-initializers
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
CLIENT_SRCS = $(sort $(wildcard src/client/*.cpp src/client/*/*.cpp))
# The client links the pure core too (local graph commands, offline --sql).
CORE_PURE_OBJS = $(patsubst src/extension/core/%.cpp,build/core/%.o,$(CORE_SRCS))
CLIENT_OBJS = $(patsubst src/%.cpp,build/%.o,$(CLIENT_SRCS)) $(CORE_PURE_OBJS)
CLIENT_BIN  = build/metamigrate
CLIENT_CXXFLAGS = -std=c++17 -O2 -g -Wall -Wextra -pthread -Isrc -Isrc/extension -I$(shell $(PG_CONFIG) --includedir) \
                  -DMETAMIGRATE_VERSION='"$(EXTVERSION)"'
CLIENT_LIBS = -L$(shell $(PG_CONFIG) --libdir) -lpq -pthread

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

# ---------------------------------------------------------------- unit tests
# Core files are compiled a second time into build/core *without* PostgreSQL
# include paths (for the client and the unit tests): a core file that
# includes a PostgreSQL header fails this build.
UNIT_SRCS   = $(sort $(wildcard test/unit/*.cpp))
UNIT_OBJS   = $(CORE_PURE_OBJS) $(patsubst test/unit/%.cpp,build/unit/test/%.o,$(UNIT_SRCS))
UNIT_BIN    = build/unit/metamigrate_unit
UNIT_CXXFLAGS = -std=c++17 -O2 -g -Wall -Wextra -Werror -Isrc/extension

build/core/%.o: src/extension/core/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -MMD -MP -c -o $@ $<

build/unit/test/%.o: test/unit/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -MMD -MP -c -o $@ $<

-include $(wildcard build/*/*.d build/*/*/*.d)

$(UNIT_BIN): $(UNIT_OBJS)
	$(CXX) -o $@ $^ -lgtest -lgtest_main -pthread

unittest: $(UNIT_BIN)
	$(UNIT_BIN)

.PHONY: install-client unittest
EXTRA_CLEAN = build results output_iso regression.diffs regression.out sql/metamigrate--$(EXTVERSION).sql
