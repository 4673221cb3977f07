// SPDX-License-Identifier: MIT
/*
 * softsgx_image (tools/image*.c): SGXS streams and ELF enclave images turn
 * into the page list docs/enclave-image.md promises, MRENCLAVE equals an
 * independent hash of the same EADD/EEXTEND stream, and malformed input of
 * every kind is refused without crashing.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "testlib.h"
#include "tools/image.h"

#define VECTOR_MRENCLAVE \
	"784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void sha256(const void *data, size_t len, uint8_t out[32])
{
	assert_true(EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL));
}

/* ---- An independent SGXS writer: the stream a loader would measure ---- */

struct stream {
	uint8_t *buf;
	size_t len, cap;
};

static void put(struct stream *s, const void *data, size_t len)
{
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->buf = realloc(s->buf, s->cap);
		assert_non_null(s->buf);
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
}

static void put_record(struct stream *s, const char tag[8], uint64_t a,
		       uint64_t b, uint32_t ssa)
{
	uint8_t rec[64] = { 0 };

	memcpy(rec, tag, 8);
	if (!memcmp(tag, "ECREATE", 8) || !memcmp(tag, "UNSIZED", 8)) {
		/* SSAFRAMESIZE at 8, SIZE at 12 */
		memcpy(rec + 8, &ssa, 4);
		memcpy(rec + 12, &a, 8);
	} else {
		memcpy(rec + 8, &a, 8);
		memcpy(rec + 16, &b, 8);
	}
	put(s, rec, sizeof(rec));
}

static void put_page(struct stream *s, uint64_t offset, uint64_t flags,
		     const uint8_t *data, const char *chunk_tag)
{
	put_record(s, "EADD\0\0\0", offset, flags, 0);
	for (uint64_t c = 0; data && c < 4096; c += 256) {
		put_record(s, chunk_tag, offset + c, 0, 0);
		put(s, data + c, 256);
	}
}

/* The measured stream of an image, built from its page list. */
static void image_stream(const struct softsgx_image *img, struct stream *s)
{
	put_record(s, "ECREATE", img->size, 0, img->ssa_frame_size);
	for (size_t i = 0; i < img->nr_pages; i++) {
		const struct softsgx_image_page *p = &img->pages[i];

		put_page(s, p->offset, p->secinfo_flags,
			 p->measured ? p->data : NULL, "EEXTEND");
	}
}

static void assert_mrenclave_is_stream_hash(const struct softsgx_image *img)
{
	struct stream s = { 0 };
	uint8_t got[32], want[32];

	image_stream(img, &s);
	sha256(s.buf, s.len, want);
	free(s.buf);
	assert_int_equal(softsgx_image_mrenclave(img, got), 0);
	assert_memory_equal(got, want, 32);
}

static int parse(struct softsgx_image *img, const void *buf, size_t len,
		 char *err)
{
	return softsgx_image_parse(img, buf, len, err, 256);
}

/* ---- SGXS ---- */

static void test_sgxs_vector(void **state)
{
	static const uint64_t offsets[] = { 0x0,     0x1000,  0x2000,
					    0x4000,  0x15000, 0x16000,
					    0x27000, 0x28000, 0x39000 };
	struct softsgx_image img;
	struct sgx_tcs tcs;
	uint8_t mr[32];
	char err[256];
	size_t len = 0;
	uint8_t *buf = test_read_vector("fortanix-test_enclave.sgxs", &len);

	(void)state;
	if (!buf)
		skip();
	assert_int_equal(parse(&img, buf, len, err), 0);
	assert_int_equal(img.format, SOFTSGX_IMAGE_SGXS);
	assert_int_equal(img.size, 0x40000);
	assert_int_equal(img.ssa_frame_size, 1);
	assert_int_equal(img.nr_pages, 9);
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(img.pages[i].offset, offsets[i]);
		assert_true(img.pages[i].measured);
	}
	assert_int_equal(img.pages[1].secinfo_flags, 0x205);
	assert_int_equal(img.nr_tcs, 1);
	assert_int_equal(img.tcs[0], 0x15000);
	memcpy(&tcs, img.pages[4].data, sizeof(tcs));
	assert_int_equal(tcs.ssa_offset, 0x27000);
	assert_int_equal(tcs.nr_ssa_frames, 2);
	assert_int_equal(tcs.entry_offset, 0x1000);
	assert_int_equal(tcs.fs_offset, 0x16000);
	assert_int_equal(tcs.fs_limit, 0xFFF);
	assert_int_equal(softsgx_image_run(&img, 6), 2); /* 0x27000-0x29000 */
	assert_int_equal(softsgx_image_mrenclave(&img, mr), 0);
	assert_hex_equal(mr, 32, VECTOR_MRENCLAVE);
	softsgx_image_free(&img);
	free(buf);
}

