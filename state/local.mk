# The machine's state as data: the final register dump and exit statuses,
# checkpoints, record/replay and the live migration stream (zlib).
noinst_LIBRARIES += libaulastate.a
libaulastate_a_SOURCES = state/dump.h state/dump.c \
	state/ckpt.h state/ckpt.c state/ckpt_file.c \
	state/replay.h state/replay.c \
	state/migrate.h state/migrate.c state/migrate_dst.c \
	state/stuck.h state/stuck.c
libaulastate_a_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
