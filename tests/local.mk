# make check: Check unit tests, self-checking guest programs, golden dumps,
# and command-line tests.  tests/README.md says what each layer covers.
UNIT_LDADD = tests/unit/libharness.a libaulahost.a libaulanet.a \
	libaulastate.a libaulaasm.a libaulacore.a \
	$(CHECK_LIBS) $(ZLIB_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

check_LIBRARIES = tests/unit/libharness.a
tests_unit_libharness_a_SOURCES = tests/unit/harness.h tests/unit/harness.c \
	tests/unit/step.h tests/unit/step.c \
	tests/unit/fixture.h tests/unit/fixture.c \
	tests/unit/astest.h tests/unit/astest.c \
	tests/unit/imgtest.h tests/unit/imgtest.c
tests_unit_libharness_a_CFLAGS = $(UNIT_CFLAGS)

UNIT_TESTS = tests/unit/test_isa tests/unit/test_cpu tests/unit/test_mem \
	tests/unit/test_exc tests/unit/test_pic tests/unit/test_bus \
	tests/unit/test_poll tests/unit/test_pairs \
	tests/unit/test_virt tests/unit/test_as tests/unit/test_as_errors \
	tests/unit/test_as_files tests/unit/test_as_layout \
	tests/unit/test_as_macro \
	tests/unit/test_image tests/unit/test_image_bad \
	tests/unit/test_dump tests/unit/test_mmu tests/unit/test_shadow \
	tests/unit/test_disk tests/unit/test_diskfile tests/unit/test_qcow2 \
	tests/unit/test_kbd tests/unit/test_display tests/unit/test_sdl \
	tests/unit/test_nic tests/unit/test_net tests/unit/test_switch \
	tests/unit/test_mon tests/unit/test_ckpt tests/unit/test_timeline \
	tests/unit/test_migrate
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_test_isa_SOURCES = tests/unit/test_isa.c
tests_unit_test_isa_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_isa_LDADD = $(UNIT_LDADD)
tests_unit_test_cpu_SOURCES = tests/unit/test_cpu.c
tests_unit_test_cpu_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cpu_LDADD = $(UNIT_LDADD)
tests_unit_test_mem_SOURCES = tests/unit/test_mem.c
tests_unit_test_mem_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mem_LDADD = $(UNIT_LDADD)
tests_unit_test_pic_SOURCES = tests/unit/test_pic.c
tests_unit_test_bus_SOURCES = tests/unit/test_bus.c
tests_unit_test_poll_SOURCES = tests/unit/test_poll.c
tests_unit_test_poll_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_poll_LDADD = $(UNIT_LDADD)
# aula grade's shared results, a part of the aula command.
tests_unit_test_pairs_SOURCES = tests/unit/test_pairs.c cli/grade_pairs.c
tests_unit_test_pairs_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pairs_LDADD = libaulagrade.a libaulamon.a libaulalab.a \
	$(UNIT_LDADD) $(INIH_LIBS) $(DL_LIBS)
tests_unit_test_bus_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bus_LDADD = $(UNIT_LDADD)
tests_unit_test_pic_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pic_LDADD = $(UNIT_LDADD)
tests_unit_test_exc_SOURCES = tests/unit/test_exc.c
tests_unit_test_exc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_exc_LDADD = $(UNIT_LDADD)
tests_unit_test_virt_SOURCES = tests/unit/test_virt.c
tests_unit_test_virt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_virt_LDADD = $(UNIT_LDADD)
tests_unit_test_as_SOURCES = tests/unit/test_as.c
tests_unit_test_as_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_as_LDADD = $(UNIT_LDADD)
tests_unit_test_as_errors_SOURCES = tests/unit/test_as_errors.c
tests_unit_test_as_errors_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_as_errors_LDADD = $(UNIT_LDADD)
tests_unit_test_as_files_SOURCES = tests/unit/test_as_files.c
tests_unit_test_as_files_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_as_files_LDADD = $(UNIT_LDADD)
tests_unit_test_as_layout_SOURCES = tests/unit/test_as_layout.c
tests_unit_test_as_layout_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_as_layout_LDADD = $(UNIT_LDADD)
tests_unit_test_as_macro_SOURCES = tests/unit/test_as_macro.c
tests_unit_test_as_macro_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_as_macro_LDADD = $(UNIT_LDADD)
tests_unit_test_image_SOURCES = tests/unit/test_image.c
tests_unit_test_image_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_image_LDADD = $(UNIT_LDADD)
tests_unit_test_image_bad_SOURCES = tests/unit/test_image_bad.c
tests_unit_test_image_bad_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_image_bad_LDADD = $(UNIT_LDADD)
tests_unit_test_dump_SOURCES = tests/unit/test_dump.c
tests_unit_test_dump_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dump_LDADD = $(UNIT_LDADD)
tests_unit_test_mmu_SOURCES = tests/unit/test_mmu.c tests/unit/paging.c \
	tests/unit/paging.h
tests_unit_test_mmu_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mmu_LDADD = $(UNIT_LDADD)
tests_unit_test_shadow_SOURCES = tests/unit/test_shadow.c tests/unit/paging.c \
	tests/unit/paging.h
tests_unit_test_shadow_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_shadow_LDADD = $(UNIT_LDADD)
tests_unit_test_disk_SOURCES = tests/unit/test_disk.c
tests_unit_test_disk_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_disk_LDADD = $(UNIT_LDADD)
tests_unit_test_diskfile_SOURCES = tests/unit/test_diskfile.c
tests_unit_test_diskfile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_diskfile_LDADD = $(UNIT_LDADD)
# test_qcow2 runs the fuzz harness of the qcow2 parser on mutated images.
tests_unit_test_qcow2_SOURCES = tests/unit/test_qcow2.c fuzz/fuzz_qcow2.c
tests_unit_test_qcow2_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_qcow2_LDADD = $(UNIT_LDADD)
tests_unit_test_kbd_SOURCES = tests/unit/test_kbd.c
tests_unit_test_kbd_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_kbd_LDADD = $(UNIT_LDADD)
tests_unit_test_display_SOURCES = tests/unit/test_display.c
tests_unit_test_display_CFLAGS = $(UNIT_CFLAGS) $(ZLIB_CFLAGS)
tests_unit_test_display_LDADD = $(UNIT_LDADD)
# Without SDL2 test_sdl is a stub that exits 77 (skipped).
tests_unit_test_sdl_SOURCES = tests/unit/test_sdl.c
tests_unit_test_sdl_CFLAGS = $(UNIT_CFLAGS) $(SDL2_CFLAGS)
tests_unit_test_sdl_LDADD = $(AULA_SDL_LIB) $(UNIT_LDADD) $(SDL2_LIBS) $(DL_LIBS)
tests_unit_test_nic_SOURCES = tests/unit/test_nic.c tests/unit/paging.c \
	tests/unit/paging.h
tests_unit_test_nic_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_nic_LDADD = $(UNIT_LDADD)
tests_unit_test_switch_SOURCES = tests/unit/test_switch.c
tests_unit_test_switch_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_switch_LDADD = $(UNIT_LDADD)
tests_unit_test_net_SOURCES = tests/unit/test_net.c
tests_unit_test_net_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_net_LDADD = $(UNIT_LDADD)
tests_unit_test_ckpt_SOURCES = tests/unit/test_ckpt.c
tests_unit_test_ckpt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ckpt_LDADD = $(UNIT_LDADD)
tests_unit_test_migrate_SOURCES = tests/unit/test_migrate.c
tests_unit_test_migrate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_migrate_LDADD = $(UNIT_LDADD)
tests_unit_test_timeline_SOURCES = tests/unit/test_timeline.c
tests_unit_test_timeline_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_timeline_LDADD = tests/unit/libharness.a libaulamon.a \
	libaulastate.a libaulaasm.a libaulacore.a $(CHECK_LIBS) $(DL_LIBS) \
	$(ZLIB_LIBS)
tests_unit_test_mon_SOURCES = tests/unit/test_mon.c
tests_unit_test_mon_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mon_LDADD = tests/unit/libharness.a libaulamon.a \
	libaulastate.a libaulaasm.a libaulacore.a $(CHECK_LIBS) $(DL_LIBS) \
	$(ZLIB_LIBS)

# Guest programs: each tests/guest/*.s powers off with 0 on success, or
# with the number of the failing check.
GUEST_TESTS = tests/guest/alu.s tests/guest/alu_imm.s tests/guest/shifts.s \
	tests/guest/flags.s tests/guest/muldiv.s tests/guest/branch.s \
	tests/guest/loadstore.s tests/guest/stack.s tests/guest/r0.s \
	tests/guest/system.s tests/guest/exceptions.s tests/guest/irq.s \
	tests/guest/smc.s
TESTS += $(GUEST_TESTS)
EXTRA_DIST += $(GUEST_TESTS) tests/guest/check.inc tests/guest/smc_disk.s
PAGING_GUEST_TESTS = tests/guest/paging_notpresent.s \
	tests/guest/paging_user.s tests/guest/paging_readonly.s \
	tests/guest/paging_fetch.s tests/guest/paging_ad.s \
	tests/guest/paging_restart.s tests/guest/paging_tlb.s \
	tests/guest/paging_smc.s
TESTS += $(PAGING_GUEST_TESTS)
EXTRA_DIST += $(PAGING_GUEST_TESTS) tests/guest/paging.inc
TEST_EXTENSIONS = .s .sh
SH_LOG_COMPILER = $(SHELL)
S_LOG_COMPILER = $(srcdir)/tests/run-guest
# Check's per-test timeouts guard against hangs, not speed: on a busy
# machine under the sanitizers a test can take several times its usual
# time, so they are stretched (CK_TIMEOUT_MULTIPLIER is Check's own).
AM_TESTS_ENVIRONMENT = AULA=$(abs_top_builddir)/aula; export AULA; \
	CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-10}; \
	export CK_TIMEOUT_MULTIPLIER; \
	top_srcdir=$(abs_top_srcdir); export top_srcdir;

