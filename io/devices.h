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

#endif
