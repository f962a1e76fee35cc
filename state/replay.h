/*
 * Record and replay (docs/record-format.md): the inputs of a run, with
 * the moment the guest took each, and host back ends that serve them
 * again.
 *
 * Recording wraps the machine's real host callbacks (console, NIC,
 * keyboard, display) before the machine is made: each answer that reaches
 * the guest is appended to the file as it comes.  Replay installs
 * callbacks of its own that answer from a decoded recording, and stop the
 * machine with a message when the guest asks at a moment the recording
 * does not have.
 */
#ifndef AULA_REPLAY_H
#define AULA_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "state/ckpt.h"

#define REC_MAGIC "AULAREC"
#define REC_VERSION 1
#define REC_HEADER_SIZE 16
#define REC_ITEM_HEADER 13
#define REC_FRAME_MAX 1515	/* bytes of a frame kept: the card's buffer */

enum rec_kind {
	REC_CONSOLE = 1, REC_CONSOLE_EOF, REC_FRAME, REC_KEY, REC_KEY_END,
	REC_LINK, REC_CLOSE, REC_END, REC_NKINDS
};

/* The machine's position: its budget spent since power-on. */
static inline uint64_t rec_pos(const struct vm *vm)
{
	return vm_units(vm);
}

/* ---- recording ---------------------------------------------------------- */

struct recorder {
	FILE *f;
	struct vm *vm;		/* set by rec_begin */
	uint32_t crc;		/* of every byte written */
	int error;		/* a write failed */
	int link;		/* the link state last recorded; -1: none */
	struct vm_console_host console;	/* the real hosts */
	struct vm_nic_host nic;
	struct vm_keyboard_host keyboard;
	struct vm_display_host display;
};

/* Put the recorder between cfg's hosts and the machine to be made. */
void rec_wrap(struct recorder *r, struct vm_config *cfg);
/* Write the header and a checkpoint of vm as it begins, to f.  0, or -1
 * with err. */
int rec_begin(struct recorder *r, FILE *f, struct vm *vm, char *err,
	      size_t errlen);
/* Write END: 0, or -1 with err (a write failed, now or before). */
int rec_end(struct recorder *r, char *err, size_t errlen);

/* The CRC-32 of the machine's checkpoint sections: END's state_crc. */
int rec_state_crc(const struct vm *vm, uint32_t *crc, char *err,
		  size_t errlen);

/* ---- replay ------------------------------------------------------------- */

struct rec_item {
	uint8_t kind;
	uint64_t pos;
	uint32_t pc;
	uint32_t value;		/* byte, key code, link, frame length */
	size_t off;		/* FRAME: its stored bytes, in the file */
	uint16_t stored;
};

struct replay {
	uint8_t *buf;		/* the whole file */
	size_t len;
	struct ckpt start;	/* the machine as the run began */
	struct rec_item *items;
	size_t n;
	bool have_end;
	uint32_t end_stop, end_code, end_crc;
	uint64_t end_pos;	/* of END, or of the last record */
	size_t next[REC_NKINDS];	/* the next item of each stream */
	struct vm *vm;		/* set by the caller once it exists */
	int link;
	struct vm_console_host out;	/* where console output goes */
	char diverged[256];	/* "": not (yet) */
	uint64_t served;	/* inputs served */
};

/* Decode a recording (buf is taken over, and freed by replay_free).  0,
 * or -1 with err naming the byte. */
int replay_decode(struct replay *p, uint8_t *buf, size_t len, char *err,
		  size_t errlen);
void replay_free(struct replay *p);
/* The replay's hosts in cfg, per the recording's wiring; console output
 * goes to out. */
void replay_hosts(struct replay *p, struct vm_config *cfg,
		  const struct vm_console_host *out);

#endif
