/*
 * The device model.  A device is a const ops descriptor (this file) plus an
 * instance the machine allocates.  Its state is declared once, in a field
 * table, which the monitor, the dumps and the snapshots walk: a new device
 * appears there without code of their own.
 */
#ifndef AULA_DEV_H
#define AULA_DEV_H

#include <stddef.h>
#include <stdint.h>

struct vm;

enum dev_field_type { DEV_FIELD_U8, DEV_FIELD_U32, DEV_FIELD_U64 };

struct dev_field {
	const char *name;
	enum dev_field_type type;
	size_t offset;		/* in the instance */
	const char *doc;
};

#define DEV_FIELD(st, member, type, doc) \
	{ #member, type, offsetof(st, member), doc }

struct dev_ops {
	const char *name;
	size_t size;			/* bytes of the instance */
	uint16_t nports;		/* consecutive ports from the base */
	const struct dev_field *fields;	/* ends with a NULL name */
	/* Called once; the instance is zeroed.  0, or -1 with a message in
	 * err.  The device keeps vm for interrupts, events and stops. */
	int (*init)(void *dev, struct vm *vm, char *err, size_t errlen);
	void (*reset)(void *dev);	/* machine reset; may be NULL */
	uint32_t (*read)(void *dev, uint16_t reg);
	void (*write)(void *dev, uint16_t reg, uint32_t value);
	void (*cleanup)(void *dev);	/* may be NULL */
};

/* Read a field's value, widened. */
uint64_t dev_field_get(const void *dev, const struct dev_field *f);
/* The field called name, or NULL. */
const struct dev_field *dev_field_find(const struct dev_ops *ops,
				       const char *name);

#endif
