# The monitor (aula debug): a library, so that its pieces can be tested
# alone; only monitor/term.c uses readline, which it loads itself.
noinst_LIBRARIES += libaulamon.a
libaulamon_a_SOURCES = \
	monitor/mon.h monitor/mon_int.h monitor/expr.h monitor/expr.c \
	monitor/cmds.c monitor/args.c monitor/mon.c monitor/run.c \
	monitor/break.c monitor/state.c monitor/info.c monitor/hist.c \
	monitor/script.c monitor/trace.c monitor/term.c \
	monitor/timeline.h monitor/timeline.c monitor/reverse.c \
	monitor/snapshot.c monitor/display.c monitor/source.c
# readline's headers only: it is loaded at the first prompt (term.c).
libaulamon_a_CFLAGS = $(AM_CFLAGS) $(READLINE_CFLAGS) \
	-DAULA_READLINE_SO='"$(READLINE_SONAME)"'
