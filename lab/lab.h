/*
 * lab/ holds many machines in one process: the lab file (labfile.c), the
 * machines, consoles and switches it builds (lab.c), the scheduler that
 * shares a host's physical CPUs among them on one virtual clock
 * (sched.c) and the reports (report.c).  `aula lab FILE` (cli/cmd_lab.c) drives it;
 * aula-lab(5) documents the file and the report.
 *
 * A lab file is read and checked completely into a struct lab_cfg before
 * anything runs (every error names the file, the line and the key); the
 * run then only executes that structure.
 */
#ifndef AULA_LAB_H
#define AULA_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asm/image.h"
#include "cpu/vm.h"
#include "net/switch.h"
#include "state/dump.h"
#include "state/migrate.h"

#define LAB_NAME_MAX 32
#define LAB_PATH_MAX 256
#define LAB_MAX_HOSTS 16
#define LAB_MAX_MACHINES 256
#define LAB_MAX_SWITCHES 16
#define LAB_MAX_CPUS 64
#define LAB_MAX_RANGES 16
#define LAB_MAX_INCLUDES 8
#define LAB_MAX_MIGRATIONS 16

#define LAB_DEFAULT_TIME 100000000ull	/* ticks: one virtual second */
#define LAB_DEFAULT_QUANTUM 10000u
#define LAB_DEFAULT_SAMPLE 1000000u	/* working-set sampling interval */
#define LAB_MIN_BUDGET (8 * MEM_PAGE_SIZE)

enum lab_console_kind { LAB_CONSOLE_PREFIX, LAB_CONSOLE_NONE, LAB_CONSOLE_FILE };

struct lab_host_cfg {
	char name[LAB_NAME_MAX];
	int line;
	unsigned cpus;
	uint64_t quantum;
	uint64_t ram;		/* the budget for guest pages; 0: unlimited */
	bool share;		/* merge identical pages */
	uint64_t sample;	/* ticks between working-set samples and scans */
	char swap_dir[LAB_PATH_MAX];	/* where the swap files go */
};

struct lab_disk_cfg {
	char spec[LAB_PATH_MAX];	/* FILE or FILE,ro */
	int line;
};

struct lab_machine_cfg {
	char name[LAB_NAME_MAX];
	int line;
	int host;		/* index into lab_cfg.hosts */
	char image[LAB_PATH_MAX];
	uint64_t ram;
	struct lab_disk_cfg disks[VM_MAX_DISKS];
	unsigned ndisks;
	int sw;			/* index into lab_cfg.switches, or -1 */
	uint8_t mac[6];
	unsigned weight;	/* quanta per turn */
	unsigned cap;		/* percent of one CPU at most; 0: no cap */
	enum lab_console_kind console;
	char console_file[LAB_PATH_MAX];
	char console_in[LAB_PATH_MAX];	/* "" : no input */
	uint64_t max_insns;	/* 0: none */
	enum mmu_mode mmu;
	enum vm_brk_mode on_brk;
	struct dump_range ranges[LAB_MAX_RANGES];
	int nranges;
	bool balloon;		/* has a memory balloon */
};

struct lab_vlan_cfg {
	char port[LAB_NAME_MAX];	/* a machine, or "uplink" */
	int line;
	struct switch_port_cfg vlan;	/* its vlan / trunk fields */
};

struct lab_switch_cfg {
	char name[LAB_NAME_MAX];
	int line;
	uint64_t latency;
	char pcap[LAB_PATH_MAX];
	char uplink[LAB_PATH_MAX];
	struct lab_vlan_cfg vlans[SWITCH_MAX_PORTS];
	int nvlans;
};

/* [migration NAME]: a machine moves to another host (docs/migration.md). */
struct lab_migration_cfg {
	char name[LAB_NAME_MAX];
	int line;
	int machine;		/* index into lab_cfg.machines */
	int to;			/* index into lab_cfg.hosts */
	uint64_t at;		/* the lab's instant it starts */
	struct mig_policy policy;
};