SH_TESTS = tests/golden.sh tests/cli.sh tests/checkpoint.sh tests/replay.sh
EXTRA_DIST += tests/golden
TESTS += $(SH_TESTS)
EXTRA_DIST += $(SH_TESTS) tests/run-guest
SH_TESTS += tests/docs.sh tests/paging-diff.sh
SH_TESTS += tests/disk.sh tests/display.sh tests/nic.sh
SH_TESTS += tests/qcow2.sh tests/migrate.sh
SH_TESTS += tests/monitor.sh tests/monitor-tty.sh
SH_TESTS += tests/grade.sh tests/layout.sh
SH_TESTS += tests/grade-class.sh
# make install into a DESTDIR, and the bash completion.
SH_TESTS += tests/install.sh tests/completion.sh tests/readme.sh
AM_TESTS_ENVIRONMENT += abs_top_builddir=$(abs_top_builddir); \
	export abs_top_builddir; MAKE='$(MAKE)'; export MAKE; \
	bindir='$(bindir)' docdir='$(docdir)' pkgdatadir='$(pkgdatadir)'; \
	mandir='$(mandir)' bashcompletiondir='$(bashcompletiondir)'; \
	export bindir docdir pkgdatadir mandir bashcompletiondir;
# aula lab: the demos of examples/lab/ and their expected output.
SH_TESTS += tests/lab.sh tests/lab-ckpt.sh
LAB_TEST_FILES = examples/lab/README.md examples/lab/busy.s \
	examples/lab/memhog.s examples/lab/cache.s \
	examples/lab/overcommit.lab examples/lab/overcommit.expected \
	examples/lab/clones.lab examples/lab/clones.expected \
	examples/lab/steal.lab examples/lab/steal.expected \
	examples/lab/lan.lab examples/lab/lan.expected \
	examples/lab/lan-monitor.cmd examples/lab/lan-monitor.expected \
	examples/lab/web.lab examples/lab/web.expected examples/lab/web.s \
	examples/lab/client.s \
	examples/lab/migrate/README.md examples/lab/migrate/pinger.s \
	examples/lab/migrate/migrate.lab examples/lab/migrate/migrate.expected \
	examples/lab/migrate/hungry.lab examples/lab/migrate/hungry.expected
