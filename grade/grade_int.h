/*
 * What grade.c (reading tests) and grade_run.c (running them) share:
 * grade's own checks, parsed at load.
 */
#ifndef AULA_GRADE_INT_H
#define AULA_GRADE_INT_H

#include <regex.h>

#include "grade/grade.h"

#define GRADE_OUTPUT_MAX 65536	/* console output kept per run */
#define GRADE_HISTORY 8		/* instructions shown after a crash */

enum check_kind { CHECK_NONE, CHECK_OUTPUT, CHECK_STOP, CHECK_MEMORY };
enum output_mode { OUTPUT_IS, OUTPUT_CONTAINS, OUTPUT_MATCHES };

struct grade_check {
	enum check_kind kind;
	enum output_mode mode;
	char text[GRADE_INPUT_MAX];	/* the string, or the stop reason */
	size_t len;
	bool has_code;
	uint32_t code;
	char addr[64];		/* CHECK_MEMORY: a number or a label */
	regex_t re;		/* OUTPUT_MATCHES: compiled at load */
};

#endif
