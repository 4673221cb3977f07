// SPDX-License-Identifier: MIT
/*
 * SGXS streams (spec section 3.6): 64-byte ECREATE and EADD records,
 * 64 + 256-byte EEXTEND records and, from the enhanced format, UNMEASRD
 * records (EEXTEND layout, loaded but not measured).
 *
 * A loader adds pages through SGX_IOC_ENCLAVE_ADD_PAGES, which measures a
 * page either not at all or as 16 EEXTENDs in ascending order right after
 * its EADD. Streams measured any other way (some chunks only, out of order,
 * after a later EADD) have an MRENCLAVE no such loader can reproduce, so
 * they are rejected with a message rather than loaded wrongly.
 */
#include <string.h>

#include "image_priv.h"

#define SGXS_RECORD 64
#define SGXS_CHUNKS (SGX_PAGE_SIZE / SGX_EEXTEND_CHUNK)
#define SGXS_ALL_CHUNKS ((1U << SGXS_CHUNKS) - 1)

enum sgxs_tag {
	SGXS_ECREATE,
	SGXS_EADD,
	SGXS_EEXTEND,
	SGXS_UNMEASRD,
	SGXS_UNKNOWN,
};

/* Walk state: the page being described and what its chunks were. */
struct sgxs_walk {
	struct softsgx_image_builder *b;
	bool fill; /* second pass: build pages (first pass only counts) */
	size_t nr_eadd;
	bool have_page;
	uint64_t page_offset;
	uint64_t page_flags;
	uint8_t *page_data; /* fill pass only */
	unsigned int measured; /* chunk bitmap */
	unsigned int unmeasured; /* chunk bitmap */
};

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static enum sgxs_tag sgxs_tag(const uint8_t *rec)
{
	static const char *const tags[] = {
		[SGXS_ECREATE] = "ECREATE\0",
		[SGXS_EADD] = "EADD\0\0\0\0",
		[SGXS_EEXTEND] = "EEXTEND\0",
		[SGXS_UNMEASRD] = "UNMEASRD",
	};

	for (int t = 0; t < SGXS_UNKNOWN; t++)
		if (!memcmp(rec, tags[t], 8))
			return t;
	return SGXS_UNKNOWN;
}

static int sgxs_ecreate(struct sgxs_walk *w, const uint8_t *rec, size_t pos)
{
	struct softsgx_image *img = w->b->img;
	uint64_t size = get_le64(rec + 12);

	if (pos != 0)
		return softsgx_image_fail(
			w->b, "SGXS: second ECREATE record at byte %zu", pos);
	/* Bytes 20..63: CET_LEG_BITMAP_OFFSET and zeros; softsgx has no CET. */
	if (!all_zero(rec + 20, SGXS_RECORD - 20))
		return softsgx_image_fail(
			w->b,
			"SGXS: ECREATE record has non-zero reserved bytes");
	img->ssa_frame_size = get_le32(rec + 8);
	img->size = size;
	if (!img->ssa_frame_size)
		return softsgx_image_fail(w->b, "SGXS: SSA frame size is 0");
	if (size < 2 * SGX_PAGE_SIZE || (size & (size - 1)))
		return softsgx_image_fail(
			w->b,
			"SGXS: enclave size 0x%llx is not a power of two >= 0x2000",
			(unsigned long long)size);
	return 0;
}

/* What EADD accepts and what a loader can reproduce (spec 2.7, 3.2, 5.2). */
static int sgxs_check_secinfo(struct sgxs_walk *w, uint64_t flags)
{
	uint64_t type = (flags & SGX_SECINFO_PAGE_TYPE_MASK) >>
			SGX_SECINFO_PAGE_TYPE_SHIFT;
	uint64_t known =
		SGX_SECINFO_PERMISSION_MASK | SGX_SECINFO_PAGE_TYPE_MASK;

	if (flags & ~known)
		return softsgx_image_fail(
			w->b,
			"SGXS: EADD at 0x%llx: reserved SECINFO bits set (flags 0x%llx)",
			(unsigned long long)w->page_offset,
			(unsigned long long)flags);
	if (type == SGX_PAGE_TYPE_TCS && (flags & SGX_SECINFO_PERMISSION_MASK))
		return softsgx_image_fail(
			w->b,
			"SGXS: EADD at 0x%llx: TCS with R/W/X permissions (EADD measures a TCS as 0x100)",
			(unsigned long long)w->page_offset);
	if (type == SGX_PAGE_TYPE_REG && (flags & SGX_SECINFO_W) &&
	    !(flags & SGX_SECINFO_R))
		return softsgx_image_fail(
			w->b,
			"SGXS: EADD at 0x%llx: writable page without read permission",
			(unsigned long long)w->page_offset);
	if (type != SGX_PAGE_TYPE_REG && type != SGX_PAGE_TYPE_TCS)
		return softsgx_image_fail(
			w->b,
			"SGXS: EADD at 0x%llx: page type %llu cannot be added",
			(unsigned long long)w->page_offset,
			(unsigned long long)type);
	return 0;
}

/* The page described so far is complete: check and record it. */
static int sgxs_finish_page(struct sgxs_walk *w)
{
	bool measured = w->measured == SGXS_ALL_CHUNKS;

	if (!w->have_page)
		return 0;
	w->have_page = false;
	if (w->measured && !measured)
		return softsgx_image_fail(
			w->b,
			"SGXS: page 0x%llx is only partly measured (chunk mask 0x%04x); softsgx loads whole pages",
			(unsigned long long)w->page_offset, w->measured);
	if (!w->fill)
		return 0;
	w->b->img->pages[w->b->img->nr_pages - 1].measured = measured;
	return 0;
}

