# fuzz/: a libFuzzer harness per hostile format (fuzz/README.md).
# make check replays the committed corpus through each harness linked with
# fuzz/driver.c and the normal compiler, so CI needs no clang; make fuzz
# builds them with clang -fsanitize=fuzzer and runs each for a while.
FUZZ_NAMES = image as monitor grade hub qcow2 lab checkpoint record migrate
FUZZ_REPLAY = fuzz/replay_image fuzz/replay_as fuzz/replay_monitor \
	fuzz/replay_grade fuzz/replay_hub fuzz/replay_qcow2 fuzz/replay_lab \
	fuzz/replay_checkpoint fuzz/replay_record fuzz/replay_migrate
check_PROGRAMS += $(FUZZ_REPLAY)
FUZZ_LIBS = libaulagrade.a libaulamon.a libaulanet.a libaulastate.a \
	libaulaasm.a libaulacore.a $(DL_LIBS) $(ZLIB_LIBS)
fuzz_replay_image_SOURCES = fuzz/fuzz_image.c fuzz/driver.c fuzz/util.c fuzz/fuzz.h
fuzz_replay_image_LDADD = $(FUZZ_LIBS)
fuzz_replay_as_SOURCES = fuzz/fuzz_as.c fuzz/driver.c fuzz/util.c fuzz/fuzz.h
fuzz_replay_as_LDADD = $(FUZZ_LIBS)
fuzz_replay_monitor_SOURCES = fuzz/fuzz_monitor.c fuzz/driver.c fuzz/util.c fuzz/fuzz.h
fuzz_replay_monitor_LDADD = $(FUZZ_LIBS)
fuzz_replay_grade_SOURCES = fuzz/fuzz_grade.c fuzz/driver.c fuzz/util.c fuzz/fuzz.h
fuzz_replay_grade_LDADD = $(FUZZ_LIBS)
fuzz_replay_hub_SOURCES = fuzz/fuzz_hub.c fuzz/driver.c fuzz/util.c fuzz/fuzz.h
fuzz_replay_hub_LDADD = $(FUZZ_LIBS)
fuzz_replay_qcow2_SOURCES = fuzz/fuzz_qcow2.c fuzz/driver.c fuzz/util.c fuzz/fuzz.h
fuzz_replay_qcow2_LDADD = libaulahost.a $(FUZZ_LIBS)
fuzz_replay_lab_SOURCES = fuzz/fuzz_lab.c fuzz/driver.c fuzz/util.c fuzz/fuzz.h
fuzz_replay_lab_LDADD = libaulalab.a $(FUZZ_LIBS) $(INIH_LIBS)
fuzz_replay_checkpoint_SOURCES = fuzz/fuzz_checkpoint.c fuzz/driver.c \
	fuzz/util.c fuzz/fuzz.h
fuzz_replay_checkpoint_LDADD = $(FUZZ_LIBS)
fuzz_replay_record_SOURCES = fuzz/fuzz_record.c fuzz/driver.c fuzz/util.c \
	fuzz/fuzz.h
fuzz_replay_record_LDADD = $(FUZZ_LIBS)
fuzz_replay_migrate_SOURCES = fuzz/fuzz_migrate.c fuzz/driver.c \
	fuzz/util.c fuzz/fuzz.h
fuzz_replay_migrate_LDADD = $(FUZZ_LIBS)
SH_TESTS += fuzz/replay.sh
EXTRA_DIST += fuzz/replay.sh fuzz/run.sh fuzz/README.md fuzz/corpus

# FUZZ_TIME seconds per harness (default 60); FUZZ=NAME for one of them.
fuzz:
	top_srcdir=$(abs_top_srcdir) FUZZ_TIME="$(FUZZ_TIME)" FUZZ="$(FUZZ)" \
		$(SHELL) $(srcdir)/fuzz/run.sh
.PHONY: fuzz
