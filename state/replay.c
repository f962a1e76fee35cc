/* Record and replay (state/replay.h, docs/record-format.md). */
#include "state/replay.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- recording ---------------------------------------------------------- */

static void put(struct recorder *r, const void *p, size_t n)
{
	if (r->error || !r->f)
		return;
	if (fwrite(p, 1, n, r->f) != n)
		r->error = 1;
	r->crc = (uint32_t)crc32(r->crc, p, (uInt)n);
}

static void put_le(struct recorder *r, uint64_t v, unsigned n)
{
	uint8_t b[8];
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(r, b, n);
}

static void item(struct recorder *r, enum rec_kind kind)
{
	put_le(r, kind, 1);
	put_le(r, rec_pos(r->vm), 8);
	put_le(r, r->vm->cpu.pc, 4);
}

static int rec_getc(void *opaque)
{
	struct recorder *r = opaque;
	int c = r->console.getc ? r->console.getc(r->console.opaque)
				: VM_CONSOLE_EOF;
	if (r->vm && c >= 0) {
		item(r, REC_CONSOLE);
		put_le(r, (uint8_t)c, 1);
	} else if (r->vm && c == VM_CONSOLE_EOF) {
		item(r, REC_CONSOLE_EOF);
	}
	/* Typed input must be safe on disk when the run is killed. */
	if (r->f && c != VM_CONSOLE_NONE)
		fflush(r->f);
	return c;
}

static void rec_putc(void *opaque, uint8_t byte)
{
	struct recorder *r = opaque;
	if (r->console.putc)
		r->console.putc(r->console.opaque, byte);
}

static void rec_send(void *opaque, const uint8_t *frame, uint32_t len,
		     uint64_t now)
{
	struct recorder *r = opaque;
	r->nic.send(r->nic.opaque, frame, len, now);
}

static uint32_t rec_recv(void *opaque, uint8_t *buf, uint32_t cap,
			 uint64_t now, uint64_t wait)
{
	struct recorder *r = opaque;
	uint32_t len = r->nic.recv(r->nic.opaque, buf, cap, now, wait);
	if (len && r->vm) {
		uint32_t stored = len < cap ? len : cap;
		if (stored > REC_FRAME_MAX)
			stored = REC_FRAME_MAX;
		item(r, REC_FRAME);
		put_le(r, len, 4);
		put_le(r, stored, 2);
		put(r, buf, stored);
	}
	return len;
}

static int rec_link(void *opaque)
{
	struct recorder *r = opaque;
	int up = r->nic.link ? r->nic.link(r->nic.opaque) != 0 : 1;
	if (r->vm && up != r->link) {
		item(r, REC_LINK);
		put_le(r, (uint64_t)up, 1);
		r->link = up;
	}
	return up;
}

static int rec_next_key(void *opaque, uint64_t now)
{
	struct recorder *r = opaque;
	int k = r->keyboard.next_key(r->keyboard.opaque, now);
	if (r->vm && k >= 0) {
		item(r, REC_KEY);
		put_le(r, (uint32_t)k, 4);
	} else if (r->vm && k == VM_KEY_END) {
		item(r, REC_KEY_END);
	}
	return k;
}

static int rec_refresh(void *opaque, const struct display_view *v,
		       uint64_t now)
{
	struct recorder *r = opaque;
	int closed = r->display.refresh(r->display.opaque, v, now);
	if (closed && r->vm)
		item(r, REC_CLOSE);
	return closed;
}

void rec_wrap(struct recorder *r, struct vm_config *cfg)
{
	memset(r, 0, sizeof *r);
	r->link = -1;
	r->console = cfg->console;
	r->nic = cfg->nic;
	r->keyboard = cfg->keyboard;
	r->display = cfg->display;
	cfg->console = (struct vm_console_host){
		.opaque = r, .getc = rec_getc, .putc = rec_putc };
	if (r->nic.send)
		cfg->nic = (struct vm_nic_host){
			.opaque = r, .send = rec_send,
			.recv = r->nic.recv ? rec_recv : NULL,
			.link = rec_link };
	if (r->keyboard.next_key)
		cfg->keyboard = (struct vm_keyboard_host){
			.opaque = r, .next_key = rec_next_key };
	if (r->display.refresh)
		cfg->display = (struct vm_display_host){
			.opaque = r, .refresh = rec_refresh };
}

