/* Register and memory dumps, text and JSON. */
#include "state/dump.h"

#include "cpu/isa.h"
#include "cpu/vm.h"

static const struct { uint32_t bit; const char *name; } flag_bits[] = {
	{ CPU_Z, "z" }, { CPU_N, "n" }, { CPU_C, "c" }, { CPU_V, "v" },
	{ CPU_I, "i" }, { CPU_P, "p" },
};
#define NFLAGS (sizeof flag_bits / sizeof *flag_bits)

/* Control registers shown in the dump (icount is "insns"). */
static const enum isa_cr dumped_cr[] = {
	ISA_CR_VBR, ISA_CR_PTBR, ISA_CR_PAGING, ISA_CR_FAR, ISA_CR_CAUSE,
	ISA_CR_KSCRATCH,
};
#define NCR (sizeof dumped_cr / sizeof *dumped_cr)

static uint32_t cr_value(const struct cpu *c, enum isa_cr cr)
{
	switch (cr) {
	case ISA_CR_VBR: return c->vbr;
	case ISA_CR_PTBR: return c->ptbr;
	case ISA_CR_PAGING: return c->paging;
	case ISA_CR_FAR: return c->far;
	case ISA_CR_CAUSE: return c->cause;
	case ISA_CR_KSCRATCH: return c->kscratch;
	default: return 0;
	}
}

static void hex_bytes(FILE *f, const struct vm *vm, uint32_t addr,
		      uint32_t len)
{
	uint8_t b[16];
	while (len) {
		uint32_t n = len < 16 ? len : 16;
		mem_read((struct mem *)&vm->mem, addr, b, n);
		for (uint32_t i = 0; i < n; i++)
			fprintf(f, "%02x", b[i]);
		addr += n, len -= n;
	}
}

int dump_exit_status(const struct vm *vm)
{
	switch (vm->stop) {
	case VM_STOP_POWEROFF:
		return vm->stop_code ? DUMP_EXIT_POWEROFF_CODE : DUMP_EXIT_POWEROFF_OK;
	case VM_STOP_HALT: return DUMP_EXIT_HALT;
	case VM_STOP_IDLE: return DUMP_EXIT_IDLE;
	case VM_STOP_BUDGET: return DUMP_EXIT_BUDGET;
	case VM_STOP_DOUBLE_FAULT: return DUMP_EXIT_CRASH;
	case VM_STOP_BREAKPOINT: return DUMP_EXIT_BREAKPOINT;
	case VM_STOP_HOST_ERROR: case VM_RUNNING: return DUMP_EXIT_HOST;
	case VM_STOP_INTERRUPTED: return DUMP_EXIT_INTERRUPTED;
	}
	return DUMP_EXIT_HOST;
}

static void dump_text(FILE *f, const struct vm *vm,
		      const struct dump_range *r, int nr)
{
	const struct cpu *c = &vm->cpu;
	bool kernel = c->flags & CPU_P;
	fprintf(f, "dump_version=%d\n", DUMP_VERSION);
	fprintf(f, "stop=%s\n", vm_stop_name(vm->stop));
	fprintf(f, "stop_code=%u\n", vm->stop_code);
	fprintf(f, "insns=%llu\n", (unsigned long long)c->insns);
	fprintf(f, "pc=0x%08x\n", c->pc);
	for (int i = 0; i < 16; i++)
		fprintf(f, "r%d=0x%08x\n", i, c->r[i]);
	fprintf(f, "usp=0x%08x\n", kernel ? c->other_sp : c->r[ISA_REG_SP]);
	fprintf(f, "ksp=0x%08x\n", kernel ? c->r[ISA_REG_SP] : c->other_sp);
	fprintf(f, "flags=0x%08x\n", c->flags);
	for (size_t i = 0; i < NFLAGS; i++)
		fprintf(f, "flags.%s=%d\n", flag_bits[i].name,
			!!(c->flags & flag_bits[i].bit));
	fprintf(f, "mode=%s\n", kernel ? "kernel" : "user");
	for (size_t i = 0; i < NCR; i++)
		fprintf(f, "%s=0x%08x\n", isa_cr_names[dumped_cr[i]],
			cr_value(c, dumped_cr[i]));
	for (int i = 0; i < nr; i++)
		for (uint32_t off = 0; off < r[i].len; off += 16) {
			uint32_t n = r[i].len - off < 16 ? r[i].len - off : 16;
			fprintf(f, "mem.0x%08x=", r[i].addr + off);
			hex_bytes(f, vm, r[i].addr + off, n);
			fputc('\n', f);
		}
}

