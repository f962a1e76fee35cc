/*
 * Console back ends.  Input from a file or a pipe is read blocking, one
 * byte when the guest asks, which keeps batch runs deterministic; input from
 * a terminal is polled, so an interactive guest keeps running while nobody
 * types.
 */
#include "host/console.h"

#include <poll.h>
#include <unistd.h>

static int host_getc(void *opaque)
{
	struct console_host *h = opaque;
	if (!h->in)
		return VM_CONSOLE_EOF;
	if (h->in_is_tty) {
		/* Someone at the terminal must see the prompt they answer. */
		if (h->out && h->out_is_tty)
			fflush(h->out);
		struct pollfd p = { .fd = fileno(h->in), .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			return VM_CONSOLE_NONE;
	}
	int c = getc(h->in);
	return c == EOF ? VM_CONSOLE_EOF : c;
}

static void host_putc(void *opaque, uint8_t byte)
{
	struct console_host *h = opaque;
	if (!h->out)
		return;
	if (putc(byte, h->out) == EOF)
		h->out_error = 1;
	if (h->out_is_tty && byte == '\n')
		fflush(h->out);
}

void console_host_init(struct console_host *h, FILE *in, FILE *out,
		       struct vm_console_host *vmh)
{
	h->in = in;
	h->out = out;
	h->in_is_tty = in && isatty(fileno(in));
	h->out_is_tty = out && isatty(fileno(out));
	h->out_error = 0;
	if (h->in_is_tty)
		setvbuf(in, NULL, _IONBF, 0);
	vmh->opaque = h;
	vmh->getc = host_getc;
	vmh->putc = host_putc;
}
