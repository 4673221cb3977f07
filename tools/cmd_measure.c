// SPDX-License-Identifier: MIT
/* softsgx measure: MRENCLAVE of an ELF enclave image or an SGXS stream. */
#include <getopt.h>
#include <string.h>

#include "cmd.h"
#include "image.h"

static const char *const role_names[] = {
	[SOFTSGX_PAGE_SEGMENT] = "segment",
	[SOFTSGX_PAGE_HEAP] = "heap",
	[SOFTSGX_PAGE_STACK] = "stack",
	[SOFTSGX_PAGE_TCS] = "tcs",
	[SOFTSGX_PAGE_SSA] = "ssa",
	[SOFTSGX_PAGE_THREAD_DATA] = "thread-data",
};

static void measure_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx measure [-v] FILE\n\n"
		"Print the MRENCLAVE of FILE, an ELF enclave image (docs/enclave-image.md)\n"
		"or an SGXS stream, as the line\n"
		"  mrenclave: <64 hex digits>\n\n"
		"  -v, --verbose  first describe the layout: SECS size, SSA frame size\n"
		"                 and every run of pages added\n"
		"  -h, --help     show this help\n");
}

static void describe_run(const struct softsgx_image *img, size_t i, size_t n)
{
	const struct softsgx_image_page *p = &img->pages[i];
	uint64_t type = (p->secinfo_flags & SGX_SECINFO_PAGE_TYPE_MASK) >>
			SGX_SECINFO_PAGE_TYPE_SHIFT;
	const char *role =
		p->role < sizeof(role_names) / sizeof(role_names[0]) ?
			role_names[p->role] :
			"?";

	printf("  0x%09llx-0x%09llx %s %c%c%c %-10s %s",
	       (unsigned long long)p->offset,
	       (unsigned long long)(p->offset + n * SGX_PAGE_SIZE),
	       type == SGX_PAGE_TYPE_TCS ? "TCS" : "REG",
	       p->secinfo_flags & SGX_SECINFO_R ? 'r' : '-',
	       p->secinfo_flags & SGX_SECINFO_W ? 'w' : '-',
	       p->secinfo_flags & SGX_SECINFO_X ? 'x' : '-',
	       p->measured ? "measured" : "unmeasured", role);
	if (img->format == SOFTSGX_IMAGE_ELF &&
	    p->role != SOFTSGX_PAGE_SEGMENT && p->role != SOFTSGX_PAGE_HEAP)
		printf(" %u", p->thread);
	printf("\n");
}

/* A loader's run, cut where the pages' purpose changes. */
static size_t display_run(const struct softsgx_image *img, size_t first)
{
	size_t run = softsgx_image_run(img, first), n = 1;
	const struct softsgx_image_page *p = &img->pages[first];

	while (n < run && img->pages[first + n].role == p->role &&
	       img->pages[first + n].thread == p->thread)
		n++;
	return n;
}

static void describe(const struct softsgx_image *img)
{
	const struct softsgx_layout_note *l = &img->layout;
	size_t measured = 0;

	for (size_t i = 0; i < img->nr_pages; i++)
		measured += img->pages[i].measured;
	printf("format:         %s\n",
	       img->format == SOFTSGX_IMAGE_ELF ? "elf" : "sgxs");
	printf("size:           0x%llx\n", (unsigned long long)img->size);
	printf("ssa_frame_size: %u\n", img->ssa_frame_size);
	if (img->format == SOFTSGX_IMAGE_ELF) {
		printf("entry:          0x%llx\n",
		       (unsigned long long)img->entry);
		printf("threads:        %u (nssa %u, stack 0x%llx)\n",
		       l->nr_threads, l->nssa,
		       (unsigned long long)l->stack_size);
		printf("heap:           0x%llx (0x%llx bytes)\n",
		       (unsigned long long)img->heap,
		       (unsigned long long)l->heap_size);
	}
	printf("pages:          %zu (%zu measured)\n", img->nr_pages, measured);
	for (size_t i = 0, n; i < img->nr_pages; i += n) {
		n = display_run(img, i);
		describe_run(img, i, n);
	}
}

int cmd_measure(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t mrenclave[SGX_HASH_SIZE];
	char hex[2 * SGX_HASH_SIZE + 1], err[256];
	struct softsgx_image img;
	bool verbose = false;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":vh", opts, NULL)) != -1) {
		if (opt == 'v') {
			verbose = true;
		} else if (opt == 'h') {
			measure_usage(stdout);
			return 0;
		} else {
			return tool_bad_option("measure", opt, argv);
		}
	}
	if (argc - optind != 1)
		return tool_usage_error("measure", "expected one FILE");
	if (softsgx_image_load(&img, argv[optind], err, sizeof(err)))
		return tool_error("measure", "%s: %s", argv[optind], err);
	if (softsgx_image_mrenclave(&img, mrenclave)) {
		softsgx_image_free(&img);
		return tool_error("measure", "%s: hashing failed",
				  argv[optind]);
	}
	if (verbose)
		describe(&img);
	softsgx_image_free(&img);
	format_hex(mrenclave, sizeof(mrenclave), hex);
	printf("mrenclave: %s\n", hex);
	return 0;
}
