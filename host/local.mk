# The host back ends of struct vm_config: console, disk files, fonts and
# screen drawing.  The only place that opens host files for a running
# machine.
noinst_LIBRARIES += libaulahost.a
libaulahost_a_SOURCES = host/console.h host/console.c \
	host/diskfile.h host/diskfile.c host/swapfile.h host/swapfile.c \
	host/vdisk.h host/vdisk.c \
	host/qcow2.h host/qcow2_int.h host/qcow2.c host/qcow2_open.c \
	host/qcow2_create.c host/qcow2_check.c host/qcow2_compress.c \
	host/font.h host/font.c host/screen.h host/screen.c host/png.c
# qcow2_compress.c inflates compressed clusters: whatever links libaulahost.a links
# $(ZLIB_LIBS) too.
libaulahost_a_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)

# The SDL2 window, only when configure found SDL2: the core and the other
# folders never include SDL.
if HAVE_SDL
noinst_LIBRARIES += libaulasdl.a
libaulasdl_a_SOURCES = host/sdl_display.c
libaulasdl_a_CFLAGS = $(AM_CFLAGS) $(SDL2_CFLAGS)
AULA_SDL_LIB = libaulasdl.a
else
AULA_SDL_LIB =
endif
EXTRA_DIST += host/sdl_display.c host/sdl_display.h