/*
 * Any stream the parser accepts is exactly the measured stream (no
 * UNMEASRD here), so its MRENCLAVE must be the SHA-256 of the bytes.
 */
static void check_mutant(const uint8_t *buf, size_t len)
{
	struct softsgx_image img;
	uint8_t got[32], want[32];
	char err[256];

	if (parse(&img, buf, len, err)) {
		assert_true(err[0] != '\0');
		assert_null(img.pages);
		return;
	}
	assert_int_equal(softsgx_image_mrenclave(&img, got), 0);
	sha256(buf, len, want);
	assert_memory_equal(got, want, 32);
	softsgx_image_free(&img);
}

static void test_sgxs_truncations(void **state)
{
	size_t len = 0;
	uint8_t *buf = test_read_vector("fortanix-test_enclave.sgxs", &len);

	(void)state;
	if (!buf)
		skip();
	for (size_t n = 0; n <= len; n += (n < 2048 ? 1 : 61))
		check_mutant(buf, n);
	check_mutant(buf, len - 1);
	free(buf);
}

static void test_sgxs_bitflips(void **state)
{
	size_t len = 0;
	uint8_t *buf = test_read_vector("fortanix-test_enclave.sgxs", &len);

	(void)state;
	if (!buf)
		skip();
	/* Every bit of the ECREATE, the first EADD and the first EEXTEND... */
	for (size_t bit = 0; bit < (64 + 64 + 64) * 8; bit++) {
		buf[bit / 8] ^= 1 << (bit % 8);
		check_mutant(buf, len);
		buf[bit / 8] ^= 1 << (bit % 8);
	}
	/* ...and random bits anywhere. */
	for (int i = 0; i < 3000; i++) {
		size_t bit = rng() % (len * 8);

		buf[bit / 8] ^= 1 << (bit % 8);
		check_mutant(buf, len);
		buf[bit / 8] ^= 1 << (bit % 8);
	}
	free(buf);
}

/* Spec section 3.7, synthetic vector C, written as an SGXS stream. */
static void test_sgxs_synthetic_vector(void **state)
{
	uint8_t code[4096], tcs_page[4096] = { 0 }, mr[32];
	struct sgx_tcs tcs = { 0 };
	struct softsgx_image img;
	struct stream s = { 0 };
	char err[256];

	(void)state;
	for (int i = 0; i < 4096; i++)
		code[i] = (uint8_t)i;
	tcs.ssa_offset = 0x2000;
	tcs.nr_ssa_frames = 1;
	tcs.entry_offset = 0x1000;
	tcs.fs_limit = tcs.gs_limit = 0xFFF;
	memcpy(tcs_page, &tcs, sizeof(tcs));
	put_record(&s, "ECREATE", 0x4000, 0, 1);
	put_page(&s, 0x0000, 0x205, code, "EEXTEND");
	put_page(&s, 0x1000, 0x100, tcs_page, "EEXTEND");
	put_page(&s, 0x2000, 0x203, NULL, NULL);
	put_page(&s, 0x3000, 0x203, NULL, NULL);
	assert_int_equal(parse(&img, s.buf, s.len, err), 0);
	assert_int_equal(img.nr_pages, 4);
	assert_false(img.pages[2].measured);
	assert_int_equal(softsgx_image_run(&img, 2), 2);
	assert_int_equal(softsgx_image_mrenclave(&img, mr), 0);
	assert_hex_equal(
		mr, 32,
		"8e85971267318cbc87df022ff42e651af66253907174c5eddd87910b4dd30900");
	softsgx_image_free(&img);
	free(s.buf);
}

