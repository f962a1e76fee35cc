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

#endif