struct lab_cfg {
	char path[LAB_PATH_MAX];	/* the lab file, for messages */
	char dir[LAB_PATH_MAX];		/* its folder: inputs are found there */
	uint64_t time;			/* the lab stops at this instant */
	/* Folders its sources may .include from, as written (relative to
	 * dir) and as found. */
	char include[LAB_MAX_INCLUDES][LAB_PATH_MAX];
	int ninclude;
	struct lab_host_cfg hosts[LAB_MAX_HOSTS];
	int nhosts;
	struct lab_machine_cfg machines[LAB_MAX_MACHINES];
	int nmachines;
	struct lab_switch_cfg switches[LAB_MAX_SWITCHES];
	int nswitches;
	struct lab_migration_cfg migrations[LAB_MAX_MIGRATIONS];
	int nmigrations;
};

/* Parse and check a lab file held in memory (name is for messages; paths
 * in it are relative to dir).  The number of errors, each printed to errs
 * (if not NULL) as "NAME:LINE: ...". */
int lab_parse(const char *text, size_t len, const char *name,
	      const char *dir, struct lab_cfg *cfg, FILE *errs);
/* The same for a file; a file that cannot be read is one error. */
int lab_parse_file(const char *path, struct lab_cfg *cfg, FILE *errs);

/* ---- running it ------------------------------------------------------ */

struct lab_services {
	/* Load an image or assemble a source: 0, or -1 after telling the
	 * user why. */
	int (*load)(const char *path, struct image *img);
	FILE *out;	/* prefixed consoles */
	FILE *msg;	/* messages for the user */
};

struct lab;

/* Build every machine, switch and console; NULL after telling why. */
struct lab *lab_create(const struct lab_cfg *cfg,
		       const struct lab_services *svc);
void lab_destroy(struct lab *l);
/* Run until the lab's time is over or every machine has stopped, or
 * until the instant `until` (then it may be run on).  0, or -1 if the
 * host failed (a console or capture could not be written). */
int lab_run(struct lab *l, uint64_t until);
/* Flush consoles and captures, close disks: 0, or -1 after saying what
 * failed. */
int lab_finish(struct lab *l);
/* The lab's clock, and whether it is over. */
uint64_t lab_now(const struct lab *l);
bool lab_done(const struct lab *l);

/* For the monitor (aula lab --monitor).  Run the lab until vm has spent
 * n more units (instructions and exception entries) or stopped, pausing
 * the lab where it is; false if the lab's time is up first. */
bool lab_run_focus(struct lab *l, struct vm *vm, uint64_t n);
/* The machine called name (or NULL); a machine's name; the i-th. */
struct vm *lab_find(const struct lab *l, const char *name);
const char *lab_name_of(const struct lab *l, const struct vm *vm);
struct vm *lab_vm_at(const struct lab *l, int i);
/* The monitor's info vms, sched, memory, switch NAME (aula-lab(5),
 * MONITOR): 0, -1 after an error message on out, 1 if topic is none of
 * these. */
int lab_info(const struct lab *l, const struct vm *focus, const char *topic,
	     const char *arg, FILE *out);

/* The monitor's migrate MACHINE HOST: a migration with the defaults,
 * from the start of the next window.  0, or -1 with why in err. */
int lab_migrate(struct lab *l, const char *machine, const char *host,
		char *err, size_t errlen);

/* The monitor's savevm -l, loadvm -l, delvm -l NAME (lab/snap.c): the
 * whole lab kept in memory by name, or put back as it was, so that it
 * runs on from there as it ran then.  0, or -1 with why in err. */
int lab_snap_save(struct lab *l, const char *name, char *err, size_t errlen);
int lab_snap_load(struct lab *l, const char *name, char *err, size_t errlen);
int lab_snap_delete(struct lab *l, const char *name, char *err,
		    size_t errlen);
/* info snapshots: the lab's, a line each. */
void lab_snap_list(const struct lab *l, FILE *out);

/* The report (aula-lab(5), REPORT). */
void lab_report(const struct lab *l, FILE *f);
/* Write each machine's dump (aula(1), REGISTER DUMP) to DIR/NAME.dump.
 * 0, or -1 after saying what failed. */
int lab_write_dumps(const struct lab *l, const char *dir);
/* The exit status: 0 if every machine powered off with code 0, else the
 * highest of their aula run statuses. */
int lab_exit_status(const struct lab *l);

#endif