/* UNMEASRD chunks load content without measuring it. */
static void test_sgxs_unmeasured(void **state)
{
	uint8_t data[4096], mr[32], want[32];
	struct softsgx_image img;
	struct stream s = { 0 }, measured = { 0 };
	char err[256];

	(void)state;
	memset(data, 0x5A, sizeof(data));
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0x1000, 0x203, data, "UNMEASRD");
	assert_int_equal(parse(&img, s.buf, s.len, err), 0);
	assert_int_equal(img.nr_pages, 1);
	assert_false(img.pages[0].measured);
	assert_memory_equal(img.pages[0].data, data, 4096);
	/* Measured as if the UNMEASRD records were not there. */
	put_record(&measured, "ECREATE", 0x2000, 0, 1);
	put_page(&measured, 0x1000, 0x203, NULL, NULL);
	sha256(measured.buf, measured.len, want);
	assert_int_equal(softsgx_image_mrenclave(&img, mr), 0);
	assert_memory_equal(mr, want, 32);
	softsgx_image_free(&img);
	free(s.buf);
	free(measured.buf);
}

static void expect_sgxs_error(struct stream *s, const char *what)
{
	struct softsgx_image img;
	char err[256];

	assert_int_equal(parse(&img, s->buf, s->len, err), -1);
	if (!strstr(err, what))
		fail_msg("expected '%s' in '%s'", what, err);
	free(s->buf);
	*s = (struct stream){ 0 };
}

static void test_sgxs_rejects(void **state)
{
	uint8_t page[4096] = { 0 };
	struct stream s = { 0 };

	(void)state;
	put_record(&s, "ECREATE", 0x3000, 0, 1);
	expect_sgxs_error(&s, "power of two");
	put_record(&s, "ECREATE", 0x2000, 0, 0);
	expect_sgxs_error(&s, "SSA frame size");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	expect_sgxs_error(&s, "second ECREATE");
	put_record(&s, "UNSIZED", 0x2000, 0, 1);
	expect_sgxs_error(&s, "unsized");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_record(&s, "EBLAH\0\0", 0, 0, 0);
	expect_sgxs_error(&s, "unknown record tag");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0x2000, 0x201, NULL, NULL);
	expect_sgxs_error(&s, "not a page inside");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0x1001, 0x201, NULL, NULL);
	expect_sgxs_error(&s, "not a page inside");
	put_record(&s, "ECREATE", 0x4000, 0, 1);
	put_page(&s, 0x1000, 0x201, NULL, NULL);
	put_page(&s, 0x1000, 0x201, NULL, NULL);
	expect_sgxs_error(&s, "ascending");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0, 0x107, NULL, NULL);
	expect_sgxs_error(&s, "TCS with R/W/X");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0, 0x202, NULL, NULL);
	expect_sgxs_error(&s, "writable page without read");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0, 0x209, NULL, NULL);
	expect_sgxs_error(&s, "reserved SECINFO bits");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0, 0x301, NULL, NULL);
	expect_sgxs_error(&s, "page type 3");
	/* Half a page measured, or measured chunks mixed with unmeasured. */
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0, 0x201, NULL, NULL);
	put_record(&s, "EEXTEND", 0, 0, 0);
	put(&s, page, 256);
	expect_sgxs_error(&s, "partly measured");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_page(&s, 0, 0x201, NULL, NULL);
	put_record(&s, "UNMEASRD", 0, 0, 0);
	put(&s, page, 256);
	put_record(&s, "EEXTEND", 0x100, 0, 0);
	put(&s, page, 256);
	expect_sgxs_error(&s, "out of order");
	put_record(&s, "ECREATE", 0x2000, 0, 1);
	put_record(&s, "EEXTEND", 0, 0, 0);
	put(&s, page, 256);
	expect_sgxs_error(&s, "does not follow the EADD");
}

/* ---- ELF ---- */

/*
 * A minimal enclave image, laid out in a 16 KiB file: headers at 0, text
 * at 0x1000 (vaddr 0), data at 0x2000 (vaddr 0x1000, with .bss up to
 * 0x2800), the note at 0x2800, dynamic entries at 0x3000.
 */
struct elf_fixture {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[8];
	struct softsgx_elf_note note;
	Elf64_Dyn dyn[4];
};

