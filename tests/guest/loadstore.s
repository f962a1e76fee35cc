; loadstore.s: ldw ldh ldhu ldb ldbu stw sth stb.  Little-endian byte
; order both ways (a word read back byte by byte and half by half, bytes
; stored and read back as a word); sign extension of ldb / ldh against zero
; extension of ldbu / ldhu at the boundaries (0x7f / 0x80 / 0xff,
; 0x7fff / 0x8000 / 0xffff); stb and sth changing only their own bytes;
; negative offsets and the ends of the 16-bit offset (32767, -32768); r0 as
; the base (absolute addresses); the loaded register being the base.
; (push and pop are in stack.s; misaligned and bus-error accesses in
; exceptions.s.)
;
; r13 = number of the check; r1 base, r3 loaded value, r12 expected.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- loads: byte order -----------------------------------------------------
        li      r13, 1                  ; a whole word
        la      r1, word1
        ldw     r3, 0(r1)
        li      r12, 0x12345678
        cmp     r3, r12
        bne     fail

        li      r13, 2                  ; byte 0 is the low byte
        ldbu    r3, 0(r1)
        cmpi    r3, 0x78
        bne     fail
        li      r13, 3
        ldbu    r3, 1(r1)
        cmpi    r3, 0x56
        bne     fail
        li      r13, 4
        ldbu    r3, 2(r1)
        cmpi    r3, 0x34
        bne     fail
        li      r13, 5                  ; byte 3 is the high byte
        ldbu    r3, 3(r1)
        cmpi    r3, 0x12
        bne     fail

        li      r13, 6                  ; the low half at offset 0
        ldhu    r3, 0(r1)
        li      r12, 0x5678
        cmp     r3, r12
        bne     fail
        li      r13, 7                  ; the high half at offset 2
        ldhu    r3, 2(r1)
        li      r12, 0x1234
        cmp     r3, r12
        bne     fail

; ---- loads: sign and zero extension ----------------------------------------
; signs: .byte 0x01, 0x7f, 0xff, 0x80, then .half 0x7fff, 0x8000, 0xffff, 0
        la      r1, signs
        li      r13, 8                  ; 0x7f stays positive
        ldb     r3, 1(r1)
        cmpi    r3, 0x7f
        bne     fail
        li      r13, 9                  ; 0xff is -1
        ldb     r3, 2(r1)
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail
        li      r13, 10                 ; 0x80 is -128
        ldb     r3, 3(r1)
        li      r12, 0xffffff80
        cmp     r3, r12
        bne     fail
        li      r13, 11                 ; ldbu: 0xff is 255
        ldbu    r3, 2(r1)
        li      r12, 0x000000ff
        cmp     r3, r12
        bne     fail
        li      r13, 12                 ; ldbu: 0x80 is 128
        ldbu    r3, 3(r1)
        li      r12, 0x00000080
        cmp     r3, r12
        bne     fail
        li      r13, 13                 ; ldb of 0x01
        ldb     r3, 0(r1)
        cmpi    r3, 1
        bne     fail

        li      r13, 14                 ; ldh: 0x7fff stays positive
        ldh     r3, 4(r1)
        li      r12, 0x00007fff
        cmp     r3, r12
        bne     fail
        li      r13, 15                 ; ldh: 0x8000 is -32768
        ldh     r3, 6(r1)
        li      r12, 0xffff8000
        cmp     r3, r12
        bne     fail
        li      r13, 16                 ; ldh: 0xffff is -1
        ldh     r3, 8(r1)
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail
        li      r13, 17                 ; ldhu: 0x8000 is 32768
        ldhu    r3, 6(r1)
        li      r12, 0x00008000
        cmp     r3, r12
        bne     fail
        li      r13, 18                 ; ldhu: 0xffff is 65535
        ldhu    r3, 8(r1)
        li      r12, 0x0000ffff
        cmp     r3, r12
        bne     fail

        li      r13, 19                 ; ldh of bytes 0xff 0x80: 0x80ff
        ldh     r3, 2(r1)
        li      r12, 0xffff80ff
        cmp     r3, r12
        bne     fail

        li      r13, 20                 ; ldbu replaces all of rd
        li      r3, -1
        ldbu    r3, 3(r1)
        cmpi    r3, 0x80
        bne     fail
        li      r13, 21                 ; ldhu likewise
        li      r3, -1
        ldhu    r3, 4(r1)
        li      r12, 0x7fff
        cmp     r3, r12
        bne     fail

