/*
 * The network's host side (net/): the capture a card writes, read back
 * by a reader of our own and by tcpdump when it is installed; and `aula
 * hub` as a learning switch, run in a temporary directory with three
 * clients (net/hub_client.c) that check learning, forwarding, flooding,
 * addresses moving, clients leaving, and a clean stop.
 *
 * The hub is a separate process, so its test waits on it -- each wait
 * bounded (a few seconds) and ended as soon as what it waits for is
 * there.  make check sets AULA to the aula binary.
 */
#define _GNU_SOURCE		/* nanosleep, kill, popen */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/ports.h"
#include "tests/unit/harness.h"
#include "net/hub.h"
#include "net/pcap.h"

static const char *aula(void)
{
	const char *a = getenv("AULA");
	return a && *a ? a : "./aula";
}

static void nap_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* A 60-byte frame: dst, src, type 0x88b5, then tag and zeros. */
static void mkframe(uint8_t f[60], uint8_t dst, uint8_t src, uint8_t tag)
{
	static const uint8_t base[6] = { 0x02, 0, 0, 0, 0, 0 };
	memset(f, 0, 60);
	memcpy(f, base, 6);
	memcpy(f + 6, base, 6);
	f[5] = dst;
	f[11] = src;
	if (dst == 0xff)
		memset(f, 0xff, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	f[14] = tag;
}

/* ---- the capture ------------------------------------------------------- */

/* A wire that delivers one frame at the first poll. */
struct wire {
	uint8_t frame[60];
	int given;
};

static uint32_t wire_recv(void *opaque, uint8_t *buf, uint32_t cap,
			  uint64_t now, uint64_t wait)
{
	struct wire *w = opaque;
	(void)now, (void)wait;
	if (w->given++)
		return 0;
	memcpy(buf, w->frame, cap < 60 ? cap : 60);
	return 60;
}

static void wire_send(void *opaque, const uint8_t *f, uint32_t len,
		      uint64_t now)
{
	(void)opaque, (void)f, (void)len, (void)now;
}

static uint32_t le32(const uint8_t *p)
{
	return mem_ld32(p);
}

struct cap_frame {
	uint8_t data[60];
	uint32_t len;
	uint64_t at;		/* virtual time */
};

/* Check the file against the frames, with a reader of our own. */
static void read_back(const char *path, const struct cap_frame *want, int n)
{
	uint8_t h[PCAP_HEADER_SIZE], r[PCAP_RECORD_SIZE], data[2000];
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(h, 1, sizeof h, f), sizeof h);
	ck_assert_uint_eq(le32(h), 0xa1b2c3d4);
	ck_assert_uint_eq(mem_ld16(h + 4), 2);
	ck_assert_uint_eq(mem_ld16(h + 6), 4);
	ck_assert_uint_eq(le32(h + 8), 0);
	ck_assert_uint_eq(le32(h + 16), 65535);
	ck_assert_uint_eq(le32(h + 20), 1);	/* Ethernet */
	for (int i = 0; i < n; i++) {
		ck_assert_msg(fread(r, 1, sizeof r, f) == sizeof r,
			      "record %d missing", i);
		ck_assert_uint_eq(le32(r), want[i].at / 100000000);
		ck_assert_uint_eq(le32(r + 4), want[i].at % 100000000 / 100);
		ck_assert_uint_eq(le32(r + 8), want[i].len);
		ck_assert_uint_eq(le32(r + 12), want[i].len);
		ck_assert_uint_eq(fread(data, 1, want[i].len, f),
				  want[i].len);
		ck_assert_int_eq(memcmp(data, want[i].data, want[i].len), 0);
	}
	ck_assert_int_eq(fgetc(f), EOF);
	fclose(f);
}

/* Read it with tcpdump, if it is installed: three packets, their
 * addresses, lengths, times, and the first one's bytes. */
