/*
 * The text display (docs/devices.md, section 9), as its front ends see it:
 * a frame is the text buffer copied out of guest RAM with the display's
 * registers.  Drawing it is the front end's business (host/screen.c).
 */
#ifndef AULA_DISPLAY_H
#define AULA_DISPLAY_H

#include <stdint.h>

#include "io/ports.h"

struct vm;

/* One frame.  Cell n (row n / 80, column n % 80) is text[2n], its
 * character, and text[2n + 1], its attribute:
 *
 *     attribute   7      4 3      0
 *                +--------+--------+
 *                |   bg   |   fg   |   colours 0-15 (the CGA palette)
 *                +--------+--------+
 */
struct display_view {
	uint8_t text[DISPLAY_TEXT_SIZE];
	uint32_t ctrl;		/* DISPLAY_CTRL_* */
	uint32_t cursor;	/* cursor cell; >= DISPLAY_CELLS: none */
	int in_ram;		/* 0: RAM ends below the text buffer */
};

/* The frame the screen shows now. */
void display_get_view(struct vm *vm, struct display_view *v);

#endif
