/* SPDX-License-Identifier: MIT */
/*
 * An enclave image as a loader needs it: SECS size and SSA frame size for
 * ECREATE, then the pages to EADD (and EEXTEND) in order. Built from an ELF
 * file following the softsgx enclave image convention
 * (docs/enclave-image.md) or from an SGXS stream (a file starting with the
 * "ECREATE\0" tag).
 */
#ifndef SOFTSGX_TOOLS_IMAGE_H
#define SOFTSGX_TOOLS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <softsgx/enclave_layout.h>

#include "arch/sgx_arch.h"

/* Bound on the pages of one image (4 GiB of enclave memory). */
#define SOFTSGX_IMAGE_MAX_PAGES (1UL << 20)
/* Bound on the size of an image file read into memory. */
#define SOFTSGX_IMAGE_MAX_FILE (1UL << 30)

enum softsgx_image_format {
	SOFTSGX_IMAGE_ELF,
	SOFTSGX_IMAGE_SGXS,
};

/* What a page is for, so tools can describe it (ELF images only). */
enum softsgx_page_role {
	SOFTSGX_PAGE_SEGMENT, /* from a PT_LOAD segment (or any SGXS page) */
	SOFTSGX_PAGE_HEAP,
	SOFTSGX_PAGE_STACK,
	SOFTSGX_PAGE_TCS,
	SOFTSGX_PAGE_SSA,
	SOFTSGX_PAGE_THREAD_DATA,
};

struct softsgx_image_page {
	uint64_t offset; /* from the enclave base, page aligned */
	uint64_t secinfo_flags; /* SECINFO.FLAGS for EADD: page type | RWX */
	const void *data; /* SGX_PAGE_SIZE bytes of content, owned by image */
	bool measured; /* EEXTEND all 16 chunks, in order, after EADD */
	uint8_t role; /* enum softsgx_page_role */
	uint16_t thread; /* thread index for stack/TCS/SSA/thread data */
};

struct softsgx_image {
	enum softsgx_image_format format;
	uint64_t size; /* SECS.SIZE: a power of two >= 8192 */
	uint32_t ssa_frame_size; /* SECS.SSAFRAMESIZE, in pages */
	/*
	 * Pages in the order they must be added (ascending offsets for ELF;
	 * stream order for SGXS). data of consecutive entries is contiguous,
	 * so a run found by softsgx_image_run() can be passed to one
	 * SGX_IOC_ENCLAVE_ADD_PAGES.
	 */
	struct softsgx_image_page *pages;
	size_t nr_pages;
	uint64_t *tcs; /* offsets of the TCS pages, in page order */
	size_t nr_tcs;
	/* ELF only (zero for SGXS). */
	uint64_t entry; /* e_entry = TCS.OENTRY */
	uint64_t image_end; /* end of the PT_LOAD pages */
	uint64_t heap; /* heap offset */
	struct softsgx_layout_note layout;
	/* Private: the page contents. */
	void *mem;
	size_t mem_size;
};

/*
 * Parse an image in memory / read one from a file. On failure return -1,
 * leave *img empty (safe to free) and describe the problem in err.
 */
int softsgx_image_parse(struct softsgx_image *img, const void *buf, size_t len,
			char *err, size_t errlen);
int softsgx_image_load(struct softsgx_image *img, const char *path, char *err,
		       size_t errlen);
void softsgx_image_free(struct softsgx_image *img);

/* MRENCLAVE of the image as a loader adding pages[] in order produces it. */
int softsgx_image_mrenclave(const struct softsgx_image *img,
			    uint8_t out[SGX_HASH_SIZE]);

/*
 * Number of pages from pages[first] on that can be added together: the
 * same SECINFO flags and measurement, consecutive offsets.
 */
size_t softsgx_image_run(const struct softsgx_image *img, size_t first);

/* Read a whole file (at most max bytes); NULL with errno set on failure. */
void *softsgx_read_file(const char *path, size_t max, size_t *len);

#endif /* SOFTSGX_TOOLS_IMAGE_H */
