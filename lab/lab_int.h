/*
 * The lab's insides, shared by lab.c (building it), sched.c (running it)
 * and report.c (telling what happened).
 */
#ifndef AULA_LAB_INT_H
#define AULA_LAB_INT_H

#include "host/diskfile.h"
#include "host/swapfile.h"
#include "lab/lab.h"
#include "net/hub.h"

#define LAB_LINE_MAX 256	/* a prefixed console line, at most */

/*
 * A machine's life under the scheduler:
 *
 *            dispatch                 halt (HALT detection)
 *   READY ------------> RUNNING -----------------------------> HALTED
 *     ^  <------------   |  at the end of its quantum             |
 *     |    preempt       | powers off, crashes, budget            |
 *     |                  v                                        |
 *     |               STOPPED                                     |
 *     +-----------------------------------------------------------+
 *          its next event raises an interrupt it takes (wake-up)
 *
 * Its clock (vm_now) advances in every state but STOPPED: RUNNING by the
 * instructions it executes, READY as steal time (vm->waited_time), HALTED
 * as halted time.  It is kept exact lazily: a machine that is not running
 * is brought up to an instant when something looks at it then.
 */
enum lab_state { LAB_READY, LAB_RUNNING, LAB_HALTED, LAB_STOPPED };

struct lab_vm;
struct lab_snap;

struct lab_console {
	struct lab_vm *lv;
	FILE *out;		/* NULL: none */
	bool prefix;		/* lines go to out as "NAME| ..." */
	bool own_out;
	FILE *in;		/* NULL: end of input at once */
	char line[LAB_LINE_MAX];
	size_t n;
	bool error;
};

struct lab_vm {
	const struct lab_machine_cfg *cfg;
	int index;
	struct lab_host *host;
	struct vm *vm;
	struct image img;
	struct disk_file disks[VM_MAX_DISKS];
	struct lab_console con;
	struct swap_file swap;
	enum lab_state state;
	uint64_t since;		/* READY: since when; HALTED: since when */
	uint64_t wake_at;	/* HALTED: its next event */
	uint64_t seq;		/* READY: order of arrival, for ties */
	uint64_t run, steal, halted, switches;
	uint64_t stopped_at;
	int64_t credit;		/* a cap's credit, in ticks x 100 */
	uint64_t credit_at;
	/* Live migration (lab/migrate.c): the share of a CPU a throttled
	 * guest loses (percent), and the instant before which a machine
	 * that has just moved may not run (its downtime). */
	unsigned throttle;
	uint64_t resume_at;
};

struct lab_cpu {
	struct lab_vm *cur;	/* NULL: idle */
	uint64_t qleft;		/* ticks left of its quantum */
	uint64_t now;		/* this CPU's instant, within a window */
	uint64_t busy;
};

struct lab_host {
	struct lab *lab;
	const struct lab_host_cfg *cfg;
	int index;
	struct lab_cpu cpu[LAB_MAX_CPUS];
	struct lab_vm **vms;	/* its machines, in file order */
	int nvms;
	uint64_t seq;
	struct mem_pool *pool;	/* NULL: no budget and no sharing */
	uint64_t next_sample;
	bool squeeze;		/* asking balloons for memory */
};

/* A migration of the lab (lab/migrate.c): from a [migration] section or
 * the monitor's migrate command. */
enum lab_mig_phase { LAB_MIG_PENDING, LAB_MIG_ACTIVE, LAB_MIG_DONE };

struct lab_mig {
	char name[LAB_NAME_MAX];
	struct lab_vm *lv;
	int to;			/* host index */
	int from;		/* where it was when it started */
	uint64_t at;
	struct mig_policy policy;
	enum lab_mig_phase phase;
	struct mig_src *src;	/* ACTIVE */
	struct mig_dst *dst;	/* the other end of the link, in process */
	enum mig_feed fed;	/* what it said last */
	uint64_t next_step;	/* ACTIVE: the end of the link's slice */
	struct mig_stats stats;	/* DONE (ACTIVE: src's) */
	bool started;
};

struct lab {
	struct lab_cfg cfg;
	struct lab_services svc;
	struct lab_host hosts[LAB_MAX_HOSTS];
	struct lab_vm *vms;
	int nvms;
	struct lan_switch *sw[LAB_MAX_SWITCHES];
	FILE *pcap[LAB_MAX_SWITCHES];
	struct hub_client uplink[LAB_MAX_SWITCHES];
	bool have_uplink[LAB_MAX_SWITCHES];
	uint64_t now;		/* the lab's clock */
	uint64_t window;	/* machines run in windows this long */
	bool done;
	/* The window under way: it ends at win_end, and its hosts before
	 * win_host are through it. */
	bool in_window;
	uint64_t win_end;
	int win_host;
	/* The monitor's focus: the lab pauses when it has spent its units,
	 * in the middle of a window if need be. */
	struct lab_vm *focus;
	uint64_t focus_until;
	bool paused;
	struct lab_mig mig[LAB_MAX_MIGRATIONS * 2];	/* file, monitor */
	int nmig;
	struct lab_snap *snaps;	/* the monitor's savevm -l (lab/snap.c) */
};

/* sched.c: the instructions, halted ticks and exception entries a machine
 * has spent of its max-insns (as aula run counts them). */
uint64_t lab_spent(const struct lab_vm *lv);
/* memory.c: the host's memory policy, at each sample. */
void lab_memory_sample(struct lab_host *h);
/* report.c: the report's tables, which the monitor's info shows too. */
void lab_report_machines(const struct lab_host *h, FILE *f);
void lab_report_memory(const struct lab_host *h, FILE *f);
void lab_report_switch(const struct lab *l, int si, FILE *f);
/* lab.c: the machine's RAM leaves its host's memory manager for host
 * to's (either may have none): every page goes back, and to's manager
 * takes the machine, with a swap file on that host, before its RAM is put
 * back (a migration's switchover, a lab snapshot's load).  0, or -1 with
 * err: nothing has changed if the swap file could not be made; if the
 * host ran out of memory after, the machine has lost its RAM and belongs
 * to no manager (the caller stops it). */
int lab_change_pools(struct lab_vm *lv, struct lab_host *to, char *err,
		     size_t errlen);
/* snap.c: forget every snapshot (lab_destroy). */
void lab_snap_free_all(struct lab *l);
/* Bring every machine that is not running up to the lab's clock. */
void lab_sync(struct lab *l);
/* migrate.c, between windows (at the lab's clock): start, step and end
 * migrations; and the next instant one needs the lab to stop at. */
void lab_mig_tick(struct lab *l);
uint64_t lab_mig_next(const struct lab *l);
void lab_mig_free(struct lab *l);
void lab_report_migrations(const struct lab *l, FILE *f);
int lab_info_migrate(const struct lab *l, FILE *out);

#endif
