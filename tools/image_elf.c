// SPDX-License-Identifier: MIT
/*
 * ELF enclave images (docs/enclave-image.md): PT_LOAD segments become
 * measured REG pages, and the "softsgx" layout note says which heap,
 * stacks, TCSs, SSA frames and thread-data pages to generate above them.
 */
#include <elf.h>
#include <string.h>

#include "image_priv.h"

#ifndef DT_RELRSZ
#define DT_RELRSZ 35
#endif

/* Segments must lie below this offset (1 TiB): keeps sums far from 2^64. */
#define ELF_MAX_VADDR (1ULL << 40)
#define ELF_MAX_PHNUM 256
#define PAGE_MASK_LOW ((uint64_t)SGX_PAGE_SIZE - 1)

struct elf_ctx {
	struct softsgx_image_builder *b;
	const uint8_t *buf;
	size_t len;
	Elf64_Ehdr eh;
	bool have_note;
	bool entry_ok;
	size_t nr_segment_pages;
	uint64_t prev_end; /* page-rounded end of the previous PT_LOAD */
	/* The generated part, from the note. */
	struct softsgx_layout_note note;
	uint64_t heap;
	uint64_t threads; /* first thread block */
	uint64_t stride; /* bytes per thread block */
	uint64_t end;
};

static uint64_t round_up_page(uint64_t v)
{
	return (v + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
}

static bool in_file(const struct elf_ctx *c, uint64_t off, uint64_t size)
{
	return off <= c->len && size <= c->len - off;
}

static void get_phdr(const struct elf_ctx *c, size_t i, Elf64_Phdr *ph)
{
	memcpy(ph, c->buf + c->eh.e_phoff + i * sizeof(*ph), sizeof(*ph));
}

static int elf_check_header(struct elf_ctx *c)
{
	const unsigned char *id = c->eh.e_ident;

	if (c->len < sizeof(c->eh))
		return softsgx_image_fail(
			c->b, "ELF: file too short for an ELF header");
	memcpy(&c->eh, c->buf, sizeof(c->eh));
	if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != ELFDATA2LSB ||
	    id[EI_VERSION] != EV_CURRENT || c->eh.e_machine != EM_X86_64)
		return softsgx_image_fail(
			c->b, "ELF: not a little-endian ELF64 x86-64 file");
	if (c->eh.e_type != ET_DYN)
		return softsgx_image_fail(
			c->b,
			"ELF: e_type %u is not ET_DYN: link the enclave with -static-pie at address 0",
			c->eh.e_type);
	if (c->eh.e_phentsize != sizeof(Elf64_Phdr) || !c->eh.e_phnum ||
	    c->eh.e_phnum > ELF_MAX_PHNUM ||
	    !in_file(c, c->eh.e_phoff,
		     (uint64_t)c->eh.e_phnum * sizeof(Elf64_Phdr)))
		return softsgx_image_fail(c->b,
					  "ELF: bad program header table");
	return 0;
}

static const char *reloc_tag_name(int64_t tag)
{
	switch (tag) {
	case DT_RELASZ:
		return "DT_RELASZ";
	case DT_RELSZ:
		return "DT_RELSZ";
	case DT_RELRSZ:
		return "DT_RELRSZ";
	case DT_PLTRELSZ:
		return "DT_PLTRELSZ";
	default:
		return "DT_TEXTREL";
	}
}

/* Relocations would make measured contents depend on the load address. */
static int elf_check_dynamic(struct elf_ctx *c, const Elf64_Phdr *ph)
{
	Elf64_Dyn dyn;

	if (!in_file(c, ph->p_offset, ph->p_filesz))
		return softsgx_image_fail(c->b,
					  "ELF: PT_DYNAMIC outside the file");
	for (uint64_t i = 0; i < ph->p_filesz / sizeof(dyn); i++) {
		memcpy(&dyn, c->buf + ph->p_offset + i * sizeof(dyn),
		       sizeof(dyn));
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_NEEDED)
			return softsgx_image_fail(
				c->b,
				"ELF: the enclave needs shared libraries (DT_NEEDED)");
		if (dyn.d_tag == DT_TEXTREL ||
		    ((dyn.d_tag == DT_RELASZ || dyn.d_tag == DT_RELSZ ||
		      dyn.d_tag == DT_RELRSZ || dyn.d_tag == DT_PLTRELSZ) &&
		     dyn.d_un.d_val))
			return softsgx_image_fail(
				c->b,
				"ELF: the image has dynamic relocations (%s): enclave data must not hold absolute addresses",
				reloc_tag_name(dyn.d_tag));
	}
	return 0;
}

