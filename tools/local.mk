libaulatools_a_SOURCES += tools/dump.h tools/dump.c \
	tools/console.h tools/console.c

bin_PROGRAMS += aula
aula_SOURCES = tools/aula.c tools/cmd.h tools/cmd_run.c tools/cmd_as.c
aula_LDADD = libaulamon.a libaulatools.a libaulacore.a $(READLINE_LIBS) \
	$(ZLIB_LIBS)
