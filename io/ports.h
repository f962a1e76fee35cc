/*
 * The machine's port map (docs/devices.md).  Each device's registers are
 * numbered from its base; the register maps are at the top of io/sysctl.c
 * and io/uart.c.
 */
#ifndef AULA_PORTS_H
#define AULA_PORTS_H

enum port_base {
	PORT_SYSCTL = 0x0000,
	PORT_UART = 0x0010,
	PORT_PIC = 0x0020,
	PORT_TIMER = 0x0030,
};

enum sysctl_reg {
	SYSCTL_POWEROFF = 0,	/* w: power off, value = exit code */
	SYSCTL_RESET = 1,	/* w: reset the machine */
	SYSCTL_RAMSIZE = 2,	/* r: bytes of RAM */
	SYSCTL_ID = 3,		/* r: SYSCTL_ID_VALUE */
	SYSCTL_NREGS
};
#define SYSCTL_ID_VALUE 0x41554c41u	/* "AULA" */

enum uart_reg {
	UART_DATA = 0,		/* r: take the received byte; w: transmit */
	UART_STATUS = 1,	/* r: UART_ST_* */
	UART_CTRL = 2,		/* rw: UART_CTRL_* */
	UART_NREGS
};
enum uart_status {
	UART_ST_RXREADY = 1u << 0,
	UART_ST_TXREADY = 1u << 1,
	UART_ST_EOF = 1u << 2,
};
enum uart_ctrl { UART_CTRL_RXIE = 1u << 0 };

enum pic_reg {
	PIC_PENDING = 0,	/* r: requesting lines */
	PIC_INSERVICE = 1,	/* r: lines in service */
	PIC_MASK = 2,		/* rw: masked lines */
	PIC_EOI = 3,		/* w: end of interrupt, value = line */
	PIC_TRIGGER = 4,	/* r: edge-triggered lines */
	PIC_NREGS
};

enum timer_reg {
	TIMER_CTRL = 0,		/* rw: TIMER_CTRL_* */
	TIMER_RELOAD = 1,	/* rw: ticks per countdown */
	TIMER_COUNT = 2,	/* r: ticks left */
	TIMER_STATUS = 3,	/* rw: TIMER_ST_*, write 1 to clear */
	TIMER_FREQ = 4,		/* r: TIMER_HZ */
	TIMER_NREGS
};
enum timer_ctrl { TIMER_CTRL_ENABLE = 1u << 0, TIMER_CTRL_PERIODIC = 1u << 1 };
enum timer_status { TIMER_ST_EXPIRED = 1u << 0 };
#define TIMER_HZ 100000000u	/* nominal: one tick = one instruction */

enum irq_line { IRQ_TIMER = 0, IRQ_UART = 4 };

/* Ticks between one received byte being taken and the next arriving. */
#define UART_RX_DELAY 100
/* How often interactive input is polled when nothing has been typed. */
#define UART_RX_POLL 100000

#endif
