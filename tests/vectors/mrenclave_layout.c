// SPDX-License-Identifier: MIT
/*
 * mrenclave_layout LAYOUT-FILE
 *
 * Builds the enclave that a layout file describes through the software CPU's
 * own ECREATE, EADD and EEXTEND leaves and prints, as 64 lowercase hex digits,
 * the MRENCLAVE that EINIT would compute. The layout format and its page
 * content generators are specified at the top of mrenclave_ref.py, the
 * independent Python implementation this program is compared with.
 *
 * Exit status: 0 success, 2 malformed layout or unreadable file, 3 a leaf
 * refused the enclave, 4 out of memory or internal error.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/cpu.h"
#include "arch/encls.h"
#include "arch/epc.h"
#include "arch/secs.h"
#include "arch/sgx_arch.h"

#define EXIT_MALFORMED 2
#define EXIT_LEAF_FAILED 3
#define EXIT_INTERNAL 4

#define MAX_LINE 4096
#define MAX_TOKENS 24
#define MAX_PAGES 16384 /* 64 MiB of EPC */
#define CHUNKS_PER_PAGE (SGX_PAGE_SIZE / SGX_EEXTEND_CHUNK)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum content_kind {
	CONTENT_ZERO,
	CONTENT_FILL,
	CONTENT_RAMP,
	CONTENT_PATTERN,
	CONTENT_LCG,
	CONTENT_TCS
};

/* The tcs generator's keys and where they live in the TCS (spec 2.4). */
struct tcs_key {
	const char *name;
	size_t offset;
	size_t size;
};

#define TCS_KEY(name, field)                                 \
	{                                                    \
		name, offsetof(struct sgx_tcs, field),       \
			sizeof(((struct sgx_tcs *)0)->field) \
	}

static const struct tcs_key tcs_keys[] = {
	TCS_KEY("state", state),	TCS_KEY("flags", flags),
	TCS_KEY("ossa", ssa_offset),	TCS_KEY("cssa", ssa_index),
	TCS_KEY("nssa", nr_ssa_frames), TCS_KEY("oentry", entry_offset),
	TCS_KEY("aep", exit_addr),	TCS_KEY("ofsbase", fs_offset),
	TCS_KEY("ogsbase", gs_offset),	TCS_KEY("fslimit", fs_limit),
	TCS_KEY("gslimit", gs_limit),
};

struct page_desc {
	unsigned long lineno;
	uint64_t offset;
	uint64_t flags;
	uint16_t chunk_mask;
	enum content_kind kind;
	uint32_t arg; /* fill byte or seed */
	uint64_t tcs[ARRAY_SIZE(tcs_keys)];
};

struct layout {
	bool have_ecreate;
	unsigned long ecreate_lineno;
	uint32_t ssa_frame_size;
	uint64_t size;
	uint64_t base;
	uint64_t attr_flags;
	uint64_t xfrm;
	uint32_t miscselect;
	struct page_desc *pages;
	size_t nr_pages;
	size_t cap_pages;
};

struct parser {
	const char *path;
	unsigned long lineno;
};

static int syntax_error(const struct parser *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mrenclave_layout: %s:%lu: ", p->path, p->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* "0x" + hex digits, or decimal without a leading zero; no sign. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] != '\0') {
		return false;
	}
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static int parse_num(const struct parser *p, const char *tok, uint64_t max,
		     uint64_t *out)
{
	if (!parse_u64(tok, max, out))
		return syntax_error(p, "bad or out-of-range number '%s'", tok);
	return 0;
}