static int elf_take_note(struct elf_ctx *c, uint32_t descsz,
			 const uint8_t *desc)
{
	if (c->have_note)
		return softsgx_image_fail(
			c->b, "ELF: more than one softsgx layout note");
	if (descsz != sizeof(c->note))
		return softsgx_image_fail(
			c->b,
			"ELF: softsgx layout note has %u bytes, expected %zu",
			descsz, sizeof(c->note));
	memcpy(&c->note, desc, sizeof(c->note));
	c->have_note = true;
	return 0;
}

static int elf_scan_notes(struct elf_ctx *c, const Elf64_Phdr *ph)
{
	uint64_t align = ph->p_align == 8 ? 8 : 4;
	uint64_t pos = ph->p_offset, end;
	uint32_t hdr[3];

	if (!in_file(c, ph->p_offset, ph->p_filesz))
		return softsgx_image_fail(c->b,
					  "ELF: PT_NOTE outside the file");
	end = ph->p_offset + ph->p_filesz;
	while (end - pos >= sizeof(hdr)) {
		uint64_t name, desc, next;

		memcpy(hdr, c->buf + pos, sizeof(hdr));
		name = pos + sizeof(hdr);
		desc = name + ((hdr[0] + align - 1) & ~(align - 1));
		next = desc + ((hdr[1] + align - 1) & ~(align - 1));
		if (desc > end || hdr[1] > end - desc)
			return softsgx_image_fail(
				c->b,
				"ELF: malformed note at file offset 0x%llx",
				(unsigned long long)pos);
		if (hdr[0] == sizeof(SOFTSGX_NOTE_NAME) &&
		    hdr[2] == SOFTSGX_NOTE_LAYOUT &&
		    !memcmp(c->buf + name, SOFTSGX_NOTE_NAME,
			    sizeof(SOFTSGX_NOTE_NAME)) &&
		    elf_take_note(c, hdr[1], c->buf + desc))
			return -1;
		if (next >= end)
			break;
		pos = next;
	}
	return 0;
}

static int elf_check_load(struct elf_ctx *c, const Elf64_Phdr *ph)
{
	uint64_t first, last;

	if (!ph->p_memsz)
		return 0;
	if (ph->p_filesz > ph->p_memsz ||
	    !in_file(c, ph->p_offset, ph->p_filesz))
		return softsgx_image_fail(
			c->b,
			"ELF: PT_LOAD at 0x%llx: file size beyond the file or the segment",
			(unsigned long long)ph->p_vaddr);
	if (ph->p_vaddr >= ELF_MAX_VADDR ||
	    ph->p_memsz > ELF_MAX_VADDR - ph->p_vaddr)
		return softsgx_image_fail(
			c->b, "ELF: PT_LOAD at 0x%llx: too large or too high",
			(unsigned long long)ph->p_vaddr);
	first = ph->p_vaddr & ~PAGE_MASK_LOW;
	last = round_up_page(ph->p_vaddr + ph->p_memsz);
	if (first < c->prev_end)
		return softsgx_image_fail(
			c->b,
			"ELF: PT_LOAD at 0x%llx shares a page with, or precedes, the previous one",
			(unsigned long long)ph->p_vaddr);
	if ((ph->p_flags & PF_W) && !(ph->p_flags & PF_R))
		return softsgx_image_fail(
			c->b,
			"ELF: PT_LOAD at 0x%llx is writable but not readable (EADD refuses W without R)",
			(unsigned long long)ph->p_vaddr);
	c->prev_end = last;
	c->nr_segment_pages += (last - first) / SGX_PAGE_SIZE;
	if (c->nr_segment_pages > SOFTSGX_IMAGE_MAX_PAGES)
		return softsgx_image_fail(c->b, "ELF: segments too large");
	if ((ph->p_flags & PF_X) && c->eh.e_entry >= ph->p_vaddr &&
	    c->eh.e_entry - ph->p_vaddr < ph->p_memsz)
		c->entry_ok = true;
	return 0;
}

