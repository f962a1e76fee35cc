/*
 * System controller.
 *
 *  port  reg       dir  meaning
 *  0x00  POWEROFF  w    stop the machine; the value is the exit code
 *  0x01  RESET     w    reset CPU and devices (RAM is kept)
 *  0x02  RAMSIZE   r    bytes of RAM
 *  0x03  ID        r    0x41554c41 ("AULA")
 *
 * Reads of write-only registers return 0; writes to read-only ones are
 * ignored.
 */
#include "io/devices.h"

#include "cpu/vm.h"
#include "io/ports.h"

struct sysctl {
	struct vm *vm;
	uint32_t last_code;
	uint32_t resets;
};

static int sysctl_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	((struct sysctl *)dev)->vm = vm;
	return 0;
}

static uint32_t sysctl_read(void *dev, uint16_t reg)
{
	struct sysctl *s = dev;
	switch (reg) {
	case SYSCTL_RAMSIZE: return s->vm->mem.size;
	case SYSCTL_ID: return SYSCTL_ID_VALUE;
	default: return 0;
	}
}

static void sysctl_write(void *dev, uint16_t reg, uint32_t v)
{
	struct sysctl *s = dev;
	switch (reg) {
	case SYSCTL_POWEROFF:
		s->last_code = v;
		vm_stop(s->vm, VM_STOP_POWEROFF, v);
		break;
	case SYSCTL_RESET:
		s->resets++;
		vm_request_reset(s->vm);
		break;
	}
}

static const struct dev_field sysctl_fields[] = {
	DEV_FIELD(struct sysctl, last_code, DEV_FIELD_U32,
		  "last power-off code"),
	DEV_FIELD(struct sysctl, resets, DEV_FIELD_U32,
		  "resets requested by the guest"),
	{ 0 }
};

static const struct dev_derived sysctl_derived[] = {
	DEV_DERIVED(struct sysctl, vm, "the machine, set by init"),
	{ 0 }
};

const struct dev_ops sysctl_ops = {
	.name = "sysctl",
	.size = sizeof(struct sysctl),
	.nports = SYSCTL_NREGS,
	.fields = sysctl_fields,
	.derived = sysctl_derived,
	.init = sysctl_init,
	.read = sysctl_read,
	.write = sysctl_write,
};
