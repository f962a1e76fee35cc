dist_man_MANS += man/aula.1 man/aula-as.1 man/aula-isa.7 man/aula-debug.1 \
	man/aula-grade.1 man/aula-lab.5
