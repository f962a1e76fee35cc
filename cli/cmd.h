/* Shared by the aula subcommands. */
#ifndef AULA_CMD_H
#define AULA_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "asm/image.h"

int cmd_run(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_as(int argc, char **argv);
int cmd_dis(int argc, char **argv);
int cmd_disk(int argc, char **argv);
int cmd_hub(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_lab(int argc, char **argv);

/* How to read manual page page ("aula-debug"): "man PAGE" for an
 * installed aula, "man -l SRCDIR/man/PAGE.N" for one run from its build
 * tree (whose pages are not on MANPATH).  A static buffer. */
const char *cmd_man(const char *page);

/* Print "aula: ..." to stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What the last cmd_error said. */
const char *cmd_last_error(void);

/* "16M", "64K", "1G", "0x1000" or plain bytes; false if malformed. */
bool cmd_parse_size(const char *s, uint64_t *out);
bool cmd_parse_u64(const char *s, uint64_t *out);

/* An image, or an assembly source assembled on the fly (errors on
 * stderr).  0, or -1 after printing why. */
int cmd_load_program(const char *path, struct image *img);

/* -I DIR of aula as, run and debug: a directory .include and .incbin may
 * read (kept for cmd_load_program).  -1 after a message if it is not a
 * directory. */
int cmd_add_include_dir(const char *dir);
void cmd_include_dirs(const char *const **dirs, int *ndirs);
/* The RAM an image must fit in (aula run --mem), so that a bad one is
 * refused before its body is inflated. */
void cmd_set_ram_limit(uint64_t ram);

#endif