static int sgxs_eadd(struct sgxs_walk *w, const uint8_t *rec)
{
	uint64_t offset = get_le64(rec + 8);
	uint64_t flags = get_le64(rec + 16);
	bool first = !w->nr_eadd;

	if (sgxs_finish_page(w))
		return -1;
	if (offset & (SGX_PAGE_SIZE - 1) || offset >= w->b->img->size)
		return softsgx_image_fail(
			w->b,
			"SGXS: EADD offset 0x%llx is not a page inside the enclave (size 0x%llx)",
			(unsigned long long)offset,
			(unsigned long long)w->b->img->size);
	if (!first && offset <= w->page_offset)
		return softsgx_image_fail(
			w->b,
			"SGXS: EADD at 0x%llx after 0x%llx: pages must be in ascending order",
			(unsigned long long)offset,
			(unsigned long long)w->page_offset);
	w->page_offset = offset;
	if (!all_zero(rec + 24, SGXS_RECORD - 24))
		return softsgx_image_fail(
			w->b,
			"SGXS: EADD at 0x%llx: non-zero SECINFO reserved bytes",
			(unsigned long long)offset);
	if (sgxs_check_secinfo(w, flags))
		return -1;
	w->have_page = true;
	w->page_flags = flags;
	w->measured = 0;
	w->unmeasured = 0;
	w->nr_eadd++;
	if (!w->fill)
		return 0;
	w->page_data = softsgx_image_add(w->b, offset, flags, false,
					 SOFTSGX_PAGE_SEGMENT, 0);
	return w->page_data ? 0 : -1;
}

/* EEXTEND (measured) or UNMEASRD chunk of the current page. */
static int sgxs_chunk(struct sgxs_walk *w, const uint8_t *rec, bool measured)
{
	const char *what = measured ? "EEXTEND" : "UNMEASRD";
	uint64_t offset = get_le64(rec + 8);
	unsigned int chunk, bit;

	if (!w->have_page ||
	    (offset & ~(uint64_t)(SGX_PAGE_SIZE - 1)) != w->page_offset)
		return softsgx_image_fail(
			w->b,
			"SGXS: %s at 0x%llx does not follow the EADD of its page",
			what, (unsigned long long)offset);
	if (offset & (SGX_EEXTEND_CHUNK - 1))
		return softsgx_image_fail(
			w->b, "SGXS: %s offset 0x%llx is not 256-byte aligned",
			what, (unsigned long long)offset);
	if (!all_zero(rec + 16, SGXS_RECORD - 16))
		return softsgx_image_fail(
			w->b, "SGXS: %s at 0x%llx has non-zero reserved bytes",
			what, (unsigned long long)offset);
	chunk = (offset & (SGX_PAGE_SIZE - 1)) / SGX_EEXTEND_CHUNK;
	bit = 1U << chunk;
	if ((w->measured | w->unmeasured) & bit)
		return softsgx_image_fail(w->b,
					  "SGXS: chunk 0x%llx given twice",
					  (unsigned long long)offset);
	if (measured && (w->unmeasured || w->measured != bit - 1))
		return softsgx_image_fail(
			w->b,
			"SGXS: EEXTEND at 0x%llx out of order; softsgx measures whole pages in ascending order",
			(unsigned long long)offset);
	if (!measured && w->measured)
		return softsgx_image_fail(
			w->b,
			"SGXS: page 0x%llx mixes measured and unmeasured chunks",
			(unsigned long long)w->page_offset);
	if (measured)
		w->measured |= bit;
	else
		w->unmeasured |= bit;
	if (w->fill)
		memcpy(w->page_data + chunk * SGX_EEXTEND_CHUNK,
		       rec + SGXS_RECORD, SGX_EEXTEND_CHUNK);
	return 0;
}

static int sgxs_record(struct sgxs_walk *w, const uint8_t *buf, size_t len,
		       size_t *pos)
{
	const uint8_t *rec = buf + *pos;
	enum sgxs_tag tag = sgxs_tag(rec);
	size_t need = SGXS_RECORD;

	if (tag == SGXS_EEXTEND || tag == SGXS_UNMEASRD)
		need += SGX_EEXTEND_CHUNK;
	if (len - *pos < need)
		return softsgx_image_fail(
			w->b,
			"SGXS: truncated record at byte %zu (%zu of %zu bytes)",
			*pos, len - *pos, need);
	switch (tag) {
	case SGXS_ECREATE:
		if (sgxs_ecreate(w, rec, *pos))
			return -1;
		break;
	case SGXS_EADD:
		if (sgxs_eadd(w, rec))
			return -1;
		break;
	case SGXS_EEXTEND:
	case SGXS_UNMEASRD:
		if (sgxs_chunk(w, rec, tag == SGXS_EEXTEND))
			return -1;
		break;
	default:
		return softsgx_image_fail(
			w->b, "SGXS: unknown record tag 0x%016llx at byte %zu",
			(unsigned long long)get_le64(rec), *pos);
	}
	*pos += need;
	return 0;
}

static int sgxs_walk(struct sgxs_walk *w, const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len)
		if (sgxs_record(w, buf, len, &pos))
			return -1;
	return sgxs_finish_page(w);
}

int softsgx_image_parse_sgxs(struct softsgx_image_builder *b,
			     const uint8_t *buf, size_t len)
{
	struct sgxs_walk w = { .b = b };

	b->img->format = SOFTSGX_IMAGE_SGXS;
	/* First pass validates and counts, the second builds the pages. */
	if (sgxs_walk(&w, buf, len))
		return -1;
	if (softsgx_image_alloc(b, w.nr_eadd))
		return -1;
	w = (struct sgxs_walk){ .b = b, .fill = true };
	return sgxs_walk(&w, buf, len);
}
