# aula debug tests/monitor/echo.s
# Reverse execution with console input: the guest reads again what it
# read then, and what it printed is not printed twice; typing in the past
# makes another future.
send "abq"
watch count
continue
continue
print [count]
reverse-step 30
print [count]
continue
continue
info timeline
goto #20
send "Z"
continue
info timeline