static int elf_check_phdr(struct elf_ctx *c, const Elf64_Phdr *ph)
{
	switch (ph->p_type) {
	case PT_LOAD:
		return elf_check_load(c, ph);
	case PT_DYNAMIC:
		return elf_check_dynamic(c, ph);
	case PT_NOTE:
		return elf_scan_notes(c, ph);
	case PT_INTERP:
		return softsgx_image_fail(
			c->b,
			"ELF: the image asks for a dynamic linker (PT_INTERP)");
	case PT_TLS:
		return softsgx_image_fail(
			c->b,
			"ELF: thread-local storage (PT_TLS) is not supported in enclaves");
	default:
		return 0; /* PT_GNU_STACK, PT_GNU_RELRO, PT_PHDR, ...: no effect */
	}
}

static int elf_check_segments(struct elf_ctx *c)
{
	Elf64_Phdr ph;

	for (size_t i = 0; i < c->eh.e_phnum; i++) {
		get_phdr(c, i, &ph);
		if (elf_check_phdr(c, &ph))
			return -1;
	}
	if (!c->nr_segment_pages)
		return softsgx_image_fail(c->b, "ELF: no loadable segment");
	if (!c->entry_ok)
		return softsgx_image_fail(
			c->b,
			"ELF: entry point 0x%llx is not in an executable segment",
			(unsigned long long)c->eh.e_entry);
	if (!c->have_note)
		return softsgx_image_fail(
			c->b,
			"ELF: no softsgx layout note (name \"softsgx\", type %d) in a PT_NOTE segment",
			SOFTSGX_NOTE_LAYOUT);
	return 0;
}

static bool page_multiple(uint64_t v)
{
	return !(v & PAGE_MASK_LOW);
}

static int elf_check_note(struct elf_ctx *c)
{
	const struct softsgx_layout_note *n = &c->note;
	uint64_t max = (uint64_t)SOFTSGX_IMAGE_MAX_PAGES * SGX_PAGE_SIZE;

	if (n->version != SOFTSGX_LAYOUT_VERSION)
		return softsgx_image_fail(
			c->b, "layout note: version %u, expected %d",
			n->version, SOFTSGX_LAYOUT_VERSION);
	if ((n->flags & ~SOFTSGX_LAYOUT_FLAGS_MASK) || n->reserved1 ||
	    n->reserved2[0] || n->reserved2[1])
		return softsgx_image_fail(
			c->b,
			"layout note: unknown flags or non-zero reserved fields");
	if (!n->nr_threads || n->nr_threads > SOFTSGX_LAYOUT_MAX_THREADS ||
	    !n->nssa || n->nssa > SOFTSGX_LAYOUT_MAX_NSSA ||
	    !n->ssa_frame_size ||
	    n->ssa_frame_size > SOFTSGX_LAYOUT_MAX_SSA_FRAME_SIZE)
		return softsgx_image_fail(
			c->b,
			"layout note: threads %u, NSSA %u or SSA frame size %u out of range",
			n->nr_threads, n->nssa, n->ssa_frame_size);
	if (!n->stack_size || !page_multiple(n->stack_size) ||
	    n->stack_size > max || !page_multiple(n->heap_size) ||
	    n->heap_size > max)
		return softsgx_image_fail(
			c->b,
			"layout note: stack size 0x%llx or heap size 0x%llx is not a valid multiple of 4096",
			(unsigned long long)n->stack_size,
			(unsigned long long)n->heap_size);
	if (n->enclave_size && (n->enclave_size < 2 * SGX_PAGE_SIZE ||
				(n->enclave_size & (n->enclave_size - 1))))
		return softsgx_image_fail(
			c->b,
			"layout note: enclave size 0x%llx is not a power of two >= 0x2000",
			(unsigned long long)n->enclave_size);
	return 0;
}