EXTRA_DIST += $(LAB_TEST_FILES)
# The example assignment tests/grade.sh grades, and its expected reports.
GRADE_TEST_FILES = examples/grading/README.md \
	examples/grading/submissions/reference.s \
	examples/grading/submissions/off-by-one.s \
	examples/grading/submissions/no-eof.s \
	examples/grading/submissions/typo.s \
	examples/grading/tests/empty.t examples/grading/tests/fast.t \
	examples/grading/tests/hello.t examples/grading/tests/mixed.t \
	examples/grading/expected/report.txt \
	examples/grading/expected/report.json \
	examples/grading/expected/report.csv \
	examples/grading/expected/report.xml \
	examples/grading/expected/report.tap examples/grading/slurm.sbatch
EXTRA_DIST += $(GRADE_TEST_FILES)
# The monitor's scripts, their transcripts and programs (listed, not the
# directory: make would build tests/monitor from tests/monitor.sh).
MONITOR_TEST_FILES = tests/monitor/basics.cmd tests/monitor/basics.out \
	tests/monitor/breaks.cmd tests/monitor/breaks.out tests/monitor/breaks.s \
	tests/monitor/calls.cmd tests/monitor/calls.out tests/monitor/calls.s \
	tests/monitor/console.cmd tests/monitor/console.out \
	tests/monitor/crash.cmd tests/monitor/crash.out tests/monitor/crash.s \
	tests/monitor/crashfirst.cmd tests/monitor/crashfirst.out \
	tests/monitor/echo.s tests/monitor/errors.cmd tests/monitor/errors.out \
	tests/monitor/gdb.cmd tests/monitor/gdb.out \
	tests/monitor/novec.cmd tests/monitor/novec.out tests/monitor/novec.s \
	tests/monitor/nested.cmd tests/monitor/nested.out \
	tests/monitor/input.cmd tests/monitor/input.out \
	tests/monitor/interrupts.cmd tests/monitor/interrupts.out \
	tests/monitor/irq.s tests/monitor/paging.cmd tests/monitor/paging.out \
	tests/monitor/run-trace.out tests/monitor/sleepy.s \
	tests/monitor/traps.cmd tests/monitor/traps.out
