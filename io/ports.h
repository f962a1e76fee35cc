/*
 * The machine's port map (docs/devices.md).  Each device's registers are
 * numbered from its base; the register maps are at the top of each device's
 * file (io/sysctl.c, io/uart.c, io/pic.c, io/timer.c, io/disk.c,
 * io/nic.c, io/kbd.c, io/display.c).
 */
#ifndef AULA_PORTS_H
#define AULA_PORTS_H

enum port_base {
	PORT_SYSCTL = 0x0000,
	PORT_UART = 0x0010,
	PORT_PIC = 0x0020,
	PORT_TIMER = 0x0030,
	PORT_DISK = 0x0040,	/* disk 0; disk n + n * DISK_PORT_STRIDE */
	PORT_NIC = 0x0080,
	PORT_KBD = 0x0090,
	PORT_DISPLAY = 0x0098,
	PORT_BALLOON = 0x00a0,
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

enum irq_line {
	IRQ_TIMER = 0,
	IRQ_KBD = 1,
	IRQ_NIC = 2,
	IRQ_BALLOON = 3,
	IRQ_UART = 4,
	IRQ_DISK0 = 5,		/* disk n on IRQ_DISK0 + n */
	IRQ_DISK1 = 6,
	IRQ_DISK2 = 7,
	IRQ_DISK3 = 8,
};
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


/* The memory balloon (io/balloon.c, docs/devices.md section 10). */
enum balloon_reg {
	BALLOON_TARGET = 0,	/* r: pages the host asks for */
	BALLOON_SIZE = 1,	/* r: pages in the balloon */
	BALLOON_PFN = 2,	/* rw: a page number, for CMD */
	BALLOON_CMD = 3,	/* w: BALLOON_CMD_* */
	BALLOON_RESULT = 4,	/* r: BALLOON_RES_* */
	BALLOON_STATUS = 5,	/* r: BALLOON_ST_*; w: 1 clears CHANGED */
	BALLOON_CTRL = 6,	/* rw: BALLOON_CTRL_* */
	BALLOON_NREGS
};
enum balloon_status { BALLOON_ST_CHANGED = 1u << 0 };
enum balloon_ctrl { BALLOON_CTRL_IE = 1u << 0 };
enum balloon_cmd { BALLOON_CMD_INFLATE = 1, BALLOON_CMD_DEFLATE = 2 };
enum balloon_result {
	BALLOON_RES_OK = 0,
	BALLOON_RES_BADCMD = 1,
	BALLOON_RES_BADPFN = 2,
	BALLOON_RES_STATE = 3,
};

/* Ticks between one received byte being taken and the next arriving. */
#define UART_RX_DELAY 100
/* How often interactive input is polled when nothing has been typed. */
#define UART_RX_POLL 100000

/*
 * Disks (io/disk.c): one instance per attached image, up to DISK_UNITS,
 * each with DISK_NREGS ports.  The values below are the guest's ABI and
 * are all in docs/devices.md, section 7.
 */
enum disk_reg {
	DISK_CMD = 0,		/* w: start a DISK_CMD_*; r: the last one */
	DISK_STATUS = 1,	/* r: DISK_ST_* and the error code; w: ack */
	DISK_LBA = 2,		/* rw: first sector */
	DISK_COUNT = 3,		/* rw: sectors to move */
	DISK_DMA = 4,		/* rw: guest-physical buffer address */
	DISK_CTRL = 5,		/* rw: DISK_CTRL_* */
	DISK_SECTORS = 6,	/* r: size of the disk in sectors */
	DISK_XFER = 7,		/* r: sectors the last command moved */
	DISK_NREGS
};
#define DISK_PORT_STRIDE 8
#define DISK_UNITS 4
enum disk_cmd {
	DISK_CMD_READ = 1,	/* disk -> RAM */
	DISK_CMD_WRITE = 2,	/* RAM -> disk */
	DISK_CMD_FLUSH = 3,	/* make earlier writes durable */
	DISK_CMD_IDENTIFY = 4,	/* the info block -> RAM */
};
enum disk_status {
	DISK_ST_BUSY = 1u << 0,
	DISK_ST_DONE = 1u << 1,
	DISK_ST_ERROR = 1u << 2,
	DISK_ST_READONLY = 1u << 3,
};
#define DISK_ST_CODE_SHIFT 8	/* bits 15..8: enum disk_error */
enum disk_error {
	DISK_ERR_NONE = 0,
	DISK_ERR_BADCMD = 1,	/* not a command */
	DISK_ERR_RANGE = 2,	/* COUNT = 0, or beyond the last sector */
	DISK_ERR_DMA = 3,	/* the buffer is not all inside RAM */
	DISK_ERR_READONLY = 4,	/* a write to a read-only disk */
	DISK_ERR_IO = 5,	/* the host failed (aula says why on stderr) */
};
enum disk_ctrl { DISK_CTRL_IE = 1u << 0 };
#define DISK_SECTOR_SIZE 512
/* Latency: DISK_CMD_TICKS + DISK_SECTOR_TICKS per sector moved. */
#define DISK_CMD_TICKS 1000
#define DISK_SECTOR_TICKS 256
/* The largest image: SECTORS is 32 bits, and never reads 0xffffffff, the
 * value of an unassigned port. */
#define DISK_MAX_SECTORS (1u << 31)

/*
 * The identify block, DISK_ID_SIZE bytes written at DMA, little-endian:
 *
 *   0  u32  DISK_ID_MAGIC ("DISK")     16  u32  flags: DISK_ID_READONLY
 *   4  u32  DISK_ID_VERSION (1)        20  u32  unit (0..3)
 *   8  u32  sectors                    24  u32  IRQ line
 *  12  u32  sector size (512)          28  u32  0 (reserved)
 *  32  char model[32], NUL-padded: DISK_ID_MODEL
 */
enum disk_id_offset {
	DISK_ID_OFF_MAGIC = 0,
	DISK_ID_OFF_VERSION = 4,
	DISK_ID_OFF_SECTORS = 8,
	DISK_ID_OFF_SECTOR_SIZE = 12,
	DISK_ID_OFF_FLAGS = 16,
	DISK_ID_OFF_UNIT = 20,
	DISK_ID_OFF_IRQ = 24,
	DISK_ID_OFF_MODEL = 32,
	DISK_ID_SIZE = 64
};
#define DISK_ID_MAGIC 0x4b534944u	/* "DISK" */
#define DISK_ID_VERSION 1
#define DISK_ID_READONLY 1u
#define DISK_ID_MODEL "Aula raw disk"
enum kbd_reg {
	KBD_DATA = 0,		/* r: take the next key code */
	KBD_STATUS = 1,		/* r: KBD_ST_*; reading clears OVERRUN */
	KBD_CTRL = 2,		/* rw: KBD_CTRL_* */
	KBD_NREGS
};
enum kbd_status { KBD_ST_READY = 1u << 0, KBD_ST_OVERRUN = 1u << 1 };
enum kbd_ctrl { KBD_CTRL_IE = 1u << 0 };
/* Key codes in DATA: Latin-1 characters as themselves (0x20-0x7e,
 * 0xa0-0xff), control keys as their ASCII codes, and the keys that have
 * no character from 0x100 (docs/devices.md, section 9). */
enum kbd_key {
	KBD_KEY_BACKSPACE = 0x08,
	KBD_KEY_TAB = 0x09,
	KBD_KEY_ENTER = 0x0a,
	KBD_KEY_ESCAPE = 0x1b,
	KBD_KEY_DELETE = 0x7f,
	KBD_KEY_UP = 0x100,
	KBD_KEY_DOWN = 0x101,
	KBD_KEY_LEFT = 0x102,
	KBD_KEY_RIGHT = 0x103,
	KBD_KEY_HOME = 0x104,
	KBD_KEY_END = 0x105,
	KBD_KEY_PAGEUP = 0x106,
	KBD_KEY_PAGEDOWN = 0x107,
	KBD_KEY_INSERT = 0x108,
	KBD_KEY_F1 = 0x111,	/* F1..F12 are 0x111..0x11c */
	KBD_KEY_F12 = 0x11c,
};
/* Keys the keyboard holds for the guest; more are lost (OVERRUN). */
#define KBD_QUEUE 16
/* How often the keyboard asks its host for keys, when it has one. */
#define KBD_POLL 100000

enum display_reg {
	DISPLAY_CTRL = 0,	/* rw: DISPLAY_CTRL_* */
	DISPLAY_CURSOR = 1,	/* rw: cursor cell, row * 80 + column */
	DISPLAY_BASE = 2,	/* r: DISPLAY_TEXT_BASE */
	DISPLAY_SIZE = 3,	/* r: columns | rows << 16 */
	DISPLAY_NREGS
};
enum display_ctrl {
	DISPLAY_CTRL_ENABLE = 1u << 0,
	DISPLAY_CTRL_CURSOR = 1u << 1,
};
/* The text buffer: 80 x 25 cells of (character, attribute) bytes, row by
 * row, in guest-physical RAM. */
#define DISPLAY_COLS 80
#define DISPLAY_ROWS 25
#define DISPLAY_CELLS (DISPLAY_COLS * DISPLAY_ROWS)
#define DISPLAY_TEXT_BASE 0x000b8000u
#define DISPLAY_TEXT_SIZE (DISPLAY_CELLS * 2)
/* Ticks between two frames sent to the display's host (60 per second of
 * the nominal 100 MHz clock). */
#define DISPLAY_REFRESH 1666667
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
