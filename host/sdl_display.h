/*
 * aula run --display=sdl: the text display in an SDL2 window, and the
 * window's key presses for the keyboard.  This header does not need SDL;
 * host/sdl_display.c is built only when configure found SDL2 (HAVE_SDL).
 */
#ifndef AULA_SDL_DISPLAY_H
#define AULA_SDL_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/vm.h"
#include "host/screen.h"

/* Keys from the window that the keyboard has not taken yet; more are
 * dropped. */
#define SDL_DISPLAY_KEYS 64

struct sdl_display;

/* Open the window, drawn with screen (borrowed).  With pace, each frame
 * waits until the host clock has caught up with virtual time, so the
 * guest runs no faster than its nominal 100 MHz.  NULL with a message in
 * err. */
struct sdl_display *sdl_display_open(struct screen *screen, int pace,
				     char *err, size_t errlen);
/* Make it the host of a machine's display and keyboard. */
void sdl_display_attach(struct sdl_display *d, struct vm_config *cfg);
/* The title says what the machine is doing: "Aula: PROGRAM -- STATE".
 * With a machine to watch, each frame brings it up to date (running, or
 * halted waiting for an interrupt); set_state says it otherwise (the
 * monitor: at a breakpoint).  sdl_display_state is the text for vm. */
void sdl_display_watch(struct sdl_display *d, const struct vm *vm,
		       const char *program);
const char *sdl_display_state(const struct vm *vm);
void sdl_display_set_state(struct sdl_display *d, const char *state);
const char *sdl_display_title(const struct sdl_display *d);
/* Frames drawn so far (a frame equal to the last is not drawn again). */
uint64_t sdl_display_frames(const struct sdl_display *d);
/* What the window shows: w * h pixels of 0x00RRGGBB, row by row, to free
 * with sdl_display_free; NULL if they cannot be read back. */
uint32_t *sdl_display_read(struct sdl_display *d, int *w, int *h);
void sdl_display_free(void *p);
void sdl_display_close(struct sdl_display *d);

#endif