static void dump_json(FILE *f, const struct vm *vm,
		      const struct dump_range *r, int nr)
{
	const struct cpu *c = &vm->cpu;
	bool kernel = c->flags & CPU_P;
	fprintf(f, "{\n  \"format\": \"aula-dump\",\n  \"version\": %d,\n",
		DUMP_VERSION);
	fprintf(f, "  \"stop\": {\"reason\": \"%s\", \"code\": %u},\n",
		vm_stop_name(vm->stop), vm->stop_code);
	fprintf(f, "  \"insns\": %llu,\n  \"pc\": %u,\n  \"regs\": [",
		(unsigned long long)c->insns, c->pc);
	for (int i = 0; i < 16; i++)
		fprintf(f, "%s%u", i ? ", " : "", c->r[i]);
	fprintf(f, "],\n  \"usp\": %u,\n  \"ksp\": %u,\n",
		kernel ? c->other_sp : c->r[ISA_REG_SP],
		kernel ? c->r[ISA_REG_SP] : c->other_sp);
	fprintf(f, "  \"flags\": {\"value\": %u", c->flags);
	for (size_t i = 0; i < NFLAGS; i++)
		fprintf(f, ", \"%s\": %s", flag_bits[i].name,
			c->flags & flag_bits[i].bit ? "true" : "false");
	fprintf(f, "},\n  \"mode\": \"%s\",\n  \"cr\": {",
		kernel ? "kernel" : "user");
	for (size_t i = 0; i < NCR; i++)
		fprintf(f, "%s\"%s\": %u", i ? ", " : "",
			isa_cr_names[dumped_cr[i]], cr_value(c, dumped_cr[i]));
	fprintf(f, "},\n  \"memory\": [");
	for (int i = 0; i < nr; i++) {
		fprintf(f, "%s\n    {\"addr\": %u, \"hex\": \"", i ? "," : "",
			r[i].addr);
		hex_bytes(f, vm, r[i].addr, r[i].len);
		fprintf(f, "\"}");
	}
	fprintf(f, "%s]\n}\n", nr ? "\n  " : "");
}

void dump_write(FILE *f, const struct vm *vm, enum dump_format fmt,
		const struct dump_range *r, int nr)
{
	if (fmt == DUMP_JSON)
		dump_json(f, vm, r, nr);
	else
		dump_text(f, vm, r, nr);
}

/* One row per counter; the fetch row's hits are the instructions fetched
 * less the misses (the interpreter keeps the current code page aside, so
 * a fetch from it never needs the TLB). */
static void stats(FILE *f, const struct vm *vm, enum dump_format fmt,
		  bool vectors)
{
	const struct mmu_stats *s = &vm->mmu.stats;
	static const char *const kind[] = { "read", "write", "fetch" };
	uint64_t acc[MMU_NACCESS] = { s->accesses[MMU_READ],
				      s->accesses[MMU_WRITE], vm->cpu.insns };
	const struct { const char *name; uint64_t v; } rows[] = {
		{ "walks", s->walks },
		{ "walk_refs", s->walk_refs },
		{ "shadow_hits", s->shadow_hits },
		{ "shadow_fills", s->shadow_fills },
		{ "track_traps", s->track_traps },
		{ "shadow_invalidations", s->shadow_invalidations },
		{ "as_switches", s->as_switches },
		{ "as_evictions", s->as_evictions },
		{ "page_faults", s->page_faults },
		{ "stale_uses", s->stale_uses },
	};
	if (fmt == DUMP_JSON) {
		fprintf(f, "{\n  \"format\": \"aula-stats\",\n  \"version\": %d,"
			"\n  \"mmu\": \"%s\",\n  \"tlb\": {", DUMP_VERSION,
			mmu_mode_name(vm->mmu.mode));
		for (int k = 0; k < MMU_NACCESS; k++) {
			uint64_t miss = s->misses[k],
				 hit = acc[k] > miss ? acc[k] - miss : 0;
			fprintf(f, "%s\"%s\": {\"hits\": %llu, \"misses\": %llu}",
				k ? ", " : "", kind[k], (unsigned long long)hit,
				(unsigned long long)miss);
		}
		fprintf(f, "}");
		for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
			fprintf(f, ",\n  \"%s\": %llu", rows[i].name,
				(unsigned long long)rows[i].v);
		if (!vectors) {
			fprintf(f, "\n}\n");
			return;
		}
		fprintf(f, ",\n  \"exceptions\": %llu,\n  \"vectors\": {",
			(unsigned long long)vm->cpu.exceptions);
		const char *sep = "";
		for (unsigned v = 0; v < CPU_VEC_COUNT; v++) {
			if (!vm->cpu.vectors[v])
				continue;
			fprintf(f, "%s\"%u\": %llu", sep, v,
				(unsigned long long)vm->cpu.vectors[v]);
			sep = ", ";
		}
		fprintf(f, "}\n}\n");
		return;
	}
	fprintf(f, "stats_version=%d\nmmu=%s\n", DUMP_VERSION,
		mmu_mode_name(vm->mmu.mode));
	for (int k = 0; k < MMU_NACCESS; k++) {
		uint64_t miss = s->misses[k],
			 hit = acc[k] > miss ? acc[k] - miss : 0;
		fprintf(f, "tlb.%s.hits=%llu\ntlb.%s.misses=%llu\n", kind[k],
			(unsigned long long)hit, kind[k],
			(unsigned long long)miss);
	}
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		fprintf(f, "%s=%llu\n", rows[i].name,
			(unsigned long long)rows[i].v);
	if (!vectors)
		return;
	/* The exception entries, and a histogram of the vectors entered:
	 * under a hypervisor, its exits by reason. */
	fprintf(f, "exceptions=%llu\n", (unsigned long long)vm->cpu.exceptions);
	for (unsigned v = 0; v < CPU_VEC_COUNT; v++)
		if (vm->cpu.vectors[v])
			fprintf(f, "vector.%u=%llu\n", v,
				(unsigned long long)vm->cpu.vectors[v]);
}

void dump_stats(FILE *f, const struct vm *vm, enum dump_format fmt)
{
	stats(f, vm, fmt, false);
}

void dump_run_stats(FILE *f, const struct vm *vm, enum dump_format fmt)
{
	stats(f, vm, fmt, true);
}
