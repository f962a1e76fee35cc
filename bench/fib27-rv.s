# Recursive fib(27) for QEMU's RISC-V machine (bench/vs-qemu), the same
# algorithm as bench/fib27.s.  Built with Debian's
# binutils-riscv64-unknown-elf:
#   riscv64-unknown-elf-as -march=rv32i -mabi=ilp32 fib27-rv.s -o fib.o
#   riscv64-unknown-elf-ld -m elf32lriscv -Ttext=0x80000000 fib.o -o fib.elf
# and run with qemu-system-riscv32 -M virt -bios none -kernel fib.elf.
# With N = 0 it is the empty run whose time is taken off.  It powers off
# through the virt machine's test device (0x100000).
        .equ N, 27
        .globl _start
_start: li      sp, 0x80100000
        li      a0, N
        call    fib
        li      t0, 0x100000
        li      t1, 0x5555      # FINISHER_PASS
        sw      t1, 0(t0)
1:      j       1b

# a0 = fib(a0)
fib:    li      t0, 2
        blt     a0, t0, 2f
        addi    sp, sp, -12
        sw      ra, 8(sp)
        sw      s0, 4(sp)
        sw      s1, 0(sp)
        mv      s0, a0
        addi    a0, a0, -1
        call    fib
        mv      s1, a0
        addi    a0, s0, -2
        call    fib
        add     a0, a0, s1
        lw      ra, 8(sp)
        lw      s0, 4(sp)
        lw      s1, 0(sp)
        addi    sp, sp, 12
2:      ret
