/*
 * libFuzzer harness for the lab-file parser (lab/labfile.c, aula-lab(5)):
 * any bytes are read and checked as a lab file, and must give a verdict --
 * a structure or error messages -- without crashing, hanging or reading
 * out of bounds (fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/fuzz.h"
#include "lab/lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lab_cfg cfg;
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	int errors = lab_parse((const char *)data, size, "fuzz.lab", ".", &cfg,
			       sink);
	if (errors == 0) {
		/* A file without errors is fully resolved. */
		for (int i = 0; i < cfg.nmachines; i++)
			if (cfg.machines[i].host < 0 ||
			    cfg.machines[i].host >= cfg.nhosts ||
			    cfg.machines[i].sw >= cfg.nswitches ||
			    !cfg.machines[i].image[0])
				abort();
		for (int i = 0; i < cfg.nmigrations; i++)
			if (cfg.migrations[i].machine < 0 ||
			    cfg.migrations[i].machine >= cfg.nmachines ||
			    cfg.migrations[i].to < 0 ||
			    cfg.migrations[i].to >= cfg.nhosts ||
			    !cfg.migrations[i].policy.bandwidth ||
			    !cfg.migrations[i].policy.max_rounds)
				abort();
	}
	return 0;
}