static void tcpdump_reads(const char *path, const struct cap_frame *want)
{
	char cmd[512], line[512], hex[64];
	snprintf(cmd, sizeof cmd, "command -v tcpdump >/dev/null 2>&1 || "
		 "exit 77; tcpdump -tt -n -e -xx -r '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	int packets = 0, hexlines = 0;
	while (fgets(line, sizeof line, p)) {
		if (strstr(line, " > ")) {
			char at[32];
			uint64_t t = want[packets].at;
			snprintf(at, sizeof at, "%llu.%06llu ",
				 (unsigned long long)(t / 100000000),
				 (unsigned long long)(t % 100000000 / 100));
			ck_assert_msg(!strncmp(line, at, strlen(at)),
				      "tcpdump: %s (expected %s)", line, at);
			ck_assert_msg(strstr(line, "length 60"), "%s", line);
			ck_assert_msg(strstr(line, "0x88b5"), "%s", line);
			packets++;
			continue;
		}
		/* "\t0x0000:  ffff ffff ffff 0200 0000 0001 88b5 0100" */
		if (packets == 1 && sscanf(line, " 0x%*x: %63[0-9a-f ]", hex)) {
			const uint8_t *d = want[0].data + 16 * hexlines++;
			char exp[64] = "";
			for (int i = 0; i < 16 && d + i < want[0].data + 60;
			     i += 2)
				snprintf(exp + strlen(exp),
					 sizeof exp - strlen(exp), "%02x%02x ",
					 d[i], d[i + 1]);
			ck_assert_msg(!strncmp(hex, exp, strlen(exp) - 1),
				      "tcpdump: '%s', expected '%s'", hex,
				      exp);
		}
	}
	int status = pclose(p);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		fprintf(stderr, "test_net: tcpdump is not installed; the "
			"capture was checked by the test's own reader only\n");
		return;
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "tcpdump -r failed");
	ck_assert_int_eq(packets, 3);
	ck_assert_int_eq(hexlines, 4);
}

START_TEST(capture_reads_back)
{
	char dir[64], path[128];
	th_mkdtemp(dir, sizeof dir, "pcap");
	snprintf(path, sizeof path, "%s/nic.pcap", dir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);

	struct wire w = { .given = 0 };
	struct cap_frame want[3];
	mkframe(want[0].data, 0xff, 0x01, 0xa1);
	mkframe(want[1].data, 0x07, 0x01, 0xa2);
	want[1].data[59] = 0x5a;
	mkframe(w.frame, 0x01, 0x07, 0xb1);	/* arrives at the poll */
	memcpy(want[2].data, w.frame, 60);
	struct vm_nic_host inner = { .opaque = &w, .send = wire_send,
				     .recv = wire_recv };
	struct pcap_tap tap;
	struct vm_config cfg = { .on_brk = VM_BRK_STOP };
	ck_assert_int_eq(pcap_tap_init(&tap, f, &inner, &cfg.nic), 0);
	struct th *t = th_boot_config("_start: br _start\n", &cfg);
	struct bus *bus = &t->vm->bus;

	/* Two frames sent at known times; the received one arrives at the
	 * first poll, and the receiver is off: the capture has it all the
	 * same, since it is what came over the cable. */
	mem_write(&t->vm->mem, 0x10000, want[0].data, 60);
	mem_write(&t->vm->mem, 0x10100, want[1].data, 60);
	bus_out(bus, PORT_NIC + NIC_TX_LEN, 60);
	ck_assert_int_eq(th_run(t, 12345), VM_STOP_BUDGET);
	bus_out(bus, PORT_NIC + NIC_TX_ADDR, 0x10000);
	bus_out(bus, PORT_NIC + NIC_CMD, NIC_CMD_TX);
	want[0].at = 12345;
	ck_assert_int_eq(th_run(t, 56789), VM_STOP_BUDGET);
	bus_out(bus, PORT_NIC + NIC_TX_ADDR, 0x10100);
	bus_out(bus, PORT_NIC + NIC_CMD, NIC_CMD_TX);
	want[1].at = 12345 + 56789;
	ck_assert_int_eq(th_run(t, NIC_RX_POLL), VM_STOP_BUDGET);
	want[2].at = NIC_RX_POLL;
	want[0].len = want[1].len = want[2].len = 60;
	ck_assert_uint_eq(bus_in(bus, PORT_NIC + NIC_TX_FRAMES), 2);
	ck_assert_uint_eq(bus_in(bus, PORT_NIC + NIC_DROPPED), 1);
	ck_assert_uint_eq(tap.frames, 3);
	ck_assert_int_eq(tap.error, 0);
	th_free(t);
	ck_assert_int_eq(fclose(f), 0);

	/* Sorted by time, as the tap wrote them. */
	struct cap_frame sorted[3] = { want[0], want[2], want[1] };
	if (want[1].at < want[2].at) {
		sorted[1] = want[1];
		sorted[2] = want[2];
	}
	read_back(path, sorted, 3);
	tcpdump_reads(path, sorted);
	th_rmtree(dir);
}
END_TEST

