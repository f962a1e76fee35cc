# aula debug tests/monitor/source.s
runlimit 10000
# Source lines at every stop, list, constants (aula-debug(1)).
step
step
print COUNT
print USER_STACK
print COUNT + 1
list
list
break loop
continue
list 1
list source.s:17
list tests/monitor/source.s:2
list data
-list 99
-list nosuch.s:3
-list 0
step 3
history 4
delete
until data
print r6
list
