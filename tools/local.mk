libaulatools_a_SOURCES += tools/dump.h tools/dump.c \
	tools/console.h tools/console.c \
	tools/diskfile.h tools/diskfile.c \
	tools/font.h tools/font.c tools/screen.h tools/screen.c \
	tools/pcap.h tools/pcap.c tools/hub.h tools/hub_client.c \
	tools/net.h tools/net.c

# The SDL2 window, only when configure found SDL2: the core and the other
# tools never include SDL.
if HAVE_SDL
noinst_LIBRARIES += libaulasdl.a
libaulasdl_a_SOURCES = tools/sdl_display.c
libaulasdl_a_CFLAGS = $(AM_CFLAGS) $(SDL2_CFLAGS)
AULA_SDL_LIB = libaulasdl.a
else
AULA_SDL_LIB =
endif
EXTRA_DIST += tools/sdl_display.c

bin_PROGRAMS += aula
aula_SOURCES = tools/aula.c tools/cmd.h tools/cmd_run.c tools/cmd_as.c \
	tools/cmd_disk.c tools/cmd_grade.c tools/hub.c tools/sdl_display.h \
	tools/grade.h tools/grade.c tools/grade_report.c \
	tools/grade_merge.c
aula_LDADD = libaulamon.a $(AULA_SDL_LIB) libaulatools.a libaulacore.a \
	$(READLINE_LIBS) $(ZLIB_LIBS) $(SDL2_LIBS)