#define FIX_FILE 0x4000
#define FIX_TEXT 0x1000
#define FIX_DATA 0x2000
#define FIX_NOTE 0x2800
#define FIX_DYN 0x3000

static Elf64_Phdr phdr(uint32_t type, uint32_t flags, uint64_t off,
		       uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	return (Elf64_Phdr){ .p_type = type,
			     .p_flags = flags,
			     .p_offset = off,
			     .p_vaddr = vaddr,
			     .p_paddr = vaddr,
			     .p_filesz = filesz,
			     .p_memsz = memsz,
			     .p_align = type == PT_LOAD ? 0x1000 : 4 };
}

static void fixture_default(struct elf_fixture *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_ident[EI_VERSION] = EV_CURRENT;
	f->eh.e_type = ET_DYN;
	f->eh.e_machine = EM_X86_64;
	f->eh.e_version = EV_CURRENT;
	f->eh.e_entry = 0x10;
	f->eh.e_phoff = sizeof(f->eh);
	f->eh.e_ehsize = sizeof(f->eh);
	f->eh.e_phentsize = sizeof(Elf64_Phdr);
	f->eh.e_phnum = 4;
	f->ph[0] = phdr(PT_LOAD, PF_R | PF_X, FIX_TEXT, 0, 0x100, 0x100);
	f->ph[1] = phdr(PT_LOAD, PF_R | PF_W, FIX_DATA, 0x1000, 0x100, 0x1800);
	f->ph[2] = phdr(PT_NOTE, PF_R, FIX_NOTE, 0, sizeof(f->note),
			sizeof(f->note));
	f->ph[3] = phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	f->note.namesz = 8;
	f->note.descsz = sizeof(f->note.desc);
	f->note.type = SOFTSGX_NOTE_LAYOUT;
	memcpy(f->note.name, "softsgx", 8);
	f->note.desc = (struct softsgx_layout_note){
		.version = SOFTSGX_LAYOUT_VERSION,
		.nr_threads = 2,
		.nssa = 2,
		.ssa_frame_size = 1,
		.stack_size = 0x2000,
		.heap_size = 0x3000,
	};
	f->dyn[0].d_tag = DT_NULL;
}

static uint8_t *fixture_file(const struct elf_fixture *f)
{
	uint8_t *buf = calloc(1, FIX_FILE);

	assert_non_null(buf);
	memcpy(buf, &f->eh, sizeof(f->eh));
	memcpy(buf + sizeof(f->eh), f->ph, sizeof(f->ph));
	for (int i = 0; i < 0x100; i++) {
		buf[FIX_TEXT + i] = 0xC3; /* ret */
		buf[FIX_DATA + i] = (uint8_t)(0xA0 + i);
	}
	memset(buf + FIX_DATA + 0x100, 0xEE, FIX_NOTE - FIX_DATA - 0x100);
	memcpy(buf + FIX_NOTE, &f->note, sizeof(f->note));
	memcpy(buf + FIX_DYN, f->dyn, sizeof(f->dyn));
	return buf;
}

static int parse_fixture(const struct elf_fixture *f, struct softsgx_image *img,
			 char *err)
{
	uint8_t *buf = fixture_file(f);
	int ret = parse(img, buf, FIX_FILE, err);

	free(buf);
	return ret;
}

static void expect_elf_error(const struct elf_fixture *f, const char *what)
{
	struct softsgx_image img;
	char err[256];

	assert_int_equal(parse_fixture(f, &img, err), -1);
	if (!strstr(err, what))
		fail_msg("expected '%s' in '%s'", what, err);
}

static const uint8_t *page_at(const struct softsgx_image *img, uint64_t off,
			      uint64_t flags, bool measured)
{
	for (size_t i = 0; i < img->nr_pages; i++) {
		if (img->pages[i].offset != off)
			continue;
		assert_int_equal(img->pages[i].secinfo_flags, flags);
		assert_int_equal(img->pages[i].measured, measured);
		return img->pages[i].data;
	}
	fail_msg("no page at 0x%llx", (unsigned long long)off);
	return NULL;
}

static void assert_no_page(const struct softsgx_image *img, uint64_t off)
{
	for (size_t i = 0; i < img->nr_pages; i++)
		if (img->pages[i].offset == off)
			fail_msg("unexpected page at 0x%llx",
				 (unsigned long long)off);
}

