/*
 * Decoded code: the interpreter's decode cache, one page of entries per
 * guest-physical page that has been executed.
 *
 * An entry is one instruction word taken apart once (cpu/exec.c decides
 * what op means); entry i describes the word at offset 4 * i of its page,
 * whatever virtual address the page is run at, so aliases share it.
 *
 *        0      1      2      3      4             8
 *       +------+------+------+------+-------------+
 *       |  op  |  rd  | rs1  | rs2  |    imm      |   struct code_entry
 *       +------+------+------+------+-------------+
 *
 * op 0 (CODE_OP_UNDECODED) means "decode me when you get here": a page
 * starts all zero, and invalidating a word zeroes its entry.  The entry
 * after the last (e[CODE_ENTRIES]) is a sentinel, CODE_OP_PAGE_END, so
 * running off a page needs no test per instruction.
 *
 * Coherence: every write to guest memory that the CPU's write TLB does not
 * see ends in mem_code_written() -- CPU stores to a page with code always
 * take the write-TLB slow path (mmu_store), which calls it; DMA
 * (mmu_dma_write), the monitor and loaders (mem_write) and the walker's
 * A/D bits call it too.  Mapping changes need nothing here: entries are by
 * physical page, and the fetch TLB that finds them is flushed by tlbi,
 * ptbr and paging writes like the other TLBs.
 */
#ifndef AULA_CODE_H
#define AULA_CODE_H

#include <stdbool.h>
#include <stdint.h>

#define CODE_ENTRIES 1024		/* words in a 4 KiB page */
#define CODE_OP_UNDECODED 0
#define CODE_OP_PAGE_END 0xff

struct code_entry {
	uint8_t op;		/* handler (cpu/exec.c); 0: not decoded yet */
	uint8_t rd, rs1, rs2;	/* operands, in the form the handler wants */
	uint32_t imm;
};

struct code_page {
	struct code_entry e[CODE_ENTRIES + 1];	/* + the sentinel */
	uint32_t gpa;		/* its guest-physical address */
	/* No host pointer: a memory manager (mem/pool.h) may swap the page
	 * out or share it; the words are read through mem's map when
	 * decoded.  Its contents stay the same, and so do the entries. */
	struct code_page *next;	/* mem's list of code pages */
};

struct mem;

/* The code page of the guest page holding gpa, made (all undecoded) on
 * first use; NULL if gpa is not RAM or the host is out of memory.
 * *created says it is new (the caller must then stop the write TLB from
 * reaching the page). */
struct code_page *mem_code_page(struct mem *m, uint32_t gpa, bool *created);
/* Bytes [gpa, gpa + len) of RAM changed behind the decode cache. */
void mem_code_written(struct mem *m, uint32_t gpa, uint32_t len);
/* Every entry of every code page back to undecoded (the set of fetch
 * breakpoints changed: cpu/exec.c decodes a word at one as a check). */
void mem_code_redecode(struct mem *m);
/* Forget every code page. */
void mem_code_free(struct mem *m);

#endif