static uint64_t next_pow2(uint64_t v)
{
	uint64_t p = 2 * SGX_PAGE_SIZE;

	while (p < v)
		p <<= 1;
	return p;
}

/*
 * Above the image: a guard page, the heap, then per thread a guard page,
 * the stack, the TCS, the SSA frames and the thread-data page.
 */
static int elf_plan_layout(struct elf_ctx *c)
{
	const struct softsgx_layout_note *n = &c->note;
	uint64_t ssa_bytes =
		(uint64_t)n->nssa * n->ssa_frame_size * SGX_PAGE_SIZE;
	uint64_t pages;

	c->heap = c->prev_end + SGX_PAGE_SIZE;
	c->threads = c->heap + n->heap_size;
	c->stride = SGX_PAGE_SIZE + n->stack_size + SGX_PAGE_SIZE + ssa_bytes +
		    SGX_PAGE_SIZE;
	c->end = c->threads + n->nr_threads * c->stride;
	pages = c->nr_segment_pages + n->heap_size / SGX_PAGE_SIZE +
		n->nr_threads * (c->stride / SGX_PAGE_SIZE - 1);
	if (pages > SOFTSGX_IMAGE_MAX_PAGES)
		return softsgx_image_fail(
			c->b, "layout: %llu pages, at most %lu",
			(unsigned long long)pages, SOFTSGX_IMAGE_MAX_PAGES);
	if (n->enclave_size && n->enclave_size < c->end)
		return softsgx_image_fail(
			c->b,
			"layout: enclave size 0x%llx is smaller than the layout (0x%llx)",
			(unsigned long long)n->enclave_size,
			(unsigned long long)c->end);
	c->b->img->size = n->enclave_size ? n->enclave_size : next_pow2(c->end);
	return softsgx_image_alloc(c->b, pages);
}

static uint64_t secinfo_from_pflags(uint32_t p_flags)
{
	uint64_t flags = SGX_SECINFO_REG;

	if (p_flags & PF_R)
		flags |= SGX_SECINFO_R;
	if (p_flags & PF_W)
		flags |= SGX_SECINFO_W;
	if (p_flags & PF_X)
		flags |= SGX_SECINFO_X;
	return flags;
}

static int elf_fill_load(struct elf_ctx *c, const Elf64_Phdr *ph)
{
	uint64_t flags = secinfo_from_pflags(ph->p_flags);
	uint64_t file_end = ph->p_vaddr + ph->p_filesz;
	uint64_t first = ph->p_vaddr & ~PAGE_MASK_LOW;
	uint64_t last = round_up_page(ph->p_vaddr + ph->p_memsz);

	for (uint64_t p = first; p < last; p += SGX_PAGE_SIZE) {
		uint64_t lo = p > ph->p_vaddr ? p : ph->p_vaddr;
		uint64_t hi = p + SGX_PAGE_SIZE < file_end ? p + SGX_PAGE_SIZE :
							     file_end;
		uint8_t *data = softsgx_image_add(c->b, p, flags, true,
						  SOFTSGX_PAGE_SEGMENT, 0);

		if (!data)
			return -1;
		/* Bytes past p_filesz (.bss) stay zero, and are measured. */
		if (lo < hi)
			memcpy(data + (lo - p),
			       c->buf + ph->p_offset + (lo - ph->p_vaddr),
			       hi - lo);
	}
	return 0;
}

static int add_run(struct elf_ctx *c, uint64_t offset, uint64_t bytes,
		   bool measured, uint8_t role, uint16_t thread)
{
	uint64_t flags = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W;

	for (uint64_t p = 0; p < bytes; p += SGX_PAGE_SIZE)
		if (!softsgx_image_add(c->b, offset + p, flags, measured, role,
				       thread))
			return -1;
	return 0;
}

