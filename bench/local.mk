# make bench: speed of the interpreter on guest workloads, and of aula
# grade on a class (not part of make check).  With valgrind installed it
# also reports host instructions per guest instruction, a figure that does
# not move with machine noise.
EXTRA_PROGRAMS = bench/aula-bench bench/ckpt-bench
bench_ckpt_bench_SOURCES = bench/ckpt-bench.c
bench_ckpt_bench_LDADD = libaulamon.a libaulastate.a libaulaasm.a \
	libaulacore.a $(READLINE_LIBS) $(ZLIB_LIBS)
bench_aula_bench_SOURCES = bench/bench.c
bench_aula_bench_LDADD = libaulahost.a libaulaasm.a libaulacore.a $(ZLIB_LIBS)
CLEANFILES += bench/aula-bench bench/ckpt-bench
BENCH_WORKLOADS = $(srcdir)/bench/alu.s $(srcdir)/bench/array.s \
	$(srcdir)/bench/fib.s $(srcdir)/bench/irq.s
PAGING_WORKLOADS = $(srcdir)/bench/alu_paged.s $(srcdir)/bench/pages.s \
	$(srcdir)/bench/switch.s
DISK_WORKLOADS = $(srcdir)/bench/disk.s
EXTRA_DIST += bench/alu.s bench/array.s bench/fib.s bench/irq.s \
	bench/callgrind \
	bench/alu_paged.s bench/pages.s bench/switch.s bench/paging.inc \
	bench/disk.s bench/grade-bench bench/touch2m.s

bench: bench/aula-bench bench/ckpt-bench aula$(EXEEXT)
	@bench/aula-bench $(BENCH_WORKLOADS)
	@bench/aula-bench --mmu=shadow $(PAGING_WORKLOADS)
	@bench/aula-bench --mmu=nested $(PAGING_WORKLOADS)
	@bench/aula-bench --disk $(DISK_WORKLOADS)
	@bench/ckpt-bench $(srcdir)/bench/touch2m.s
	@$(srcdir)/bench/callgrind bench/aula-bench $(BENCH_WORKLOADS)
	@$(srcdir)/bench/grade-bench ./aula$(EXEEXT) $(srcdir)/examples/grading
.PHONY: bench
