# aula grade: test files, running a test on a submission, reports, merge.
noinst_LIBRARIES += libaulagrade.a
libaulagrade_a_SOURCES = grade/grade.h grade/grade_int.h grade/grade.c \
	grade/grade_run.c grade/grade_report.c \
	grade/grade_merge.c