/* The checkpoint of the machine, encoded. */
static int encode_state(const struct vm *vm, uint8_t **buf, size_t *len,
			char *err, size_t errlen)
{
	struct ckpt ck;
	if (ckpt_capture(&ck, vm, CKPT_DISK_CRC, err, errlen))
		return -1;
	int rc = ckpt_encode(&ck, buf, len);
	ckpt_free(&ck);
	if (rc)
		snprintf(err, errlen, "out of host memory");
	return rc;
}

int rec_state_crc(const struct vm *vm, uint32_t *crc, char *err,
		  size_t errlen)
{
	uint8_t *buf;
	size_t len;
	if (encode_state(vm, &buf, &len, err, errlen))
		return -1;
	*crc = (uint32_t)crc32(0, buf + CKPT_HEADER_SIZE,
			       (uInt)(len - CKPT_HEADER_SIZE));
	free(buf);
	return 0;
}

int rec_begin(struct recorder *r, FILE *f, struct vm *vm, char *err,
	      size_t errlen)
{
	uint8_t *buf;
	size_t len;
	if (encode_state(vm, &buf, &len, err, errlen))
		return -1;
	r->f = f;
	r->vm = vm;
	r->crc = (uint32_t)crc32(0, Z_NULL, 0);
	put(r, REC_MAGIC, 8);
	put_le(r, REC_VERSION, 4);
	put_le(r, REC_HEADER_SIZE, 4);
	put_le(r, len, 4);
	put(r, buf, len);
	free(buf);
	if (r->nic.send)
		rec_link(r);	/* the cable as the run begins */
	if (fflush(f) != 0)
		r->error = 1;
	if (r->error) {
		snprintf(err, errlen, "writing the recording failed");
		return -1;
	}
	return 0;
}

int rec_end(struct recorder *r, char *err, size_t errlen)
{
	uint32_t state, before = r->crc;
	if (rec_state_crc(r->vm, &state, err, errlen))
		return -1;
	item(r, REC_END);
	put_le(r, r->vm->stop, 4);
	put_le(r, r->vm->stop_code, 4);
	put_le(r, state, 4);
	put_le(r, before, 4);
	if (r->error || fflush(r->f) != 0) {
		snprintf(err, errlen, "writing the recording failed");
		return -1;
	}
	return 0;
}

/* ---- replay ------------------------------------------------------------- */

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)

