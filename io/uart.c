/*
 * Console UART.
 *
 *  port  reg     dir  meaning
 *  0x10  DATA    r    the received byte (0..255), taken by the read;
 *                     0xffffffff if none is ready
 *                w    transmit the low byte
 *  0x11  STATUS  r    bit 0 RXREADY  a received byte is waiting
 *                     bit 1 TXREADY  always 1: transmission is instant
 *                     bit 2 EOF      input has ended; no byte will come
 *  0x12  CTRL    rw   bit 0 RXIE     raise IRQ 4 while RXREADY
 *
 * Input arrives in virtual time: a byte becomes due UART_RX_DELAY ticks
 * after reset and after the previous byte was taken.  Nothing is ever
 * dropped: the next byte waits until the guest reads this one.  The host
 * is asked for a due byte only when the guest could observe it (it reads
 * STATUS or DATA, or has RXIE set), so a guest that never reads input
 * never blocks on it.  With batch input (a file or a pipe) this is
 * deterministic; only input typed at a terminal depends on when it is
 * typed.
 */
#include "io/devices.h"

#include "cpu/vm.h"
#include "io/ports.h"

struct uart {
	struct vm *vm;
	uint8_t rx_byte, rx_ready, rx_due, eof, ctrl;
	uint64_t rx_count, tx_count;
	uint64_t host_bytes;	/* bytes taken from the host's input */
};

static void uart_update_irq(struct uart *u)
{
	vm_irq_set(u->vm, IRQ_UART, u->rx_ready && (u->ctrl & UART_CTRL_RXIE));
}

static void uart_rx_event(void *arg, uint64_t now);

/* Fetch the due byte from the host. */
static void uart_pull(struct uart *u)
{
	if (!u->rx_due || u->rx_ready || u->eof)
		return;
	const struct vm_console_host *h = &u->vm->cfg.console;
	int c = h->getc ? h->getc(h->opaque) : VM_CONSOLE_EOF;
	if (c == VM_CONSOLE_EOF) {
		u->eof = 1;
		u->rx_due = 0;
	} else if (c == VM_CONSOLE_NONE) {
		/* Interactive and nothing typed yet: look again later if
		 * the guest waits for an interrupt. */
		if (u->ctrl & UART_CTRL_RXIE) {
			/* One pending poll is enough, however often the
			 * guest looks meanwhile. */
			event_cancel(&u->vm->events, uart_rx_event, u);
			vm_schedule(u->vm, UART_RX_POLL, uart_rx_event, u);
		}
	} else {
		u->rx_byte = (uint8_t)c;
		u->host_bytes++;
		u->rx_ready = 1;
		u->rx_due = 0;
		uart_update_irq(u);
	}
}

static void uart_rx_event(void *arg, uint64_t now)
{
	struct uart *u = arg;
	(void)now;
	u->rx_due = 1;
	if (u->ctrl & UART_CTRL_RXIE)
		uart_pull(u);
}

static void uart_reset(void *dev)
{
	struct uart *u = dev;
	event_cancel(&u->vm->events, uart_rx_event, u);
	u->rx_ready = u->rx_due = u->ctrl = 0;
	uart_update_irq(u);
	if (!u->eof)
		vm_schedule(u->vm, UART_RX_DELAY, uart_rx_event, u);
}

static int uart_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	((struct uart *)dev)->vm = vm;
	return 0;
}

static uint32_t uart_read(void *dev, uint16_t reg)
{
	struct uart *u = dev;
	switch (reg) {
	case UART_DATA:
		uart_pull(u);
		if (!u->rx_ready)
			return 0xffffffff;
		u->rx_ready = 0;
		u->rx_count++;
		uart_update_irq(u);
		vm_schedule(u->vm, UART_RX_DELAY, uart_rx_event, u);
		return u->rx_byte;
	case UART_STATUS:
		uart_pull(u);
		return (u->rx_ready ? UART_ST_RXREADY : 0) | UART_ST_TXREADY |
		       (u->eof && !u->rx_ready ? UART_ST_EOF : 0);
	case UART_CTRL:
		return u->ctrl;
	default:
		return 0;
	}
}

/* STATUS and CTRL read without effect unless a byte is due from the host
 * (then the read asks it, and the answer may differ); DATA takes one. */
static bool uart_pure_read(const void *dev, uint16_t reg)
{
	const struct uart *u = dev;
	if (reg == UART_DATA)
		return false;
	return !u->rx_due || u->rx_ready || u->eof;
}

static void uart_write(void *dev, uint16_t reg, uint32_t v)
{
	struct uart *u = dev;
	const struct vm_console_host *h = &u->vm->cfg.console;
	switch (reg) {
	case UART_DATA:
		u->tx_count++;
		if (h->putc)
			h->putc(h->opaque, (uint8_t)v);
		break;
	case UART_CTRL:
		u->ctrl = v & UART_CTRL_RXIE;
		uart_pull(u);
		uart_update_irq(u);
		break;
	}
}

static const struct dev_field uart_fields[] = {
	DEV_FIELD(struct uart, rx_byte, DEV_FIELD_U8, "byte waiting in DATA"),
	DEV_FIELD(struct uart, rx_ready, DEV_FIELD_U8, "STATUS.RXREADY"),
	DEV_FIELD(struct uart, rx_due, DEV_FIELD_U8,
		  "a byte is due from the host"),
	DEV_FIELD(struct uart, eof, DEV_FIELD_U8, "input has ended"),
	DEV_FIELD(struct uart, ctrl, DEV_FIELD_U8, "CTRL register"),
	DEV_FIELD(struct uart, rx_count, DEV_FIELD_U64, "bytes received"),
	DEV_FIELD(struct uart, tx_count, DEV_FIELD_U64, "bytes transmitted"),
	DEV_FIELD(struct uart, host_bytes, DEV_FIELD_U64,
		  "bytes taken from the host's input"),
	{ 0 }
};

static const struct dev_derived uart_derived[] = {
	DEV_DERIVED(struct uart, vm, "the machine, set by init"),
	{ 0 }
};

static const struct dev_event uart_events[] = {
	{ "rx", uart_rx_event },
	{ 0 }
};

const struct dev_ops uart_ops = {
	.name = "uart",
	.size = sizeof(struct uart),
	.nports = UART_NREGS,
	.fields = uart_fields,
	.derived = uart_derived,
	.events = uart_events,
	.init = uart_init,
	.reset = uart_reset,
	.read = uart_read,
	.pure_read = uart_pure_read,
	.write = uart_write,
};