static void check_tcs(const struct softsgx_image *img, uint64_t off,
		      uint64_t ssa, uint64_t td, uint64_t entry, uint32_t nssa)
{
	struct sgx_tcs tcs, zero = { 0 };

	memcpy(&tcs, page_at(img, off, SGX_SECINFO_TCS, true), sizeof(tcs));
	assert_int_equal(tcs.state, 0);
	assert_int_equal(tcs.flags, 0);
	assert_int_equal(tcs.ssa_offset, ssa);
	assert_int_equal(tcs.ssa_index, 0);
	assert_int_equal(tcs.nr_ssa_frames, nssa);
	assert_int_equal(tcs.entry_offset, entry);
	assert_int_equal(tcs.exit_addr, 0);
	assert_int_equal(tcs.fs_offset, td);
	assert_int_equal(tcs.gs_offset, td);
	assert_int_equal(tcs.fs_limit, 0xFFF);
	assert_int_equal(tcs.gs_limit, 0xFFF);
	assert_memory_equal(tcs.reserved, zero.reserved, sizeof(tcs.reserved));
}

static void check_td(const struct softsgx_image *img, uint64_t off,
		     const struct softsgx_thread_data *want)
{
	const uint8_t *data = page_at(img, off, 0x203, true);
	static const uint8_t zero[4096];

	assert_memory_equal(data, want, sizeof(*want));
	assert_memory_equal(data + sizeof(*want), zero, 4096 - sizeof(*want));
}

/* The layout docs/enclave-image.md describes, number by number. */
static void test_elf_layout(void **state)
{
	struct elf_fixture f;
	struct softsgx_image img;
	const uint8_t *data;
	char err[256];

	(void)state;
	fixture_default(&f);
	assert_int_equal(parse_fixture(&f, &img, err), 0);
	assert_int_equal(img.format, SOFTSGX_IMAGE_ELF);
	assert_int_equal(img.size, 0x20000);
	assert_int_equal(img.ssa_frame_size, 1);
	assert_int_equal(img.entry, 0x10);
	assert_int_equal(img.image_end, 0x3000);
	assert_int_equal(img.heap, 0x4000);
	assert_int_equal(img.nr_pages, 18);
	/* Segments: content, then zeros (.bss), all measured. */
	data = page_at(&img, 0x0, 0x205, true);
	assert_int_equal(data[0xFF], 0xC3);
	assert_int_equal(data[0x100], 0);
	data = page_at(&img, 0x1000, 0x203, true);
	assert_int_equal(data[0], 0xA0);
	assert_int_equal(data[0x100], 0); /* not the file's 0xEE */
	data = page_at(&img, 0x2000, 0x203, true);
	assert_int_equal(data[0], 0);
	/* Guard, heap (unmeasured by default), thread 0, thread 1. */
	assert_no_page(&img, 0x3000);
	for (uint64_t p = 0x4000; p < 0x7000; p += 0x1000)
		page_at(&img, p, 0x203, false);
	assert_no_page(&img, 0x7000);
	page_at(&img, 0x8000, 0x203, false);
	page_at(&img, 0x9000, 0x203, false);
	check_tcs(&img, 0xA000, 0xB000, 0xD000, 0x10, 2);
	page_at(&img, 0xB000, 0x203, true);
	page_at(&img, 0xC000, 0x203, true);
	check_td(&img, 0xD000,
		 &(struct softsgx_thread_data){ .self = 0xD000,
						.tcs = 0xA000,
						.stack_top = 0xA000,
						.stack_bottom = 0x8000,
						.ssa = 0xB000,
						.heap = 0x4000,
						.heap_size = 0x3000,
						.enclave_size = 0x20000,
						.thread_index = 0,
						.nr_threads = 2,
						.nssa = 2,
						.ssa_frame_size = 1 });
	assert_no_page(&img, 0xE000);
	check_tcs(&img, 0x11000, 0x12000, 0x14000, 0x10, 2);
	check_td(&img, 0x14000,
		 &(struct softsgx_thread_data){ .self = 0x14000,
						.tcs = 0x11000,
						.stack_top = 0x11000,
						.stack_bottom = 0xF000,
						.ssa = 0x12000,
						.heap = 0x4000,
						.heap_size = 0x3000,
						.enclave_size = 0x20000,
						.thread_index = 1,
						.nr_threads = 2,
						.nssa = 2,
						.ssa_frame_size = 1 });
	assert_int_equal(img.nr_tcs, 2);
	assert_int_equal(img.tcs[1], 0x11000);
	assert_mrenclave_is_stream_hash(&img);
	softsgx_image_free(&img);
}

