# budget: 5000
# input: x\n
break ready
continue
step 3