int replay_decode(struct replay *p, uint8_t *buf, size_t len, char *err,
		  size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->buf = buf;
	p->len = len;
	p->link = 1;
	if (len < 8 || memcmp(buf, REC_MAGIC, 8))
		BAD("not an Aula recording (no AULAREC at the start)");
	if (len < REC_HEADER_SIZE + 4)
		BAD("truncated: %zu bytes, shorter than the header", len);
	uint32_t version = (uint32_t)le(buf + 8, 4);
	if (version > REC_VERSION)
		BAD("written by a newer aula: format version %u, and this "
		    "aula reads version %d", version, REC_VERSION);
	if (version == 0 || le(buf + 12, 4) != REC_HEADER_SIZE)
		BAD("corrupt: version %u, a %u-byte header", version,
		    (unsigned)le(buf + 12, 4));
	size_t clen = (size_t)le(buf + REC_HEADER_SIZE, 4),
	       at = REC_HEADER_SIZE + 4;
	if (clen > len - at)
		BAD("truncated: the initial checkpoint needs %zu bytes, %zu "
		    "remain", clen, len - at);
	char why[400];
	if (ckpt_decode(&p->start, buf + at, clen, why, sizeof why))
		BAD("the initial checkpoint at byte %zu: %s", at, why);
	at += clen;
	size_t cap = 0;
	uint64_t last = rec_pos(&(struct vm){ .cpu = {
		.insns = p->start.cpu.insns,
		.exceptions = p->start.cpu.exceptions },
		.halted_time = p->start.mach.halted_time });
	p->end_pos = last;
	while (at < len) {
		if (len - at < REC_ITEM_HEADER)
			BAD("truncated: a record at byte %zu is cut short", at);
		struct rec_item it = { .kind = buf[at],
				       .pos = le(buf + at + 1, 8),
				       .pc = (uint32_t)le(buf + at + 9, 4) };
		size_t start = at, need;
		at += REC_ITEM_HEADER;
		switch (it.kind) {
		case REC_CONSOLE: need = 1; break;
		case REC_FRAME: need = 6; break;
		case REC_KEY: need = 4; break;
		case REC_LINK: need = 1; break;
		case REC_END: need = 16; break;
		case REC_CONSOLE_EOF: case REC_KEY_END: case REC_CLOSE:
			need = 0; break;
		default:
			BAD("corrupt: a record of kind %u at byte %zu", it.kind,
			    start);
		}
		if (len - at < need)
			BAD("truncated: the record at byte %zu is cut short",
			    start);
		if (it.pos < last)
			BAD("corrupt: the record at byte %zu goes back in time "
			    "(%llu after %llu)", start,
			    (unsigned long long)it.pos,
			    (unsigned long long)last);
		last = it.pos;
		if (it.kind == REC_END) {
			if (len - at != 16)
				BAD("corrupt: %zu bytes after the END record",
				    len - at - 16);
			if (le(buf + at + 12, 4) !=
			    crc32(0, buf, (uInt)start))
				BAD("corrupt: the CRC in the END record at byte "
				    "%zu does not match the file", start);
			p->have_end = true;
			p->end_stop = (uint32_t)le(buf + at, 4);
			p->end_code = (uint32_t)le(buf + at + 4, 4);
			p->end_crc = (uint32_t)le(buf + at + 8, 4);
			p->end_pos = it.pos;
			break;
		}
		if (it.kind == REC_FRAME) {
			it.value = (uint32_t)le(buf + at, 4);
			it.stored = (uint16_t)le(buf + at + 4, 2);
			if (it.stored > REC_FRAME_MAX || it.stored > it.value)
				BAD("corrupt: the frame at byte %zu stores %u "
				    "bytes of %u", start, it.stored, it.value);
			need += it.stored;
			if (len - at < need)
				BAD("truncated: the frame at byte %zu is cut "
				    "short", start);
			it.off = at + 6;
		} else if (need) {
			it.value = (uint32_t)le(buf + at, need);
		}
		at += need;
		if (p->n == cap) {
			cap = cap ? 2 * cap : 256;
			struct rec_item *items = realloc(p->items,
							 cap * sizeof *items);
			if (!items)
				BAD("out of host memory");
			p->items = items;
		}
		p->items[p->n++] = it;
		p->end_pos = it.pos;
	}
	return 0;
fail:
	replay_free(p);
	return -1;
}

void replay_free(struct replay *p)
{
	ckpt_free(&p->start);
	free(p->items);
	free(p->buf);
	memset(p, 0, sizeof *p);
}

/* Which stream a kind belongs to: the kinds one host answers from. */
static int stream(int kind)
{
	switch (kind) {
	case REC_CONSOLE_EOF: return REC_CONSOLE;
	case REC_KEY_END: return REC_KEY;
	default: return kind;
	}
}

/* The next item of stream s due by now: 1 with *it; 0 not yet or none;
 * -1 when the guest asks after it was due (it diverged). */
