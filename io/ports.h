/*
 * The machine's port map (docs/devices.md).  Each device's registers are
 * numbered from its base; the register maps are at the top of each device's
 * file (io/sysctl.c, io/uart.c, io/pic.c, io/timer.c, io/nic.c).
 */
#ifndef AULA_PORTS_H
#define AULA_PORTS_H

enum port_base {
	PORT_SYSCTL = 0x0000,
	PORT_UART = 0x0010,
	PORT_PIC = 0x0020,
	PORT_TIMER = 0x0030,
	PORT_NIC = 0x0080,
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

enum nic_reg {
	NIC_CTRL = 0,		/* rw: NIC_CTRL_* */
	NIC_STATUS = 1,		/* r: NIC_ST_*; w: 1 clears TXDONE */
	NIC_MAC_LO = 2,		/* rw: MAC bytes 0-3, byte 0 in 7..0 */
	NIC_MAC_HI = 3,		/* rw: MAC bytes 4-5 in bits 15..0 */
	NIC_TX_ADDR = 4,	/* rw: guest-physical address of a frame */
	NIC_TX_LEN = 5,		/* rw: its length in bytes */
	NIC_RX_ADDR = 6,	/* rw: guest-physical receive buffer */
	NIC_RX_LEN = 7,		/* r: length of the queue's head frame */
	NIC_CMD = 8,		/* w: NIC_CMD_* */
	NIC_RESULT = 9,		/* r: NIC_RES_*: how the last CMD went */
	NIC_TX_FRAMES = 10,	/* r: frames sent */
	NIC_TX_BYTES = 11,	/* r: bytes sent */
	NIC_RX_FRAMES = 12,	/* r: frames received into memory */
	NIC_RX_BYTES = 13,	/* r: bytes received into memory */
	NIC_DROPPED = 14,	/* r: frames dropped (off, bad length, full) */
	NIC_FILTERED = 15,	/* r: frames for another address, ignored */
	NIC_NREGS
};
enum nic_ctrl {
	NIC_CTRL_RXEN = 1u << 0,
	NIC_CTRL_PROMISC = 1u << 1,
	NIC_CTRL_RXIE = 1u << 2,
	NIC_CTRL_TXIE = 1u << 3,
};
enum nic_status {
	NIC_ST_RXREADY = 1u << 0,
	NIC_ST_TXBUSY = 1u << 1,
	NIC_ST_TXDONE = 1u << 2,
	NIC_ST_LINK = 1u << 3,
};
enum nic_cmd { NIC_CMD_TX = 1, NIC_CMD_RX = 2, NIC_CMD_RXDROP = 3 };
enum nic_result {
	NIC_RES_OK = 0,
	NIC_RES_BADCMD = 1,	/* no such command */
	NIC_RES_LENGTH = 2,	/* TX_LEN outside 14..1514 */
	NIC_RES_DMA = 3,	/* the buffer is not all in RAM */
	NIC_RES_BUSY = 4,	/* a transmission is under way */
	NIC_RES_EMPTY = 5,	/* no frame is waiting */
	NIC_RES_NOLINK = 6,	/* the cable is unplugged */
};

enum irq_line { IRQ_TIMER = 0, IRQ_NIC = 2, IRQ_UART = 4 };

/* Ticks between one received byte being taken and the next arriving. */
#define UART_RX_DELAY 100
/* How often interactive input is polled when nothing has been typed. */
#define UART_RX_POLL 100000

/* Ethernet frames, without preamble and CRC: header 14 bytes (destination,
 * source, type), at least 60 bytes on the wire, at most 1514. */
#define NIC_HEADER 14
#define NIC_MIN_FRAME 60
#define NIC_MAX_FRAME 1514
/* Frames the receive queue holds. */
#define NIC_RX_QUEUE 8
/* Ticks between two looks at the back end for received frames. */
#define NIC_RX_POLL 100000
/* Wire time: the link runs at 100 Mbit/s, one bit per tick. */
#define NIC_TX_TICKS_PER_BYTE 8

#endif