; ---- stores ----------------------------------------------------------------
        la      r1, buf
        li      r13, 22                 ; stw then ldw
        li      r2, 0xcafef00d
        stw     r2, 0(r1)
        ldw     r3, 0(r1)
        cmp     r3, r2
        bne     fail

        li      r13, 23                 ; stw is little-endian
        ldbu    r3, 0(r1)
        cmpi    r3, 0x0d
        bne     fail
        ldbu    r3, 3(r1)
        cmpi    r3, 0xca
        bne     fail

        li      r13, 24                 ; stb stores the low byte, only
        li      r2, -1
        stw     r2, 0(r1)
        li      r2, 0x12345678
        stb     r2, 1(r1)
        ldw     r3, 0(r1)
        li      r12, 0xffff78ff
        cmp     r3, r12
        bne     fail

        li      r13, 25                 ; sth stores the low half, only
        stw     r0, 4(r1)
        li      r2, 0xabcd1234
        sth     r2, 6(r1)
        ldw     r3, 4(r1)
        li      r12, 0x12340000
        cmp     r3, r12
        bne     fail

        li      r13, 26                 ; four stb make a word
        li      r2, 0x44
        stb     r2, 8(r1)
        li      r2, 0x33
        stb     r2, 9(r1)
        li      r2, 0x22
        stb     r2, 10(r1)
        li      r2, 0x11
        stb     r2, 11(r1)
        ldw     r3, 8(r1)
        li      r12, 0x11223344
        cmp     r3, r12
        bne     fail

        li      r13, 27                 ; two sth make a word
        li      r2, 0xbeef
        sth     r2, 12(r1)
        li      r2, 0xdead
        sth     r2, 14(r1)
        ldw     r3, 12(r1)
        li      r12, 0xdeadbeef
        cmp     r3, r12
        bne     fail

        li      r13, 28                 ; a stored half, read back signed
        li      r2, 0x00008000
        sth     r2, 16(r1)
        ldh     r3, 16(r1)
        li      r12, 0xffff8000
        cmp     r3, r12
        bne     fail

        li      r13, 29                 ; a stored byte, read back signed
        li      r2, 0x000000f0
        stb     r2, 18(r1)
        ldb     r3, 18(r1)
        li      r12, 0xfffffff0
        cmp     r3, r12
        bne     fail

        li      r13, 30                 ; stw leaves its neighbours alone
        li      r2, 0x01020304
        stw     r2, 20(r1)
        li      r2, 0x05060708
        stw     r2, 28(r1)
        li      r2, -1
        stw     r2, 24(r1)
        ldw     r3, 20(r1)
        li      r12, 0x01020304
        cmp     r3, r12
        bne     fail
        ldw     r3, 28(r1)
        li      r12, 0x05060708
        cmp     r3, r12
        bne     fail

        li      r13, 31                 ; storing r0 stores zero
        stb     r0, 24(r1)
        sth     r0, 26(r1)
        ldw     r3, 24(r1)
        li      r12, 0x0000ff00
        cmp     r3, r12
        bne     fail

; ---- offsets and bases -----------------------------------------------------
        li      r13, 32                 ; negative offsets
        la      r1, word1 + 8
        ldw     r3, -8(r1)
        li      r12, 0x12345678
        cmp     r3, r12
        bne     fail
        ldbu    r3, -5(r1)
        cmpi    r3, 0x12
        bne     fail

        li      r13, 33                 ; a store at a negative offset
        la      r1, buf + 64
        li      r2, 0x600df00d
        stw     r2, -4(r1)
        la      r4, buf + 60
        ldw     r3, 0(r4)
        cmp     r3, r2
        bne     fail

        li      r13, 34                 ; the largest offset, 32767
        la      r1, signs + 3 - 32767
        ldbu    r3, 32767(r1)
        cmpi    r3, 0x80
        bne     fail

        li      r13, 35                 ; the smallest offset, -32768
        la      r1, word1 + 32768
        ldw     r3, -32768(r1)
        li      r12, 0x12345678
        cmp     r3, r12
        bne     fail

        li      r13, 36                 ; r0 as the base: an absolute address
        ldw     r3, word1(r0)
        li      r12, 0x12345678
        cmp     r3, r12
        bne     fail

        li      r13, 37                 ; absolute store into low memory
        li      r2, 0x13572468
        stw     r2, 0x100(r0)
        ldw     r3, 0x100(r0)
        cmp     r3, r2
        bne     fail
        ldhu    r3, 0x102(r0)
        li      r12, 0x1357
        cmp     r3, r12
        bne     fail

        li      r13, 38                 ; address 0 itself
        li      r2, 0x2468ace0
        stw     r2, 0(r0)
        ldw     r3, 0(r0)
        cmp     r3, r2
        bne     fail

        li      r13, 39                 ; the loaded register is the base
        la      r1, word1
        ldw     r1, 0(r1)
        li      r12, 0x12345678
        cmp     r1, r12
        bne     fail

        li      r13, 40                 ; storing the base register itself
        la      r1, buf
        stw     r1, 32(r1)
        ldw     r3, 32(r1)
        cmp     r3, r1
        bne     fail

        li      r13, 41                 ; base + offset wraps modulo 2^32:
        li      r1, -16                 ; 0xfffffff0 + 0x110 = 0x100
        ldw     r3, 0x110(r1)
        li      r12, 0x13572468         ; stored by check 37
        cmp     r3, r12
        bne     fail

        br      pass

        .align  4
word1:  .word   0x12345678
signs:  .byte   0x01, 0x7f, 0xff, 0x80
        .half   0x7fff, 0x8000, 0xffff, 0
buf:    .space  64