static int parse_u32(const struct parser *p, const char *tok, uint32_t *out)
{
	uint64_t v;

	if (parse_num(p, tok, UINT32_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Splits "key=value"; returns the value or NULL without '='. */
static const char *split_key(char *tok)
{
	char *eq = strchr(tok, '=');

	if (!eq)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

static int parse_tcs_key(const struct parser *p, struct page_desc *pg,
			 char *tok, uint32_t *seen)
{
	const char *val = split_key(tok);

	for (size_t i = 0; val && i < ARRAY_SIZE(tcs_keys); i++) {
		uint64_t max = tcs_keys[i].size == 4 ? UINT32_MAX : UINT64_MAX;

		if (strcmp(tok, tcs_keys[i].name))
			continue;
		if (*seen & (1U << i))
			return syntax_error(p, "duplicate tcs key '%s'", tok);
		*seen |= 1U << i;
		return parse_num(p, val, max, &pg->tcs[i]);
	}
	return syntax_error(p, "unknown tcs key '%s'", tok);
}

static int parse_content(const struct parser *p, struct page_desc *pg,
			 char **tok, int n)
{
	static const char *const names[] = { "zero",	"fill", "ramp",
					     "pattern", "lcg",	"tcs" };
	static const int nargs[] = { 0, 1, 0, 1, 1, -1 };
	uint32_t seen = 0;
	uint64_t v;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(names) && strcmp(tok[0], names[k]); k++)
		;
	if (k == ARRAY_SIZE(names))
		return syntax_error(p, "unknown content '%s'", tok[0]);
	pg->kind = (enum content_kind)k;
	if (nargs[k] >= 0 && n - 1 != nargs[k])
		return syntax_error(p, "'%s' takes %d argument(s)", tok[0],
				    nargs[k]);
	if (pg->kind == CONTENT_TCS) {
		for (int i = 1; i < n; i++)
			if (parse_tcs_key(p, pg, tok[i], &seen))
				return -1;
		return 0;
	}
	if (nargs[k] == 0)
		return 0;
	if (parse_num(p, tok[1], pg->kind == CONTENT_FILL ? 0xff : UINT32_MAX,
		      &v))
		return -1;
	pg->arg = (uint32_t)v;
	return 0;
}

static int parse_measure(const struct parser *p, const char *tok,
			 uint16_t *mask)
{
	uint64_t v;

	if (!strcmp(tok, "0") || !strcmp(tok, "1")) {
		*mask = tok[0] == '1' ? 0xffff : 0;
		return 0;
	}
	if (strncmp(tok, "chunks=", 7))
		return syntax_error(p, "bad measure field '%s'", tok);
	if (parse_num(p, tok + 7, 0xffff, &v))
		return -1;
	*mask = (uint16_t)v;
	return 0;
}

static struct page_desc *new_page(const struct parser *p, struct layout *l)
{
	struct page_desc *pages;

	if (l->nr_pages == MAX_PAGES) {
		syntax_error(p, "more than %d pages", MAX_PAGES);
		return NULL;
	}
	if (l->nr_pages == l->cap_pages) {
		l->cap_pages = l->cap_pages ? 2 * l->cap_pages : 64;
		pages = realloc(l->pages, l->cap_pages * sizeof(*pages));
		if (!pages) {
			syntax_error(p, "out of memory");
			return NULL;
		}
		l->pages = pages;
	}
	pages = &l->pages[l->nr_pages++];
	memset(pages, 0, sizeof(*pages));
	pages->lineno = p->lineno;
	return pages;
}

static int parse_page(const struct parser *p, struct layout *l, char **tok,
		      int n)
{
	struct page_desc *pg;

	if (!l->have_ecreate)
		return syntax_error(p, "page before ecreate");
	if (n < 5)
		return syntax_error(p,
				    "page needs offset flags measure content");
	pg = new_page(p, l);
	if (!pg)
		return -1;
	if (parse_num(p, tok[1], UINT64_MAX, &pg->offset) ||
	    parse_num(p, tok[2], UINT64_MAX, &pg->flags) ||
	    parse_measure(p, tok[3], &pg->chunk_mask))
		return -1;
	return parse_content(p, pg, tok + 4, n - 4);
}

static int parse_ecreate_key(const struct parser *p, struct layout *l,
			     char *tok, uint32_t *seen)
{
	const char *val = split_key(tok);
	const char *const keys[] = { "flags", "xfrm", "miscselect" };
	size_t i;

	for (i = 0; val && i < ARRAY_SIZE(keys) && strcmp(tok, keys[i]); i++)
		;
	if (!val || i == ARRAY_SIZE(keys))
		return syntax_error(p, "unknown ecreate key '%s'", tok);
	if (*seen & (1U << i))
		return syntax_error(p, "duplicate ecreate key '%s'", tok);
	*seen |= 1U << i;
	if (i == 2)
		return parse_u32(p, val, &l->miscselect);
	return parse_num(p, val, UINT64_MAX, i ? &l->xfrm : &l->attr_flags);
}

static int parse_ecreate(const struct parser *p, struct layout *l, char **tok,
			 int n)
{
	uint32_t seen = 0;

	if (l->have_ecreate)
		return syntax_error(p, "second ecreate");
	if (n < 4)
		return syntax_error(p, "ecreate needs ssaframesize size base");
	l->have_ecreate = true;
	l->ecreate_lineno = p->lineno;
	l->attr_flags = SGX_ATTR_MODE64BIT;
	l->xfrm = SGX_XFRM_LEGACY;
	if (parse_u32(p, tok[1], &l->ssa_frame_size) ||
	    parse_num(p, tok[2], UINT64_MAX, &l->size) ||
	    parse_num(p, tok[3], UINT64_MAX, &l->base))
		return -1;
	for (int i = 4; i < n; i++)
		if (parse_ecreate_key(p, l, tok[i], &seen))
			return -1;
	return 0;
}

static int parse_line(const struct parser *p, struct layout *l, char *line)
{
	char *tok[MAX_TOKENS], *save = NULL, *t;
	int n = 0;

	line[strcspn(line, "#")] = '\0';
	for (t = strtok_r(line, " \t\r\n\v\f", &save); t;
	     t = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (n == MAX_TOKENS)
			return syntax_error(p, "too many tokens");
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	if (!strcmp(tok[0], "ecreate"))
		return parse_ecreate(p, l, tok, n);
	if (!strcmp(tok[0], "page"))
		return parse_page(p, l, tok, n);
	return syntax_error(p, "unknown directive '%s'", tok[0]);
}

static int parse_stream(struct parser *p, struct layout *l, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	while (!ret && (len = getline(&line, &cap, f)) >= 0) {
		p->lineno++;
		if (len > MAX_LINE)
			ret = syntax_error(p, "line longer than %d", MAX_LINE);
		else if (memchr(line, '\0', (size_t)len))
			ret = syntax_error(p, "NUL byte in line");
		else
			ret = parse_line(p, l, line);
	}
	free(line);
	if (!ret && ferror(f))
		ret = syntax_error(p, "read error");
	if (!ret && !l->have_ecreate)
		ret = syntax_error(p, "no ecreate line");
	return ret;
}

static int parse_layout(const char *path, struct layout *l)
{
	struct parser p = { .path = path };
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		perror(path);
		return -1;
	}
	ret = parse_stream(&p, l, f);
	fclose(f);
	return ret;
}

static void fill_tcs(const struct page_desc *pg, uint8_t *page)
{
	for (size_t i = 0; i < ARRAY_SIZE(tcs_keys); i++) {
		uint32_t v32 = (uint32_t)pg->tcs[i];

		if (tcs_keys[i].size == 4)
			memcpy(page + tcs_keys[i].offset, &v32, 4);
		else
			memcpy(page + tcs_keys[i].offset, &pg->tcs[i], 8);
	}
}

/* The content generators of the format (mrenclave_ref.py). */
static void fill_page(const struct page_desc *pg, uint8_t *page)
{
	uint32_t x = pg->arg;

	memset(page, 0, SGX_PAGE_SIZE);
	for (uint32_t i = 0; i < SGX_PAGE_SIZE; i++) {
		switch (pg->kind) {
		case CONTENT_FILL:
			page[i] = (uint8_t)pg->arg;
			break;
		case CONTENT_RAMP:
			page[i] = (uint8_t)i;
			break;
		case CONTENT_PATTERN:
			page[i] = (uint8_t)(pg->arg * 131 + i * 7 +
					    (i >> 8) * 97);
			break;
		case CONTENT_LCG:
			x = x * 1103515245U + 12345U;
			page[i] = (uint8_t)(x >> 16);
			break;
		default:
			break;
		}
	}
	if (pg->kind == CONTENT_TCS)
		fill_tcs(pg, page);
}

struct machine {
	struct sgx_cpu cpu;
	struct sgx_lp lp;
	uint8_t *epc;
	size_t nr_pages;
	struct sgx_epc_section *section;
	uint8_t *src; /* one source page, reused */
};

static int machine_init(struct machine *m, size_t nr_pages)
{
	struct sgx_platform platform;

	memset(&platform, 0x5a, sizeof(platform));
	if (sgx_cpu_init(&m->cpu, NULL, &platform))
		return -1;
	sgx_lp_init(&m->lp, &m->cpu);
	m->nr_pages = nr_pages;
	m->epc = aligned_alloc(SGX_PAGE_SIZE, nr_pages * SGX_PAGE_SIZE);
	m->src = aligned_alloc(SGX_PAGE_SIZE, SGX_PAGE_SIZE);
	if (!m->epc || !m->src)
		return -1;
	memset(m->epc, 0, nr_pages * SGX_PAGE_SIZE);
	m->section = sgx_epc_add_section(&m->cpu, m->epc, nr_pages);
	return m->section ? 0 : -1;
}

/* EREMOVE children before the SECS (which holds the hash context). */
static void machine_destroy(struct machine *m)
{
	for (size_t i = m->section ? m->nr_pages : 0; i-- > 0;)
		if (m->section->epcm[i].valid)
			sgx_eremove(&m->lp, m->epc + i * SGX_PAGE_SIZE);
	sgx_cpu_destroy(&m->cpu);
	free(m->epc);
	free(m->src);
}

static int leaf_failed(const struct machine *m, const char *leaf,
		       unsigned long lineno, int ret)
{
	if (encls_faulted(ret) && ENCLS_TRAPNR(ret) == X86_TRAP_PF)
		fprintf(stderr,
			"mrenclave_layout: line %lu: %s: #PF at 0x%llx\n",
			lineno, leaf, (unsigned long long)m->lp.fault.addr);
	else if (encls_faulted(ret))
		fprintf(stderr, "mrenclave_layout: line %lu: %s: vector %d\n",
			lineno, leaf, ENCLS_TRAPNR(ret));
	else
		fprintf(stderr, "mrenclave_layout: line %lu: %s returned %d\n",
			lineno, leaf, ret);
	return EXIT_LEAF_FAILED;
}

static int do_ecreate(struct machine *m, const struct layout *l)
{
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_SECS };
	struct sgx_pageinfo pginfo = {
		.contents = (uintptr_t)m->src,
		.metadata = (uintptr_t)&secinfo,
	};
	struct sgx_secs *secs = (struct sgx_secs *)m->src;
	int ret;

	memset(m->src, 0, SGX_PAGE_SIZE);
	secs->size = l->size;
	secs->base = l->base;
	secs->ssa_frame_size = l->ssa_frame_size;
	secs->miscselect = l->miscselect;
	secs->attributes.flags = l->attr_flags;
	secs->attributes.xfrm = l->xfrm;
	ret = sgx_ecreate(&m->lp, &pginfo, m->epc);
	return ret ? leaf_failed(m, "ECREATE", l->ecreate_lineno, ret) : 0;
}

/* EADD page pg into EPC page index, then its selected EEXTENDs. */
static int do_page(struct machine *m, const struct layout *l,
		   const struct page_desc *pg, size_t index)
{
	struct sgx_secinfo secinfo = { .flags = pg->flags };
	struct sgx_pageinfo pginfo = {
		.addr = l->base + pg->offset,
		.contents = (uintptr_t)m->src,
		.metadata = (uintptr_t)&secinfo,
		.secs = (uintptr_t)m->epc,
	};
	uint8_t *page = m->epc + index * SGX_PAGE_SIZE;
	int ret;

	fill_page(pg, m->src);
	ret = sgx_eadd(&m->lp, &pginfo, page);
	if (ret)
		return leaf_failed(m, "EADD", pg->lineno, ret);
	for (unsigned int k = 0; k < CHUNKS_PER_PAGE; k++) {
		if (!(pg->chunk_mask & (1U << k)))
			continue;
		ret = sgx_eextend(&m->lp, m->epc, page + k * SGX_EEXTEND_CHUNK);
		if (ret)
			return leaf_failed(m, "EEXTEND", pg->lineno, ret);
	}
	return 0;
}

static int build(struct machine *m, const struct layout *l,
		 uint8_t mrenclave[SGX_HASH_SIZE])
{
	int ret = do_ecreate(m, l);

	for (size_t i = 0; !ret && i < l->nr_pages; i++)
		ret = do_page(m, l, &l->pages[i], i + 1);
	if (ret)
		return ret;
	if (sgx_secs_measurement((struct sgx_secs *)m->epc, mrenclave)) {
		fprintf(stderr, "mrenclave_layout: measurement failed\n");
		return EXIT_INTERNAL;
	}
	return 0;
}

static int run(const struct layout *l)
{
	struct machine m = { 0 };
	uint8_t mrenclave[SGX_HASH_SIZE];
	int ret = EXIT_INTERNAL;

	if (machine_init(&m, l->nr_pages + 1))
		fprintf(stderr, "mrenclave_layout: cannot set up the CPU\n");
	else
		ret = build(&m, l, mrenclave);
	machine_destroy(&m);
	if (ret)
		return ret;
	for (size_t i = 0; i < SGX_HASH_SIZE; i++)
		printf("%02x", mrenclave[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct layout l = { 0 };
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s LAYOUT-FILE\n", argv[0]);
		return EXIT_MALFORMED;
	}
	if (parse_layout(argv[1], &l))
		ret = EXIT_MALFORMED;
	else
		ret = run(&l);
	free(l.pages);
	return ret;
}