/* Without a wire behind it, the tap has nothing to receive: the card
 * must not poll it (a halted guest may then be idle). */
START_TEST(capture_alone_receives_nothing)
{
	char dir[64], path[128];
	th_mkdtemp(dir, sizeof dir, "pcap");
	snprintf(path, sizeof path, "%s/alone.pcap", dir);
	FILE *f = fopen(path, "wb");
	struct vm_nic_host none = { 0 }, out;
	struct pcap_tap tap;
	ck_assert_int_eq(pcap_tap_init(&tap, f, &none, &out), 0);
	ck_assert_ptr_nonnull(out.send);
	ck_assert_ptr_null(out.recv);
	ck_assert_int_eq(out.link(out.opaque), 1);
	fclose(f);
	read_back(path, NULL, 0);
	th_rmtree(dir);
}
END_TEST

/* ---- the hub ----------------------------------------------------------- */

struct hubproc {
	pid_t pid;
	char dir[64], path[128], log[128];
};

/* Wait (bounded) for the hub's process to end; its status, or -1. */
static int hub_wait(struct hubproc *h, int ms)
{
	int status;
	for (int i = 0; i < ms / 10; i++) {
		pid_t r = waitpid(h->pid, &status, WNOHANG);
		if (r == h->pid)
			return status;
		nap_ms(10);
	}
	return -1;
}

