/*
 * The device model.  A device is a const ops descriptor (this file) plus an
 * instance the machine allocates.  Its state is declared once, in a field
 * table, which the monitor, the dumps and the snapshots walk: a new device
 * appears there without code of their own.
 */
#ifndef AULA_DEV_H
#define AULA_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

enum dev_field_type {
	DEV_FIELD_U8, DEV_FIELD_U16, DEV_FIELD_U32, DEV_FIELD_U64
};

/*
 * A field is a member of the instance that is saved in a checkpoint
 * (docs/checkpoint-format.md) and shown by the monitor's `info`: a scalar,
 * or an array of count elements of its type.  Every other member is listed
 * in the device's derived table, with the reason it is not saved; the unit
 * test test_ckpt fails when a member is in neither.
 */
struct dev_field {
	const char *name;
	enum dev_field_type type;
	size_t offset;		/* in the instance */
	const char *doc;
	uint32_t count;		/* elements of an array; 0: a scalar */
};

#define DEV_FIELD(st, member, type, doc) \
	{ #member, type, offsetof(st, member), doc, 0 }
#define DEV_FIELD_TYPE_WIDTH(type)					\
	((type) == DEV_FIELD_U8 ? 1 : (type) == DEV_FIELD_U16 ? 2 :	\
	 (type) == DEV_FIELD_U32 ? 4 : 8)
/* An array of any shape, as elements of type. */
#define DEV_FIELD_ARRAY(st, member, type, doc)				\
	{ #member, type, offsetof(st, member), doc,			\
	  (uint32_t)(sizeof ((st *)0)->member / DEV_FIELD_TYPE_WIDTH(type)) }

/* A member that a checkpoint does not save: rebuilt by init, or empty
 * between instructions. */
struct dev_derived {
	const char *name;
	size_t offset, size;
	const char *why;
};

#define DEV_DERIVED(st, member, why) \
	{ #member, offsetof(st, member), sizeof ((st *)0)->member, why }

/* A kind of event the device schedules, always with its instance as the
 * argument: a checkpoint saves pending events by device and kind. */
struct dev_event {
	const char *name;
	void (*fn)(void *arg, uint64_t now);
};

struct dev_ops {
	const char *name;
	size_t size;			/* bytes of the instance */
	uint16_t nports;		/* consecutive ports from the base */
	const struct dev_field *fields;	/* ends with a NULL name */
	const struct dev_derived *derived;	/* ends with a NULL name */
	const struct dev_event *events;	/* ends with a NULL name */
	/* Called once; the instance is zeroed.  0, or -1 with a message in
	 * err.  The device keeps vm for interrupts, events and stops. */
	int (*init)(void *dev, struct vm *vm, char *err, size_t errlen);
	void (*reset)(void *dev);	/* machine reset; may be NULL */
	uint32_t (*read)(void *dev, uint16_t reg);
	/* Would reading reg now change nothing, and give the same value
	 * until the device's next event or a write to it (a poll's status
	 * register)?  NULL: never said, so never skipped (cpu/poll.h). */
	bool (*pure_read)(const void *dev, uint16_t reg);
	void (*write)(void *dev, uint16_t reg, uint32_t value);
	void (*cleanup)(void *dev);	/* may be NULL */
	/* After a restore wrote the fields: recompute what the device
	 * derives from them (an interrupt line's level).  May be NULL. */
	void (*restored)(void *dev);
	/* Are these field values a state the device can be in?  A restore
	 * asks before it writes them (a checkpoint file may be forged):
	 * NULL when any values are.  NULL, or what is wrong. */
	const char *(*check)(const void *dev);
	/* State whose size the machine decides, saved after the fields
	 * (the balloon's bitmap, a bit per page of RAM), named extra_name
	 * in the layout: its length in bytes, a copy out and a copy in.
	 * extra_check judges the bytes in for the instance dev, whose
	 * fields are already the checkpoint's, before anything is applied:
	 * NULL, or what is wrong.  All NULL for a device without such. */
	const char *extra_name;
	/* After a restore wrote RAM too (not one whose caller keeps RAM):
	 * hand the host what the device holds -- the balloon's pages that
	 * read as zero go back to the memory manager.  May be NULL. */
	void (*ram_restored)(void *dev);
	uint32_t (*extra_len)(const void *dev);
	void (*extra_get)(const void *dev, uint8_t *out);
	void (*extra_set)(void *dev, const uint8_t *in);
	const char *(*extra_check)(const void *dev, const uint8_t *in);
};

/* Read a field's value (element 0 of an array), widened. */
uint64_t dev_field_get(const void *dev, const struct dev_field *f);
/* Element i of a field, widened; and written, narrowed to its type. */
uint64_t dev_field_get_at(const void *dev, const struct dev_field *f,
			  uint32_t i);
void dev_field_set_at(void *dev, const struct dev_field *f, uint32_t i,
		      uint64_t v);
/* Bytes of one element; elements in the field (1 for a scalar). */
unsigned dev_field_width(const struct dev_field *f);
uint32_t dev_field_count(const struct dev_field *f);
/* The field called name, or NULL. */
const struct dev_field *dev_field_find(const struct dev_ops *ops,
				       const char *name);

#endif
