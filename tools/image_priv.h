/* SPDX-License-Identifier: MIT */
/* Shared by the image parsers (image.c, image_elf.c, image_sgxs.c). */
#ifndef SOFTSGX_TOOLS_IMAGE_PRIV_H
#define SOFTSGX_TOOLS_IMAGE_PRIV_H

#include "image.h"

struct softsgx_image_builder {
	struct softsgx_image *img;
	size_t cap; /* pages allocated by softsgx_image_alloc() */
	char *err;
	size_t errlen;
};

/* Formats the error message; returns -1. */
int softsgx_image_fail(struct softsgx_image_builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int softsgx_image_alloc(struct softsgx_image_builder *b, size_t nr);
/* Appends a page; returns its (zeroed) content, or NULL past the count. */
uint8_t *softsgx_image_add(struct softsgx_image_builder *b, uint64_t offset,
			   uint64_t flags, bool measured, uint8_t role,
			   uint16_t thread);

int softsgx_image_parse_elf(struct softsgx_image_builder *b, const uint8_t *buf,
			    size_t len);
int softsgx_image_parse_sgxs(struct softsgx_image_builder *b,
			     const uint8_t *buf, size_t len);

#endif /* SOFTSGX_TOOLS_IMAGE_PRIV_H */
