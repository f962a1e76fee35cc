# make check: Check unit tests, self-checking guest programs, golden dumps,
# and command-line tests.  tests/README.md says what each layer covers.
UNIT_LDADD = tests/unit/libharness.a libaulatools.a libaulacore.a \
	$(CHECK_LIBS) $(ZLIB_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

check_LIBRARIES = tests/unit/libharness.a
tests_unit_libharness_a_SOURCES = tests/unit/harness.h tests/unit/harness.c \
	tests/unit/step.h tests/unit/step.c
tests_unit_libharness_a_CFLAGS = $(UNIT_CFLAGS)

UNIT_TESTS = tests/unit/test_isa
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_test_isa_SOURCES = tests/unit/test_isa.c
tests_unit_test_isa_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_isa_LDADD = $(UNIT_LDADD)

# Guest programs: each tests/guest/*.s powers off with 0 on success, or
# with the number of the failing check.
GUEST_TESTS =
TESTS += $(GUEST_TESTS)
EXTRA_DIST += $(GUEST_TESTS) tests/guest/check.inc
TEST_EXTENSIONS = .s .sh
S_LOG_COMPILER = $(srcdir)/tests/run-guest
AM_TESTS_ENVIRONMENT = AULA=$(abs_top_builddir)/aula; export AULA; \
	top_srcdir=$(abs_top_srcdir); export top_srcdir;

SH_TESTS =
TESTS += $(SH_TESTS)
EXTRA_DIST += $(SH_TESTS) tests/run-guest
