# The aula command: main and the command table (cli/aula.c), one file per
# subcommand.
bin_PROGRAMS += aula
aula_SOURCES = cli/aula.c cli/cmd.h cli/cmd_run.c cli/cmd_as.c \
	cli/cmd_disk.c cli/disk_chain.h cli/disk_chain.c cli/cmd_grade.c \
	cli/cmd_hub.c cli/cmd_lab.c cli/run_net.h cli/run_net.c cli/outfile.h \
	cli/outfile.c cli/cmd_checkpoint.c cli/run_ckpt.h cli/run_ckpt.c \
	cli/run_replay.h cli/run_replay.c cli/run_migrate.h cli/run_migrate.c \
	cli/run_opts.h cli/run_opts.c cli/grade_pairs.h cli/grade_pairs.c \
	cli/grade_pool.h cli/grade_pool.c
# The manual's place, for aula --help (cli/aula.c: cmd_man).
aula_CPPFLAGS = $(AM_CPPFLAGS) -DAULA_BINDIR='"$(bindir)"' \
	-DAULA_SRCDIR='"$(abs_top_srcdir)"'
aula_LDADD = libaulagrade.a libaulamon.a libaulalab.a $(AULA_SDL_LIB) \
	libaulahost.a libaulanet.a libaulastate.a libaulaasm.a libaulacore.a \
	$(ZLIB_LIBS) $(DL_LIBS) $(INIH_LIBS)

# The bash completion, as completions/aula where bash-completion looks.
EXTRA_DIST += cli/aula.bash
install-data-local: install-bash-completion
uninstall-local: uninstall-bash-completion
install-bash-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	$(INSTALL_DATA) $(srcdir)/cli/aula.bash '$(DESTDIR)$(bashcompletiondir)/aula'
uninstall-bash-completion:
	rm -f '$(DESTDIR)$(bashcompletiondir)/aula'
.PHONY: install-bash-completion uninstall-bash-completion