static int add_tcs(struct elf_ctx *c, uint64_t offset, uint64_t ssa,
		   uint64_t td, uint16_t t)
{
	struct sgx_tcs tcs;
	uint8_t *data = softsgx_image_add(c->b, offset, SGX_SECINFO_TCS, true,
					  SOFTSGX_PAGE_TCS, t);

	if (!data)
		return -1;
	memset(&tcs, 0, sizeof(tcs));
	tcs.ssa_offset = ssa;
	tcs.nr_ssa_frames = c->note.nssa;
	tcs.entry_offset = c->eh.e_entry;
	tcs.fs_offset = td;
	tcs.gs_offset = td;
	tcs.fs_limit = 0xFFF;
	tcs.gs_limit = 0xFFF;
	memcpy(data, &tcs, sizeof(tcs));
	return 0;
}

static int add_thread_data(struct elf_ctx *c, uint64_t offset, uint64_t tcs,
			   uint64_t stack, uint64_t ssa, uint16_t t)
{
	struct softsgx_thread_data td;
	uint8_t *data = softsgx_image_add(
		c->b, offset, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W,
		true, SOFTSGX_PAGE_THREAD_DATA, t);

	if (!data)
		return -1;
	memset(&td, 0, sizeof(td));
	td.self = offset;
	td.tcs = tcs;
	td.stack_top = stack + c->note.stack_size;
	td.stack_bottom = stack;
	td.ssa = ssa;
	td.heap = c->heap;
	td.heap_size = c->note.heap_size;
	td.enclave_size = c->b->img->size;
	td.thread_index = t;
	td.nr_threads = c->note.nr_threads;
	td.nssa = c->note.nssa;
	td.ssa_frame_size = c->note.ssa_frame_size;
	memcpy(data, &td, sizeof(td));
	return 0;
}

static int elf_fill_thread(struct elf_ctx *c, uint16_t t)
{
	const struct softsgx_layout_note *n = &c->note;
	uint64_t stack = c->threads + t * c->stride + SGX_PAGE_SIZE;
	uint64_t tcs = stack + n->stack_size;
	uint64_t ssa = tcs + SGX_PAGE_SIZE;
	uint64_t ssa_bytes =
		(uint64_t)n->nssa * n->ssa_frame_size * SGX_PAGE_SIZE;
	uint64_t td = ssa + ssa_bytes;

	if (add_run(c, stack, n->stack_size,
		    n->flags & SOFTSGX_LAYOUT_MEASURE_STACK, SOFTSGX_PAGE_STACK,
		    t) ||
	    add_tcs(c, tcs, ssa, td, t) ||
	    add_run(c, ssa, ssa_bytes, true, SOFTSGX_PAGE_SSA, t) ||
	    add_thread_data(c, td, tcs, stack, ssa, t))
		return -1;
	return 0;
}

static int elf_fill(struct elf_ctx *c)
{
	Elf64_Phdr ph;

	for (size_t i = 0; i < c->eh.e_phnum; i++) {
		get_phdr(c, i, &ph);
		if (ph.p_type == PT_LOAD && ph.p_memsz && elf_fill_load(c, &ph))
			return -1;
	}
	if (add_run(c, c->heap, c->note.heap_size,
		    c->note.flags & SOFTSGX_LAYOUT_MEASURE_HEAP,
		    SOFTSGX_PAGE_HEAP, 0))
		return -1;
	for (uint32_t t = 0; t < c->note.nr_threads; t++)
		if (elf_fill_thread(c, (uint16_t)t))
			return -1;
	if (c->b->img->nr_pages != c->b->cap)
		return softsgx_image_fail(
			c->b, "ELF: internal error: page count mismatch");
	return 0;
}

int softsgx_image_parse_elf(struct softsgx_image_builder *b, const uint8_t *buf,
			    size_t len)
{
	struct elf_ctx c = { .b = b, .buf = buf, .len = len };
	struct softsgx_image *img = b->img;

	img->format = SOFTSGX_IMAGE_ELF;
	if (elf_check_header(&c) || elf_check_segments(&c) ||
	    elf_check_note(&c) || elf_plan_layout(&c))
		return -1;
	img->ssa_frame_size = c.note.ssa_frame_size;
	img->entry = c.eh.e_entry;
	img->image_end = c.prev_end;
	img->heap = c.heap;
	img->layout = c.note;
	if (elf_fill(&c))
		return -1;
	return 0;
}
