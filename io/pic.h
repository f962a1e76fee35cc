/*
 * The programmable interrupt controller (docs/devices.md, section 5): what
 * devices and the CPU need of it.  Devices use vm_irq_set / vm_irq_pulse
 * (cpu/vm.h), which land here.
 */
#ifndef AULA_PIC_H
#define AULA_PIC_H

#include <stdint.h>

struct pic;

/* A level-triggered line follows the device. */
void pic_set_line(struct pic *p, unsigned line, int level);
/* An edge-triggered line latches a request. */
void pic_pulse(struct pic *p, unsigned line);
/* The CPU takes the deliverable interrupt: returns its line. */
unsigned pic_acknowledge(struct pic *p);

#endif
