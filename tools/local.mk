libaulatools_a_SOURCES += tools/dump.h tools/dump.c \
	tools/console.h tools/console.c \
	tools/pcap.h tools/pcap.c tools/hub.h tools/hub_client.c \
	tools/net.h tools/net.c

bin_PROGRAMS += aula
aula_SOURCES = tools/aula.c tools/cmd.h tools/cmd_run.c tools/cmd_as.c \
	tools/hub.c
aula_LDADD = libaulatools.a libaulacore.a $(ZLIB_LIBS)
