# The machine's state as data: the final register dump and exit statuses.
noinst_LIBRARIES += libaulastate.a
libaulastate_a_SOURCES = state/dump.h state/dump.c \
	state/stuck.h state/stuck.c
