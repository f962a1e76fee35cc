/*
 * The libFuzzer harnesses (fuzz/README.md): each fuzz_NAME.c exports
 * LLVMFuzzerTestOneInput for one hostile format of docs/security.md.
 * clang -fsanitize=fuzzer links them for make fuzz; fuzz/driver.c links
 * them with the normal compiler for make check, which replays the
 * committed corpus.
 */
#ifndef AULA_FUZZ_H
#define AULA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (NUL bytes kept inside), in a
 * buffer the harness frees. */
char *fuzz_string(const uint8_t *data, size_t size);

struct ckpt;
/* Apply a decoded checkpoint to a fresh machine of the configuration it
 * names (small ones only: big machines cost time, not coverage) and run
 * it for steps. */
void fuzz_apply_and_run(const struct ckpt *ck, uint64_t steps);

#endif
