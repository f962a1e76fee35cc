#include "io/dev.h"

#include <string.h>

unsigned dev_field_width(const struct dev_field *f)
{
	switch (f->type) {
	case DEV_FIELD_U8: return 1;
	case DEV_FIELD_U16: return 2;
	case DEV_FIELD_U32: return 4;
	case DEV_FIELD_U64: return 8;
	}
	return 0;
}

uint32_t dev_field_count(const struct dev_field *f)
{
	return f->count ? f->count : 1;
}

uint64_t dev_field_get_at(const void *dev, const struct dev_field *f,
			  uint32_t i)
{
	const char *p = (const char *)dev + f->offset +
			(size_t)i * dev_field_width(f);
	switch (f->type) {
	case DEV_FIELD_U8: return *(const uint8_t *)p;
	case DEV_FIELD_U16: { uint16_t v; memcpy(&v, p, 2); return v; }
	case DEV_FIELD_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
	case DEV_FIELD_U64: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
	return 0;
}

void dev_field_set_at(void *dev, const struct dev_field *f, uint32_t i,
		      uint64_t v)
{
	char *p = (char *)dev + f->offset + (size_t)i * dev_field_width(f);
	switch (f->type) {
	case DEV_FIELD_U8: *(uint8_t *)p = (uint8_t)v; break;
	case DEV_FIELD_U16: { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); break; }
	case DEV_FIELD_U32: { uint32_t w = (uint32_t)v; memcpy(p, &w, 4); break; }
	case DEV_FIELD_U64: memcpy(p, &v, 8); break;
	}
}

uint64_t dev_field_get(const void *dev, const struct dev_field *f)
{
	return dev_field_get_at(dev, f, 0);
}

const struct dev_field *dev_field_find(const struct dev_ops *ops,
				       const char *name)
{
	for (const struct dev_field *f = ops->fields; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
