# aula debug examples/disk-snapshots/guestbook.s -I examples/lib --disk @TMP@/book.img
# Going back past a disk write: the image is put back as it was then (the
# timeline logs what each write replaced), so the re-run reads the empty
# book again and signs it once.  The script ends back at the start, so the
# image is blank again when it ends.
send "alice\n"
continue
x/2s book
info timeline
goto #0
continue
x/2s book
reverse-step 50
goto #0
quit