static void test_elf_runs(void **state)
{
	struct elf_fixture f;
	struct softsgx_image img;
	char err[256];
	size_t pages = 0;

	(void)state;
	fixture_default(&f);
	assert_int_equal(parse_fixture(&f, &img, err), 0);
	/* Runs cover every page once, and their data is contiguous. */
	for (size_t i = 0, n; i < img.nr_pages; i += n) {
		n = softsgx_image_run(&img, i);
		assert_true(n >= 1);
		for (size_t j = 1; j < n; j++)
			assert_ptr_equal(img.pages[i + j].data,
					 (const uint8_t *)img.pages[i].data +
						 j * 4096);
		pages += n;
	}
	assert_int_equal(pages, img.nr_pages);
	assert_int_equal(softsgx_image_run(&img, 1), 2); /* data segment */
	assert_int_equal(softsgx_image_run(&img, 3), 3); /* heap */
	assert_int_equal(softsgx_image_run(&img, img.nr_pages), 0);
	softsgx_image_free(&img);
}

static void test_elf_note_options(void **state)
{
	struct elf_fixture f;
	struct softsgx_image img;
	char err[256];

	(void)state;
	fixture_default(&f);
	f.note.desc.flags =
		SOFTSGX_LAYOUT_MEASURE_HEAP | SOFTSGX_LAYOUT_MEASURE_STACK;
	f.note.desc.enclave_size = 0x100000;
	f.note.desc.nr_threads = 1;
	f.note.desc.heap_size = 0;
	assert_int_equal(parse_fixture(&f, &img, err), 0);
	assert_int_equal(img.size, 0x100000);
	/* No heap: thread 0's guard at 0x4000, stack from 0x5000. */
	assert_no_page(&img, 0x4000);
	page_at(&img, 0x5000, 0x203, true);
	page_at(&img, 0x6000, 0x203, true);
	check_tcs(&img, 0x7000, 0x8000, 0xA000, 0x10, 2);
	assert_int_equal(img.nr_pages, 3 + 2 + 1 + 2 + 1);
	assert_mrenclave_is_stream_hash(&img);
	softsgx_image_free(&img);
}

static void test_elf_rejects_header(void **state)
{
	struct elf_fixture f;

	(void)state;
	fixture_default(&f);
	f.eh.e_type = ET_EXEC;
	expect_elf_error(&f, "ET_DYN");
	fixture_default(&f);
	f.eh.e_machine = EM_386;
	expect_elf_error(&f, "x86-64");
	fixture_default(&f);
	f.eh.e_phnum = 300;
	expect_elf_error(&f, "program header");
	fixture_default(&f);
	f.eh.e_phoff = FIX_FILE - 8;
	expect_elf_error(&f, "program header");
	fixture_default(&f);
	f.eh.e_entry = 0x1000;
	expect_elf_error(&f, "not in an executable segment");
}

static void test_elf_rejects_segments(void **state)
{
	struct elf_fixture f;

	(void)state;
	fixture_default(&f);
	f.ph[1].p_vaddr = 0x800;
	expect_elf_error(&f, "shares a page");
	fixture_default(&f);
	f.ph[1].p_flags = PF_W;
	expect_elf_error(&f, "writable but not readable");
	fixture_default(&f);
	f.ph[1].p_filesz = 0x2000;
	expect_elf_error(&f, "file size beyond");
	fixture_default(&f);
	f.ph[1].p_offset = FIX_FILE;
	expect_elf_error(&f, "file size beyond");
	fixture_default(&f);
	f.ph[1].p_memsz = UINT64_MAX - 0x800;
	expect_elf_error(&f, "too large");
	fixture_default(&f);
	f.ph[4] = phdr(PT_TLS, PF_R, FIX_DATA, 0x1000, 0x10, 0x10);
	f.eh.e_phnum = 5;
	expect_elf_error(&f, "PT_TLS");
	fixture_default(&f);
	f.ph[4] = phdr(PT_INTERP, PF_R, FIX_DATA, 0x1000, 0x10, 0x10);
	f.eh.e_phnum = 5;
	expect_elf_error(&f, "PT_INTERP");
	fixture_default(&f);
	f.ph[0].p_type = PT_NULL;
	f.ph[1].p_type = PT_NULL;
	expect_elf_error(&f, "no loadable segment");
}

