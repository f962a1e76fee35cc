/* Host back ends of the console UART: terminal, pipe or file. */
#ifndef AULA_CONSOLE_H
#define AULA_CONSOLE_H

#include <stdio.h>

#include "cpu/vm.h"

struct console_host {
	FILE *in, *out;
	int in_is_tty, out_is_tty;
	int out_error;		/* a write to out failed */
};

/* Fill a vm console from open streams (either may be NULL). */
void console_host_init(struct console_host *h, FILE *in, FILE *out,
		       struct vm_console_host *vmh);

#endif
