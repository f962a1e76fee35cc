libaulatools_a_SOURCES += tools/dump.h tools/dump.c \
	tools/console.h tools/console.c \
	tools/diskfile.h tools/diskfile.c

bin_PROGRAMS += aula
aula_SOURCES = tools/aula.c tools/cmd.h tools/cmd_run.c tools/cmd_as.c \
	tools/cmd_disk.c
aula_LDADD = libaulatools.a libaulacore.a $(ZLIB_LIBS)
