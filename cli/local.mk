# The aula command: main and the command table (cli/aula.c), one file per
# subcommand.
bin_PROGRAMS += aula
aula_SOURCES = cli/aula.c cli/cmd.h cli/cmd_run.c cli/cmd_as.c \
	cli/cmd_disk.c cli/cmd_grade.c cli/cmd_hub.c \
	cli/run_net.h cli/run_net.c
aula_LDADD = libaulagrade.a libaulamon.a $(AULA_SDL_LIB) libaulahost.a \
	libaulanet.a libaulastate.a libaulaasm.a libaulacore.a \
	$(READLINE_LIBS) $(ZLIB_LIBS) $(DL_LIBS)
