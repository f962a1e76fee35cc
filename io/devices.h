/* The devices this machine is built from (cpu/vm.c's table). */
#ifndef AULA_DEVICES_H
#define AULA_DEVICES_H

#include "io/dev.h"

extern const struct dev_ops sysctl_ops;
extern const struct dev_ops uart_ops;
extern const struct dev_ops pic_ops;
extern const struct dev_ops timer_ops;
extern const struct dev_ops disk_ops;	/* one per attached image */
extern const struct dev_ops kbd_ops;
extern const struct dev_ops display_ops;
extern const struct dev_ops nic_ops;
extern const struct dev_ops balloon_ops;	/* vm_config.balloon */

struct vm;
/* The host's side of the balloon (io/balloon.c): ask for pages back, and
 * how many the guest has handed over.  No-ops without a balloon. */
void balloon_set_target(struct vm *vm, uint32_t pages);
uint32_t balloon_size(const struct vm *vm);

#endif
