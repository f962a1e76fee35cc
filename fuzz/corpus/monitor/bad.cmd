x
x/s 0
x/9999x 0
print (((((1
assert
b 0xffffffff
w phys 0xfffffffc 8
set pc 0
step
