# neardup -- PGXS build.
#
#   make                 build (warning flags: -Wall -Wextra; WERROR=1 adds -Werror)
#   make install         install into the server found by pg_config
#   make installcheck    pg_regress against a running server (PGHOST/PGPORT)
#   make unitcheck       plain C unit tests of src/core (SAN=1, VALGRIND=1)
#
# The two commands a user runs are tools/demo and tools/test (see README).

EXTENSION = neardup
MODULE_big = neardup
OBJS = \
	src/core/bands.o \
	src/core/cluster.o \
	src/core/dump.o \
	src/core/fpio.o \
	src/core/passage.o \
	src/core/plinks.o \
	src/core/radix.o \
	src/core/sketch.o \
	src/core/text.o \
	src/cluster.o \
	src/components.o \
	src/fingerprint.o \
	src/gin.o \
	src/gist.o \
	src/neardup.o \
	src/passage.o \
	src/query.o \
	src/search.o \
	src/similarity.o \
	src/split.o \
	src/track.o

DATA = \
	neardup--0.1.0.sql \
	neardup--0.2.0.sql \
	neardup--0.1.0--0.2.0.sql \
	neardup--0.2.0--0.3.0.sql \
	neardup--0.3.0--0.4.0.sql \
	neardup--0.4.0--0.5.0.sql \
	neardup--0.5.0--0.6.0.sql
PGFILEDESC = "neardup - near-duplicate detection for news articles"

REGRESS = \
	00_catalog \
	split_basic \
	split_layouts \
	split_edge \
	split_cancel \
	split_variants \
	normalize \
	fingerprint_io \
	index_gin \
	index_gist \
	passages \
	cluster \
	golden \
	index_gin_exact \
	fingerprint_query \
	cluster_distributed
REGRESS_OPTS = --load-extension=neardup

PG_CONFIG ?= pg_config

XXHASH_CFLAGS := $(shell pkg-config --cflags libxxhash 2>/dev/null)
XXHASH_LIBS := $(shell pkg-config --libs libxxhash 2>/dev/null || echo -lxxhash)

PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/core $(XXHASH_CFLAGS)
# -Wextra minus -Wunused-parameter, which the server's own headers trip
# (ilist.h, bufpage.h) and fmgr's fixed signatures make noise of.
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter
ifeq ($(WERROR),1)
PG_CFLAGS += -Werror
endif
SHLIB_LINK = $(XXHASH_LIBS)

EXTRA_CLEAN = test/unit/bin

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: rebuild every object when any of our
# headers changes (text_template.h and unicode_tables.h included).
$(OBJS): $(wildcard $(srcdir)/src/*.h $(srcdir)/src/core/*.h)

.PHONY: unitcheck
unitcheck:
	$(MAKE) -C test/unit check
