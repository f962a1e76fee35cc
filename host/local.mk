# The host back ends of struct vm_config: console, disk files, fonts and
# screen drawing.  The only place that opens host files for a running
# machine.
noinst_LIBRARIES += libaulahost.a
libaulahost_a_SOURCES = host/console.h host/console.c \
	host/diskfile.h host/diskfile.c host/swapfile.h host/swapfile.c \
	host/font.h host/font.c host/screen.h host/screen.c

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
