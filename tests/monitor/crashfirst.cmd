# aula debug tests/monitor/crash.s --monitor=crash
# --monitor=crash: the guest runs first; the monitor opens on the crash,
# already explained.  Without quit, the exit status is aula run's (5).
history 2
info vectors
