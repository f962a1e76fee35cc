/*
 * The assembler's symbol table: an array in definition order (which the
 * image keeps) indexed by an open-addressing hash table, so that a source
 * of 80,000 labels assembles in linear time.
 *
 *   sym_slots[hash & (nslots - 1)] -> index in syms, or -1 (free);
 *   collisions probe the next slot.  The table is at most half full.
 */
#include <stdlib.h>
#include <string.h>

#include "asm/as_int.h"
#include "cpu/isa.h"

/* FNV-1a: short names, no adversary gains much from collisions here
 * beyond a slower assembly of their own source. */
static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void rehash(struct as *a)
{
	uint32_t n = a->nslots ? 2 * a->nslots : 256;
	int *slots = as_xrealloc(NULL, n * sizeof *slots);
	for (uint32_t i = 0; i < n; i++)
		slots[i] = -1;
	for (int i = 0; i < a->nsyms; i++) {
		uint32_t k = a->syms[i].hash & (n - 1);
		while (slots[k] >= 0)
			k = (k + 1) & (n - 1);
		slots[k] = i;
	}
	free(a->sym_slots);
	a->sym_slots = slots;
	a->nslots = n;
}

/* The slot that holds name, or the free slot where it would go. */
static uint32_t slot_of(const struct as *a, const char *name, uint32_t h)
{
	uint32_t k = h & (a->nslots - 1);
	for (;;) {
		int i = a->sym_slots[k];
		if (i < 0 || (a->syms[i].hash == h &&
			      strcmp(a->syms[i].name, name) == 0))
			return k;
		k = (k + 1) & (a->nslots - 1);
	}
}

struct as_sym *as_sym_find(struct as *a, const char *name)
{
	if (!a->nslots)
		return NULL;
	int i = a->sym_slots[slot_of(a, name, hash_name(name))];
	return i < 0 ? NULL : &a->syms[i];
}

void as_define(struct as *a, char *name, uint32_t value, bool label,
	       const char *at)
{
	struct as_sym *s = as_sym_find(a, name);
	if (s && s->pass == a->pass && (label || s->label)) {
		const struct as_line *l = &a->lines[s->line];
		as_error(a, at, "'%s' is already defined at %s:%d", name,
			 l->file, l->lineno);
		free(name);
		return;
	}
	if (!s) {
		if (a->nsyms == a->syms_cap) {
			a->syms_cap = a->syms_cap ? 2 * a->syms_cap : 64;
			a->syms = as_xrealloc(a->syms,
					   a->syms_cap * sizeof *a->syms);
		}
		if (2 * ((uint32_t)a->nsyms + 1) > a->nslots)
			rehash(a);
		uint32_t h = hash_name(name);
		a->sym_slots[slot_of(a, name, h)] = a->nsyms;
		s = &a->syms[a->nsyms++];
		s->name = name;
		s->hash = h;
	} else {
		free(name);
	}
	s->value = value;
	s->pass = a->pass;
	s->label = label;
	s->line = a->cur;
}

void as_sym_reset(struct as *a)
{
	for (int i = 0; i < a->nsyms; i++)
		free(a->syms[i].name);
	a->nsyms = 0;
	for (uint32_t i = 0; i < a->nslots; i++)
		a->sym_slots[i] = -1;
}

/* The instruction names, hashed once per assembly: isa_lookup_name scans
 * the 256 opcodes with strcmp, a fifth of the time of a large source. */
void as_insn_index(struct as *a)
{
	for (uint32_t i = 0; i < AS_INSN_SLOTS; i++)
		a->insn_slots[i] = -1;
	for (int op = 0; op < 256; op++) {
		if (!isa_table[op].name)
			continue;
		uint32_t k = hash_name(isa_table[op].name) & (AS_INSN_SLOTS - 1);
		while (a->insn_slots[k] >= 0)
			k = (k + 1) & (AS_INSN_SLOTS - 1);
		a->insn_slots[k] = (int16_t)op;
	}
}

const struct isa_insn *as_insn_named(const struct as *a, const char *name)
{
	uint32_t k = hash_name(name) & (AS_INSN_SLOTS - 1);
	for (; a->insn_slots[k] >= 0; k = (k + 1) & (AS_INSN_SLOTS - 1))
		if (strcmp(isa_table[a->insn_slots[k]].name, name) == 0)
			return &isa_table[a->insn_slots[k]];
	return NULL;
}
