# Many machines in one process: the lab file, the scheduler, the reports.
noinst_LIBRARIES += libaulalab.a
libaulalab_a_SOURCES = lab/lab.h lab/lab_int.h lab/labfile.c lab/lab.c \
	lab/sched.c lab/memory.c lab/report.c lab/info.c lab/migrate.c \
	lab/snap.c
libaulalab_a_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)
