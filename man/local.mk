dist_man_MANS += man/aula.1 man/aula-as.1 man/aula-isa.7 man/aula-debug.1 \
	man/aula-grade.1 man/aula-qcow2.5 man/aula-lab.5
# The documents, in $(docdir).
dist_doc_DATA = README.md docs/isa.md docs/devices.md docs/image-format.md \
	docs/security.md docs/checkpoint-format.md docs/record-format.md \
	docs/mmu.md docs/migration.md docs/performance.md
# The pages name the installed documents and examples by their paths under
# the default prefix; installed pages name the real ones.
MAN_DEFAULT_DOCDIR = /usr/local/share/doc/aula
MAN_DEFAULT_PKGDATADIR = /usr/local/share/aula
install-data-hook: install-man-paths
install-man-paths:
	for page in $(dist_man_MANS); do \
		sec=$${page##*.}; \
		f='$(DESTDIR)$(mandir)'/man$$sec/$$(basename $$page); \
		sed -e 's|$(MAN_DEFAULT_DOCDIR)|$(docdir)|g' \
		    -e 's|$(MAN_DEFAULT_PKGDATADIR)|$(pkgdatadir)|g' \
		    "$$f" >"$$f.tmp" && mv "$$f.tmp" "$$f" || exit 1; \
	done
.PHONY: install-man-paths