MONITOR_TEST_FILES += tests/monitor/source.cmd tests/monitor/source.out \
	tests/monitor/source.s tests/monitor/kernel.cmd tests/monitor/kernel.out
MONITOR_TEST_FILES += tests/monitor/patch.cmd tests/monitor/patch.out \
	tests/monitor/reverse.cmd tests/monitor/reverse.out \
	tests/monitor/reverse-io.cmd tests/monitor/reverse-io.out \
	tests/monitor/reverse-irq.cmd tests/monitor/reverse-irq.out \
	tests/monitor/reverse-disk.cmd tests/monitor/reverse-disk.out \
	tests/monitor/restore.cmd tests/monitor/restore.out
EXTRA_DIST += $(MONITOR_TEST_FILES)
# monitor-tty.sh's expect(1): drives aula debug on a pseudo-terminal.
check_PROGRAMS += tests/ptydrive
tests_ptydrive_SOURCES = tests/ptydrive.c
# qcow2.sh's driver of the disk back end; --wrap counts the back end's
# writes and syncs, so its crash test kills at exact points.
check_PROGRAMS += tests/vdisk-io
tests_vdisk_io_SOURCES = tests/vdisk-io.c
tests_vdisk_io_LDADD = libaulahost.a $(ZLIB_LIBS)
tests_vdisk_io_LDFLAGS = -Wl,--wrap=pwrite -Wl,--wrap=pwritev \
	-Wl,--wrap=fsync
# The hypervisor: the examples bare, under examples/vmm, and nested.
SH_TESTS += tests/vmm.sh