static pid_t spawn_hub_max(const char *path, const char *log,
			   const char *max)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* A hub orphaned by a crashed test still ends. */
		alarm(60);
		if (max)
			execl(aula(), aula(), "hub", path, "-v",
			      "--max-clients", max, (char *)NULL);
		else
			execl(aula(), aula(), "hub", path, "-v", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t spawn_hub(const char *path, const char *log)
{
	return spawn_hub_max(path, log, NULL);
}

static void hub_start_max(struct hubproc *h, const char *max)
{
	struct stat st;
	th_mkdtemp(h->dir, sizeof h->dir, "hub");
	snprintf(h->path, sizeof h->path, "%s/lan", h->dir);
	snprintf(h->log, sizeof h->log, "%s/hub.log", h->dir);
	h->pid = spawn_hub_max(h->path, h->log, max);
	/* Its socket appears when it is ready. */
	for (int i = 0; i < 500; i++) {
		if (stat(h->path, &st) == 0 && S_ISSOCK(st.st_mode))
			return;
		int status;
		ck_assert_msg(waitpid(h->pid, &status, WNOHANG) == 0,
			      "aula hub exited at once (is AULA=%s right?)",
			      aula());
		nap_ms(10);
	}
	kill(h->pid, SIGKILL);
	ck_abort_msg("aula hub did not bind %s within 5 s", h->path);
}

static void hub_start(struct hubproc *h)
{
	hub_start_max(h, NULL);
}

static int log_has(const struct hubproc *h, const char *text)
{
	char line[512];
	int found = 0;
	FILE *f = fopen(h->log, "r");
	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

static void join(struct hub_client *c, const struct hubproc *h, char name)
{
	char own[160], err[256];
	snprintf(own, sizeof own, "%s/client-%c", h->dir, name);
	ck_assert_msg(hub_client_open(c, h->path, own, err, sizeof err) == 0,
		      "%s", err);
}

static void tx(struct hub_client *c, uint8_t dst, uint8_t src, uint8_t tag)
{
	uint8_t f[60];
	mkframe(f, dst, src, tag);
	ck_assert_int_eq(hub_client_send(c, f, 60), 0);
}

/* The next frame at c must be the one tagged tag: since the hub forwards
 * in order, a frame that should not have come would be seen first. */
static void rx(struct hub_client *c, uint8_t tag, char who)
{
	uint8_t f[HUB_MAX_FRAME + 1];
	uint32_t n = hub_client_recv(c, f, sizeof f, 5000000000ull);
	ck_assert_msg(n == 60, "client %c: no frame (expected tag %u)", who,
		      tag);
	ck_assert_msg(f[14] == tag, "client %c: got tag %u, expected %u",
		      who, f[14], tag);
}

START_TEST(hub_is_a_learning_switch)
{
	struct hubproc h;
	struct hub_client a, b, c;
	enum { A = 0x0a, B = 0x0b, C = 0x0c, X = 0x77, BC = 0xff };
	hub_start(&h);
	join(&a, &h, 'a');
	join(&b, &h, 'b');
	join(&c, &h, 'c');

	tx(&a, BC, A, 1);	/* broadcast: to all but the sender */
	rx(&b, 1, 'b');
	rx(&c, 1, 'c');
	tx(&b, A, B, 2);	/* A was learned: to A alone */
	rx(&a, 2, 'a');
	tx(&c, X, C, 3);	/* unknown: flooded */
	rx(&a, 3, 'a');
	rx(&b, 3, 'b');
	tx(&a, C, A, 4);	/* C was learned: to C alone */
	rx(&c, 4, 'c');
	tx(&a, A, A, 5);	/* to the sender's own port: nowhere */
	/* Markers: had anyone got a frame not for it, it would come
	 * before these. */
	tx(&b, BC, B, 6);
	rx(&a, 6, 'a');
	rx(&c, 6, 'c');
	tx(&c, BC, C, 7);
	rx(&a, 7, 'a');
	rx(&b, 7, 'b');

	/* A's address shows up on B: it moves. */
	tx(&b, BC, A, 8);
	rx(&a, 8, 'a');
	rx(&c, 8, 'c');
	tx(&c, A, C, 9);
	rx(&b, 9, 'b');

	/* C goes away: the hub forgets it, and its address, at the next
	 * frame for it; frames for C are flooded from then on. */
	hub_client_close(&c);
	tx(&a, C, A, 10);
	tx(&a, C, A, 11);
	rx(&b, 11, 'b');
	tx(&b, BC, B, 12);
	rx(&a, 12, 'a');

	ck_assert_int_eq(kill(h.pid, SIGTERM), 0);
	int status = hub_wait(&h, 5000);
	ck_assert_msg(status != -1, "aula hub did not stop on SIGTERM");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "aula hub ended with status 0x%x", status);
	ck_assert_int_eq(access(h.path, F_OK), -1);	/* socket removed */
	ck_assert(log_has(&h, "client 1 joined"));
	ck_assert(log_has(&h, "client 3 joined"));
	ck_assert(log_has(&h, "client 1: learned 02:00:00:00:00:0a"));
	ck_assert(log_has(&h, "client 2: learned 02:00:00:00:00:0b"));
	ck_assert(log_has(&h, "client 3: learned 02:00:00:00:00:0c"));
	ck_assert(log_has(&h, "client 2: 02:00:00:00:00:0a moved here "
			  "from client 1"));
	ck_assert(log_has(&h, "from client 1: flooded to 2 clients"));
	ck_assert(log_has(&h, "from client 2: to client 1"));
	ck_assert(log_has(&h, "filtered (same client)"));
	ck_assert(log_has(&h, "client 3 left"));
	ck_assert(log_has(&h, "stopped"));
	hub_client_close(&a);
	hub_client_close(&b);
	th_rmtree(h.dir);
}
END_TEST

/* The hub's refusals, and a client with no hub to join. */
START_TEST(hub_refusals)
{
	struct hubproc h;
	struct hub_client c;
	char err[256], own[160], other[160];
	hub_start(&h);
	/* A second hub on the same path is refused at once. */
	struct hubproc h2 = h;
	h2.pid = spawn_hub(h.path, h.log);
	int status = hub_wait(&h2, 5000);
	ck_assert_msg(status != -1 && WIFEXITED(status) &&
			      WEXITSTATUS(status) == 2,
		      "a second hub on one path: status 0x%x", status);
	ck_assert(log_has(&h, "a hub is already running"));
	kill(h.pid, SIGINT);
	status = hub_wait(&h, 5000);
	ck_assert_msg(status != -1 && WIFEXITED(status) &&
			      WEXITSTATUS(status) == 0,
		      "aula hub on SIGINT: status 0x%x", status);

	/* No hub: the client says so. */
	snprintf(own, sizeof own, "%s/client", h.dir);
	ck_assert_int_eq(hub_client_open(&c, h.path, own, err, sizeof err),
			 -1);
	ck_assert_msg(strstr(err, "no hub answers"), "%s", err);
	ck_assert_int_eq(access(own, F_OK), -1);

	/* A file that is not a socket is left alone. */
	snprintf(other, sizeof other, "%s/file", h.dir);
	FILE *f = fopen(other, "w");
	fputs("keep me\n", f);
	fclose(f);
	h2.pid = spawn_hub(other, h.log);
	status = hub_wait(&h2, 5000);
	ck_assert_msg(status != -1 && WIFEXITED(status) &&
			      WEXITSTATUS(status) == 2,
		      "a hub over a file: status 0x%x", status);
	ck_assert(log_has(&h, "is not a socket"));
	ck_assert_int_eq(access(other, F_OK), 0);
	th_rmtree(h.dir);
}
END_TEST

/* A hostile peer (docs/security.md, section 7): the client limit is
 * explicit and the refusal reaches the client; a client that died frees
 * its slot; one that never reads is dropped. */
START_TEST(hub_hostile_peers)
{
	struct hubproc h;
	struct hub_client a, b, c, d;
	char err[256], own[160];
	hub_start_max(&h, "2");
	join(&a, &h, 'a');
	join(&b, &h, 'b');
	snprintf(own, sizeof own, "%s/client-c", h.dir);
	ck_assert_int_eq(hub_client_open(&c, h.path, own, err, sizeof err),
			 -1);
	ck_assert_msg(strstr(err, "the hub is full (2 clients)"), "%s", err);
	ck_assert_int_eq(access(own, F_OK), -1);
	/* b dies without a word: its slot is found free. */
	close(b.fd);
	unlink(b.path);
	join(&c, &h, 'c');
	for (int i = 0; i < 500 && !log_has(&h, "client 2 left"); i++)
		nap_ms(10);
	ck_assert(log_has(&h, "client 2 left"));
	/* d never reads: once its queue is full and HUB_STUCK_DROPS more
	 * frames found it so, the hub drops it.  c reads as it goes. */
	hub_client_close(&c);
	join(&d, &h, 'd');
	uint8_t f[HUB_MAX_FRAME + 1];
	for (int i = 0; i < 20000 && !log_has(&h, "left its last"); i++) {
		mkframe(f, 0xff, 1, (uint8_t)i);
		hub_client_send(&a, f, 60);
		if (i % 64 == 63)
			nap_ms(1);
	}
	ck_assert_msg(log_has(&h, "dropped: it left its last 64 frames "
			      "unread"), "a stuck client was not dropped");
	kill(h.pid, SIGTERM);
	ck_assert_int_ne(hub_wait(&h, 5000), -1);
	hub_client_close(&a);
	hub_client_close(&d);
	th_rmtree(h.dir);
}
END_TEST

/* hub_take, the hub's datagram handler, on hostile datagrams alone (the
 * fuzzer's harness calls it too): a name that fills sun_path unterminated,
 * an unnamed or abstract sender, sizes that are not frames, a full hub. */
START_TEST(hub_take_hostile)
{
	struct hub *h = hub_create(0, 2);
	ck_assert_ptr_nonnull(h);
	struct sockaddr_un a;
	memset(&a, 'x', sizeof a);
	a.sun_family = AF_UNIX;
	uint8_t f[60] = { 0 };
	hub_take(h, f, 0, &a, sizeof a);	/* no NUL in sun_path */
	ck_assert_int_eq(hub_clients(h), 0);
	hub_take(h, f, 0, &a, 1);		/* shorter than a family */
	a.sun_path[0] = 0;			/* abstract */
	hub_take(h, f, 0, &a, sizeof a);
	ck_assert_int_eq(hub_clients(h), 0);
	const char *names[] = { "/p1", "/p2", "/p3" };
	for (int i = 0; i < 3; i++) {
		memset(&a, 0, sizeof a);
		a.sun_family = AF_UNIX;
		strcpy(a.sun_path, names[i]);
		hub_take(h, f, 0, &a, (socklen_t)(offsetof(struct sockaddr_un,
							   sun_path) + 4));
	}
	ck_assert_int_eq(hub_clients(h), 2);	/* the third is refused */
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, "/p1");
	for (size_t len = 1; len < sizeof f; len++)
		hub_take(h, f, len, &a, sizeof a);
	hub_take(h, f, 100000, &a, sizeof a);	/* MSG_TRUNC's length */
	hub_close(h);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("pcap");
	tcase_add_test(tc, capture_reads_back);
	tcase_add_test(tc, capture_alone_receives_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("hub");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hub_is_a_learning_switch);
	tcase_add_test(tc, hub_refusals);
	tcase_add_test(tc, hub_hostile_peers);
	tcase_add_test(tc, hub_take_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(net_suite());
}
