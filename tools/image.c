// SPDX-License-Identifier: MIT
/*
 * Enclave images: the page list a loader adds, from an ELF file following
 * docs/enclave-image.md or from an SGXS stream. Every length and offset
 * read from the input is checked before use: the input may be anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/measure.h"
#include "image.h"
#include "image_priv.h"

int softsgx_image_fail(struct softsgx_image_builder *b, const char *fmt, ...)
{
	va_list ap;

	if (b->errlen) {
		va_start(ap, fmt);
		vsnprintf(b->err, b->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Room for nr pages; their contents start zeroed. */
int softsgx_image_alloc(struct softsgx_image_builder *b, size_t nr)
{
	struct softsgx_image *img = b->img;

	if (nr > SOFTSGX_IMAGE_MAX_PAGES)
		return softsgx_image_fail(b,
					  "too many pages (%zu, at most %lu)",
					  nr, SOFTSGX_IMAGE_MAX_PAGES);
	b->cap = nr;
	if (!nr)
		return 0;
	img->pages = calloc(nr, sizeof(*img->pages));
	img->tcs = calloc(nr, sizeof(*img->tcs));
	/* Anonymous memory: pages that stay zero (heap, stack) cost nothing. */
	img->mem_size = nr * SGX_PAGE_SIZE;
	img->mem = mmap(NULL, img->mem_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (img->mem == MAP_FAILED) {
		img->mem = NULL;
		img->mem_size = 0;
	}
	if (!img->pages || !img->tcs || !img->mem)
		return softsgx_image_fail(b, "out of memory for %zu pages", nr);
	return 0;
}

uint8_t *softsgx_image_add(struct softsgx_image_builder *b, uint64_t offset,
			   uint64_t flags, bool measured, uint8_t role,
			   uint16_t thread)
{
	struct softsgx_image *img = b->img;
	struct softsgx_image_page *page;
	uint8_t *data;

	if (img->nr_pages >= b->cap) {
		/* The count pass and the fill pass disagree: a bug here. */
		softsgx_image_fail(b,
				   "internal error: more pages than counted");
		return NULL;
	}
	data = (uint8_t *)img->mem + img->nr_pages * SGX_PAGE_SIZE;
	page = &img->pages[img->nr_pages++];
	page->offset = offset;
	page->secinfo_flags = flags;
	page->data = data;
	page->measured = measured;
	page->role = role;
	page->thread = thread;
	if ((flags & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
		img->tcs[img->nr_tcs++] = offset;
	return data;
}

int softsgx_image_parse(struct softsgx_image *img, const void *buf, size_t len,
			char *err, size_t errlen)
{
	struct softsgx_image_builder b = {
		.img = img,
		.err = err,
		.errlen = errlen,
	};
	int ret;

	memset(img, 0, sizeof(*img));
	if (errlen)
		err[0] = '\0';
	if (len >= 8 && !memcmp(buf, "ECREATE\0", 8))
		ret = softsgx_image_parse_sgxs(&b, buf, len);
	else if (len >= 8 && !memcmp(buf, "UNSIZED\0", 8))
		ret = softsgx_image_fail(
			&b,
			"SGXS: unsized stream (UNSIZED record): finalize its size first");
	else if (len >= 4 && !memcmp(buf, "\177ELF", 4))
		ret = softsgx_image_parse_elf(&b, buf, len);
	else
		ret = softsgx_image_fail(
			&b, "not an ELF enclave image or an SGXS stream");
	if (ret) {
		softsgx_image_free(img);
		return -1;
	}
	return 0;
}

void *softsgx_read_file(const char *path, size_t max, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = NULL, *tmp;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (n == cap || !buf) {
			if (buf)
				cap *= 2;
			tmp = realloc(buf, cap);
			if (!tmp)
				goto fail_errno;
			buf = tmp;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail_errno;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			errno = EFBIG;
			goto fail_errno;
		}
	}
	close(fd);
	*len = n;
	return buf;
fail_errno:
	r = errno;
	free(buf);
	close(fd);
	errno = (int)r;
	return NULL;
}

int softsgx_image_load(struct softsgx_image *img, const char *path, char *err,
		       size_t errlen)
{
	size_t len = 0;
	void *buf;
	int ret;

	memset(img, 0, sizeof(*img));
	buf = softsgx_read_file(path, SOFTSGX_IMAGE_MAX_FILE, &len);
	if (!buf) {
		if (errlen)
			snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	/* Every page's data is copied: the file buffer can go. */
	ret = softsgx_image_parse(img, buf, len, err, errlen);
	free(buf);
	return ret;
}

void softsgx_image_free(struct softsgx_image *img)
{
	if (img->mem)
		munmap(img->mem, img->mem_size);
	free(img->pages);
	free(img->tcs);
	memset(img, 0, sizeof(*img));
}

int softsgx_image_mrenclave(const struct softsgx_image *img,
			    uint8_t out[SGX_HASH_SIZE])
{
	struct sgx_mrenclave m;

	if (sgx_mrenclave_init(&m, img->ssa_frame_size, img->size))
		return -1;
	for (size_t i = 0; i < img->nr_pages; i++) {
		const struct softsgx_image_page *p = &img->pages[i];

		if (sgx_mrenclave_add_page(&m, p->offset, p->secinfo_flags,
					   p->measured ? p->data : NULL))
			return -1;
	}
	return sgx_mrenclave_final(&m, out);
}

size_t softsgx_image_run(const struct softsgx_image *img, size_t first)
{
	size_t n = 1;

	if (first >= img->nr_pages)
		return 0;
	while (first + n < img->nr_pages) {
		const struct softsgx_image_page *prev =
			&img->pages[first + n - 1];
		const struct softsgx_image_page *p = &img->pages[first + n];

		if (p->offset != prev->offset + SGX_PAGE_SIZE ||
		    p->secinfo_flags != prev->secinfo_flags ||
		    p->measured != prev->measured)
			break;
		n++;
	}
	return n;
}
