#include "io/dev.h"

#include <string.h>

uint64_t dev_field_get(const void *dev, const struct dev_field *f)
{
	const char *p = (const char *)dev + f->offset;
	switch (f->type) {
	case DEV_FIELD_U8: return *(const uint8_t *)p;
	case DEV_FIELD_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
	case DEV_FIELD_U64: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
	return 0;
}

const struct dev_field *dev_field_find(const struct dev_ops *ops,
				       const char *name)
{
	for (const struct dev_field *f = ops->fields; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
