# make bench: speed of the interpreter on guest workloads, of aula grade
# on a class, of aula lab's scheduler, and of aula as on a 10 MB source
# (not part of make check).  With valgrind installed it
# also reports host instructions per guest instruction, a figure that does
# not move with machine noise.
EXTRA_PROGRAMS = bench/aula-bench bench/ckpt-bench
bench_ckpt_bench_SOURCES = bench/ckpt-bench.c
bench_ckpt_bench_LDADD = libaulamon.a libaulastate.a libaulaasm.a \
	libaulacore.a $(DL_LIBS) $(ZLIB_LIBS)
bench_aula_bench_SOURCES = bench/bench.c
bench_aula_bench_LDADD = libaulahost.a libaulaasm.a libaulacore.a $(ZLIB_LIBS)
CLEANFILES += bench/aula-bench bench/ckpt-bench
# The disk back ends' throughput: raw, a qcow2 overlay, three deep.
EXTRA_PROGRAMS += bench/aula-diskbench
bench_aula_diskbench_SOURCES = bench/diskbench.c
bench_aula_diskbench_LDADD = libaulahost.a libaulacore.a $(ZLIB_LIBS)
CLEANFILES += bench/aula-diskbench
BENCH_WORKLOADS = $(srcdir)/bench/alu.s $(srcdir)/bench/array.s \
	$(srcdir)/bench/fib.s $(srcdir)/bench/irq.s
# The same loops with paging on and a timer interrupt live, for callgrind
# (the interpreter's targets hold there too), and alu_paged.s.
LIVE_WORKLOADS = $(srcdir)/bench/alu_paged.s $(srcdir)/bench/alu_live.s \
	$(srcdir)/bench/array_live.s $(srcdir)/bench/fib_live.s
# pages.s is also a teacher's demo (docs/mmu.md), so it lives in examples/.
PAGING_WORKLOADS = $(srcdir)/bench/alu_paged.s \
	$(srcdir)/examples/paging/pages.s $(srcdir)/bench/switch.s
DISK_WORKLOADS = $(srcdir)/bench/disk.s
# Where the paging workloads' .include "../examples/lib/paging.inc" may
# read (the assembler keeps includes inside the source tree and -I).
BENCH_INC = -I $(srcdir)/examples/lib
EXTRA_DIST += bench/alu.s bench/array.s bench/fib.s bench/irq.s \
	bench/callgrind \
	bench/alu_paged.s bench/switch.s \
	bench/disk.s bench/grade-bench bench/lab-bench bench/idle.s \
	bench/as-bench \
	bench/touch2m.s \
	bench/live.inc bench/alu_live.s bench/array_live.s bench/fib_live.s \
	bench/startup bench/vs-qemu bench/fib27.s bench/fib27-rv.s \
	bench/migrate-bench bench/busy48m.s

bench: bench/aula-bench bench/aula-diskbench bench/ckpt-bench aula$(EXEEXT)
	@bench/aula-bench $(BENCH_WORKLOADS)
	@bench/aula-bench $(BENCH_INC) --mmu=shadow $(PAGING_WORKLOADS)
	@bench/aula-bench $(BENCH_INC) --mmu=nested $(PAGING_WORKLOADS)
	@bench/aula-bench --disk $(DISK_WORKLOADS)
	@bench/aula-diskbench
	@bench/ckpt-bench $(srcdir)/bench/touch2m.s
	@$(srcdir)/bench/callgrind bench/aula-bench $(BENCH_INC) \
		$(BENCH_WORKLOADS) $(LIVE_WORKLOADS)
	@bench/aula-bench --vm-create 20000
	@$(srcdir)/bench/startup ./aula$(EXEEXT) bench/aula-bench
	@$(srcdir)/bench/grade-bench ./aula$(EXEEXT) $(srcdir)/examples/grading \
		bench/aula-bench
	@$(srcdir)/bench/lab-bench ./aula$(EXEEXT) $(srcdir)/bench
	@$(srcdir)/bench/as-bench ./aula$(EXEEXT)
	@$(srcdir)/bench/migrate-bench ./aula$(EXEEXT) $(srcdir)
	@$(srcdir)/bench/vs-qemu ./aula$(EXEEXT) bench/aula-bench $(srcdir)
.PHONY: bench