static void test_elf_rejects_dynamic(void **state)
{
	struct elf_fixture f;
	struct softsgx_image img;
	char err[256];

	(void)state;
	fixture_default(&f);
	f.ph[4] = phdr(PT_DYNAMIC, PF_R | PF_W, FIX_DYN, 0x2000, sizeof(f.dyn),
		       sizeof(f.dyn));
	f.eh.e_phnum = 5;
	f.dyn[0] = (Elf64_Dyn){ .d_tag = DT_RELASZ, .d_un.d_val = 0 };
	f.dyn[1] = (Elf64_Dyn){ .d_tag = DT_FLAGS_1, .d_un.d_val = DF_1_PIE };
	assert_int_equal(parse_fixture(&f, &img, err), 0); /* none: fine */
	softsgx_image_free(&img);
	f.dyn[0].d_un.d_val = 24;
	expect_elf_error(&f, "dynamic relocations");
	f.dyn[0] = (Elf64_Dyn){ .d_tag = DT_NEEDED, .d_un.d_val = 1 };
	expect_elf_error(&f, "DT_NEEDED");
}

static void test_elf_rejects_note(void **state)
{
	struct elf_fixture f;

	(void)state;
	fixture_default(&f);
	f.note.type = 2;
	expect_elf_error(&f, "no softsgx layout note");
	fixture_default(&f);
	f.note.desc.version = 2;
	expect_elf_error(&f, "version 2");
	fixture_default(&f);
	f.note.desc.reserved2[1] = 1;
	expect_elf_error(&f, "reserved");
	fixture_default(&f);
	f.note.desc.flags = 4;
	expect_elf_error(&f, "unknown flags");
	fixture_default(&f);
	f.note.desc.nr_threads = 0;
	expect_elf_error(&f, "out of range");
	fixture_default(&f);
	f.note.desc.ssa_frame_size = 65;
	expect_elf_error(&f, "out of range");
	fixture_default(&f);
	f.note.desc.stack_size = 0x1800;
	expect_elf_error(&f, "multiple of 4096");
	fixture_default(&f);
	f.note.desc.heap_size = 1ULL << 60;
	expect_elf_error(&f, "multiple of 4096");
	fixture_default(&f);
	f.note.desc.enclave_size = 0x30000;
	expect_elf_error(&f, "power of two");
	fixture_default(&f);
	f.note.desc.enclave_size = 0x10000;
	expect_elf_error(&f, "smaller than the layout");
	fixture_default(&f);
	f.note.desc.heap_size = 0xFFFF0000;
	f.note.desc.nr_threads = 1024;
	f.note.desc.stack_size = 0x100000;
	expect_elf_error(&f, "pages, at most");
	fixture_default(&f);
	f.note.descsz = 60;
	expect_elf_error(&f, "has 60 bytes");
	fixture_default(&f);
	f.note.namesz = 0x7FFFFFFF;
	expect_elf_error(&f, "malformed note");
	fixture_default(&f);
	f.ph[4] = f.ph[2]; /* the same note twice */
	f.eh.e_phnum = 5;
	expect_elf_error(&f, "more than one");
}

