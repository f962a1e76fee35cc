x: .word x - 4 + y
y: ldw r1, -8(r2)
  beq y
  .org 0x2000
