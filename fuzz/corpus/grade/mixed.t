# name: upper case, digits and punctuation stay
# points: 3
# budget: 10000
# input: Abc, xyz 09!\n
continue
+1 output contains "ABC, XYZ"
+1 output matches "^[A-Z, ]+09!\n$"
stop poweroff 0