/* Random corruption of the headers, the note and the dynamic section. */
static void test_elf_bitflips(void **state)
{
	struct elf_fixture f;
	struct softsgx_image img;
	char err[256];
	uint8_t *buf;

	(void)state;
	fixture_default(&f);
	f.ph[4] = phdr(PT_DYNAMIC, PF_R | PF_W, FIX_DYN, 0x2000, sizeof(f.dyn),
		       sizeof(f.dyn));
	f.eh.e_phnum = 5;
	buf = fixture_file(&f);
	for (int i = 0; i < 20000; i++) {
		static const size_t areas[][2] = { { 0, 64 + 5 * 56 },
						   { FIX_NOTE, 84 },
						   { FIX_DYN, 64 } };
		const size_t *area = areas[rng() % 3];
		size_t bit = (area[0] * 8) + rng() % (area[1] * 8);

		buf[bit / 8] ^= 1 << (bit % 8);
		if (!parse(&img, buf, FIX_FILE, err)) {
			/* A flipped size bit can ask for a huge heap. */
			if (img.nr_pages < 1000)
				assert_mrenclave_is_stream_hash(&img);
			softsgx_image_free(&img);
		} else {
			assert_true(err[0] != '\0');
		}
		buf[bit / 8] ^= 1 << (bit % 8);
	}
	/* Every truncation that cuts a referenced byte is refused. */
	for (size_t n = 0; n < FIX_FILE; n += 7) {
		bool whole = n >= FIX_DYN + sizeof(f.dyn);

		assert_int_equal(parse(&img, buf, n, err), whole ? 0 : -1);
		assert_true(whole || err[0] != '\0');
		softsgx_image_free(&img);
	}
	free(buf);
}

/* Corrupt the real image's ELF and program headers: refused or sound. */
static void hello_bitflips(const char *path)
{
	struct softsgx_image img;
	char err[256];
	size_t len = 0;
	uint8_t *buf = softsgx_read_file(path, SOFTSGX_IMAGE_MAX_FILE, &len);

	assert_non_null(buf);
	assert_true(len > 512);
	for (int i = 0; i < 3000; i++) {
		size_t bit = rng() % (512 * 8);

		buf[bit / 8] ^= 1 << (bit % 8);
		if (!parse(&img, buf, len, err)) {
			if (img.nr_pages < 1000)
				assert_mrenclave_is_stream_hash(&img);
			softsgx_image_free(&img);
		}
		buf[bit / 8] ^= 1 << (bit % 8);
	}
	free(buf);
}

/* The example enclave follows the convention (when the build has it). */
static void test_hello_enclave(void **state)
{
	const char *path = getenv("HELLO_ENCLAVE");
	struct softsgx_image img;
	struct softsgx_thread_data td;
	char err[256];

	(void)state;
	if (!path || !*path) {
		fprintf(stderr, "SKIP: HELLO_ENCLAVE not set\n");
		skip();
	}
	if (softsgx_image_load(&img, path, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	assert_int_equal(img.format, SOFTSGX_IMAGE_ELF);
	assert_int_equal(img.nr_tcs, img.layout.nr_threads);
	assert_true(img.layout.nr_threads >= 1);
	assert_int_equal(img.pages[0].offset, 0);
	assert_true(img.pages[0].secinfo_flags & SGX_SECINFO_X);
	for (size_t t = 0; t < img.nr_tcs; t++) {
		struct sgx_tcs tcs;

		memcpy(&tcs, page_at(&img, img.tcs[t], SGX_SECINFO_TCS, true),
		       sizeof(tcs));
		assert_int_equal(tcs.entry_offset, img.entry);
		memcpy(&td, page_at(&img, tcs.fs_offset, 0x203, true),
		       sizeof(td));
		assert_int_equal(td.tcs, img.tcs[t]);
		assert_int_equal(td.thread_index, t);
		assert_int_equal(td.enclave_size, img.size);
		assert_int_equal(td.stack_top, img.tcs[t]);
	}
	assert_mrenclave_is_stream_hash(&img);
	softsgx_image_free(&img);
	hello_bitflips(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sgxs_vector),
		cmocka_unit_test(test_sgxs_truncations),
		cmocka_unit_test(test_sgxs_bitflips),
		cmocka_unit_test(test_sgxs_synthetic_vector),
		cmocka_unit_test(test_sgxs_unmeasured),
		cmocka_unit_test(test_sgxs_rejects),
		cmocka_unit_test(test_elf_layout),
		cmocka_unit_test(test_elf_runs),
		cmocka_unit_test(test_elf_note_options),
		cmocka_unit_test(test_elf_rejects_header),
		cmocka_unit_test(test_elf_rejects_segments),
		cmocka_unit_test(test_elf_rejects_dynamic),
		cmocka_unit_test(test_elf_rejects_note),
		cmocka_unit_test(test_elf_bitflips),
		cmocka_unit_test(test_hello_enclave),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