static int due(struct replay *p, int s, const struct rec_item **it)
{
	size_t *i = &p->next[s];
	while (*i < p->n && stream(p->items[*i].kind) != s)
		(*i)++;
	if (*i == p->n || p->diverged[0])
		return 0;
	const struct rec_item *x = &p->items[*i];
	uint64_t pos = rec_pos(p->vm);
	if (pos < x->pos)
		return 0;
	if (pos > x->pos || p->vm->cpu.pc != x->pc) {
		snprintf(p->diverged, sizeof p->diverged, "the recording has "
			 "input %zu at position %llu, pc 0x%08x; the guest "
			 "asks at position %llu, pc 0x%08x", *i,
			 (unsigned long long)x->pos, x->pc,
			 (unsigned long long)pos, p->vm->cpu.pc);
		vm_stop(p->vm, VM_STOP_HOST_ERROR, 0);
		return -1;
	}
	*it = x;
	(*i)++;
	p->served++;
	return 1;
}

static int rp_getc(void *opaque)
{
	struct replay *p = opaque;
	const struct rec_item *it;
	if (due(p, REC_CONSOLE, &it) != 1)
		return VM_CONSOLE_NONE;
	return it->kind == REC_CONSOLE ? (int)it->value : VM_CONSOLE_EOF;
}

static void rp_putc(void *opaque, uint8_t byte)
{
	struct replay *p = opaque;
	if (p->out.putc)
		p->out.putc(p->out.opaque, byte);
}

static void rp_send(void *opaque, const uint8_t *frame, uint32_t len,
		    uint64_t now)
{
	/* It went on the wire when it was recorded. */
	(void)opaque, (void)frame, (void)len, (void)now;
}

static uint32_t rp_recv(void *opaque, uint8_t *buf, uint32_t cap,
			uint64_t now, uint64_t wait)
{
	struct replay *p = opaque;
	const struct rec_item *it;
	(void)now, (void)wait;
	if (due(p, REC_FRAME, &it) != 1)
		return 0;
	memcpy(buf, p->buf + it->off, it->stored < cap ? it->stored : cap);
	return it->value;
}

/* The link is a state, not an answer: every change due by now holds. */
static int rp_link(void *opaque)
{
	struct replay *p = opaque;
	size_t *i = &p->next[REC_LINK];
	for (; *i < p->n; (*i)++) {
		const struct rec_item *it = &p->items[*i];
		if (it->kind != REC_LINK)
			continue;
		if (it->pos > rec_pos(p->vm))
			break;
		p->link = (int)it->value;
	}
	return p->link;
}

static int rp_next_key(void *opaque, uint64_t now)
{
	struct replay *p = opaque;
	const struct rec_item *it;
	(void)now;
	if (due(p, REC_KEY, &it) != 1)
		return VM_KEY_NONE;
	return it->kind == REC_KEY ? (int)(it->value & 0xffff) : VM_KEY_END;
}

static int rp_refresh(void *opaque, const struct display_view *v,
		      uint64_t now)
{
	struct replay *p = opaque;
	const struct rec_item *it;
	(void)v, (void)now;
	return due(p, REC_CLOSE, &it) == 1;
}

void replay_hosts(struct replay *p, struct vm_config *cfg,
		  const struct vm_console_host *out)
{
	uint16_t w = p->start.conf.wiring;
	p->out = *out;
	cfg->console = (struct vm_console_host){
		.opaque = p, .getc = rp_getc, .putc = rp_putc };
	cfg->nic = (struct vm_nic_host){ 0 };
	if (w & CKPT_WIRE_NIC_SEND)
		cfg->nic = (struct vm_nic_host){
			.opaque = p, .send = rp_send, .link = rp_link,
			.recv = w & CKPT_WIRE_NIC_RECV ? rp_recv : NULL };
	cfg->keyboard = (struct vm_keyboard_host){ 0 };
	if (w & CKPT_WIRE_KEYBOARD)
		cfg->keyboard = (struct vm_keyboard_host){
			.opaque = p, .next_key = rp_next_key };
	cfg->display = (struct vm_display_host){ 0 };
	if (w & CKPT_WIRE_DISPLAY)
		cfg->display = (struct vm_display_host){
			.opaque = p, .refresh = rp_refresh };
}
