# aula debug --restore @TMP@/kernel.ck examples/kernel/kernel.s -I examples/lib
# aula debug --restore: the machine as aula run --save-on-stop left it
# (kernel.s after 3000 instructions, in process pong), with the labels
# and source of the program given.  The timeline starts at the restored
# moment; run starts from it again.
info timeline
reverse-step
step 4
reverse-step 2
bt
continue
run
quit
