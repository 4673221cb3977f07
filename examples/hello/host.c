// SPDX-License-Identifier: MIT
/*
 * The hello enclave's host: an ordinary Linux SGX program. It knows nothing
 * of softsgx: it loads the enclave image with the project's loader library,
 * builds and initialises the enclave through /dev/sgx_enclave and the
 * ioctls of <asm/sgx.h>, maps it, finds __vdso_sgx_enter_enclave in the
 * vDSO the way the kernel selftests do, and calls into the enclave.
 *
 * Usage: hello-host ENCLAVE ENCLAVE.sig [CALLS]
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "hello.h"
#include "tools/image.h"

typedef int (*vdso_sgx_enter_enclave_t)(unsigned long rdi, unsigned long rsi,
					unsigned long rdx,
					unsigned int function, unsigned long r8,
					unsigned long r9,
					struct sgx_enclave_run *run);

#define EENTER 2
#define EEXIT 4

/* SysV ELF hash, as DT_HASH uses it. */
static uint32_t elf_hash(const char *name)
{
	uint32_t h = 0, g;

	while (*name) {
		h = (h << 4) + (unsigned char)*name++;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* Look a symbol up in the vDSO through PT_DYNAMIC and DT_HASH. */
static void *vdso_sym(const char *name)
{
	const Elf64_Ehdr *ehdr = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *phdr;
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Sym *symtab = NULL;
	const char *strtab = NULL;
	const Elf32_Word *hash = NULL;
	uintptr_t base, load = 0;

	if (!ehdr)
		return NULL;
	base = (uintptr_t)ehdr;
	phdr = (const void *)(base + ehdr->e_phoff);
	for (int i = 0; i < ehdr->e_phnum; i++) {
		if (phdr[i].p_type == PT_LOAD && !load)
			load = base + phdr[i].p_offset - phdr[i].p_vaddr;
		if (phdr[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(base + phdr[i].p_offset);
	}
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (const void *)(load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const void *)(load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_HASH)
			hash = (const void *)(load + dyn->d_un.d_ptr);
	}
	if (!symtab || !strtab || !hash)
		return NULL;
	for (Elf32_Word i = hash[2 + elf_hash(name) % hash[0]]; i;
	     i = hash[2 + hash[0] + i])
		if (!strcmp(strtab + symtab[i].st_name, name))
			return (void *)(load + symtab[i].st_value);
	return NULL;
}

static void *read_sigstruct(const char *path)
{
	void *sig = aligned_alloc(4096, 4096);
	FILE *f = fopen(path, "rb");

	if (!sig || !f || fread(sig, 1, 1808, f) != 1808) {
		fprintf(stderr, "hello-host: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return sig;
}

/* ELRANGE must be aligned to its size: reserve twice, keep the middle. */
static uint64_t reserve_elrange(uint64_t size)
{
	uint8_t *area = mmap(NULL, 2 * size, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t base;

	if (area == MAP_FAILED)
		return 0;
	base = ((uint64_t)area + size - 1) & ~(size - 1);
	if (base > (uint64_t)area)
		munmap(area, base - (uint64_t)area);
	munmap((void *)(base + size), (uint64_t)area + size - base);
	return base;
}

static int create(int fd, const struct softsgx_image *img, uint64_t base)
{
	struct sgx_secs *secs = aligned_alloc(4096, 4096);
	struct sgx_enclave_create create = { .src = (uint64_t)secs };
	int ret;

	memset(secs, 0, 4096);
	secs->size = img->size;
	secs->base = base;
	secs->ssa_frame_size = img->ssa_frame_size;
	secs->attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	secs->attributes.xfrm = 0x3;
	ret = ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &create);
	free(secs);
	return ret;
}

static int add_pages(int fd, const struct softsgx_image *img)
{
	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);
		struct sgx_secinfo secinfo = {
			.flags = img->pages[i].secinfo_flags
		};
		struct sgx_enclave_add_pages add = {
			.src = (uint64_t)img->pages[i].data,
			.offset = img->pages[i].offset,
			.length = n * 4096,
			.secinfo = (uint64_t)&secinfo,
			.flags = img->pages[i].measured ? SGX_PAGE_MEASURE : 0,
		};

		if (ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add))
			return -1;
		i += n;
	}
	return 0;
}

/* Map every page with the protection its SECINFO allows (TCS: RW). */
static int map_pages(int fd, const struct softsgx_image *img, uint64_t base)
{
	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);
		uint64_t f = img->pages[i].secinfo_flags;
		int prot = (f & SGX_SECINFO_R ? PROT_READ : 0) |
			   (f & SGX_SECINFO_W ? PROT_WRITE : 0) |
			   (f & SGX_SECINFO_X ? PROT_EXEC : 0);

		if ((f & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
			prot = PROT_READ | PROT_WRITE;
		if (mmap((void *)(base + img->pages[i].offset), n * 4096, prot,
			 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
			return -1;
		i += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct softsgx_image img;
	vdso_sgx_enter_enclave_t enter;
	struct sgx_enclave_init init;
	struct hello_args args;
	uint64_t base;
	long calls = argc > 3 ? atol(argv[3]) : 3;
	char err[256];
	int fd;

	if (argc < 3) {
		fprintf(stderr,
			"usage: hello-host ENCLAVE ENCLAVE.sig [CALLS]\n");
		return 2;
	}
	if (softsgx_image_load(&img, argv[1], err, sizeof(err))) {
		fprintf(stderr, "hello-host: %s\n", err);
		return 1;
	}
	init.sigstruct = (uint64_t)read_sigstruct(argv[2]);
	enter = (vdso_sgx_enter_enclave_t)vdso_sym("__vdso_sgx_enter_enclave");
	if (!enter) {
		fprintf(stderr, "hello-host: no __vdso_sgx_enter_enclave\n");
		return 1;
	}
	fd = open("/dev/sgx_enclave", O_RDWR);
	if (fd < 0) {
		perror("hello-host: /dev/sgx_enclave");
		return 1;
	}
	base = reserve_elrange(img.size);
	if (!base || create(fd, &img, base) || add_pages(fd, &img) ||
	    ioctl(fd, SGX_IOC_ENCLAVE_INIT, &init) ||
	    map_pages(fd, &img, base)) {
		perror("hello-host: building the enclave");
		return 1;
	}
	printf("hello-host: enclave initialised at 0x%llx (%llu KiB)\n",
	       (unsigned long long)base, (unsigned long long)img.size >> 10);
	for (long i = 1; i <= calls; i++) {
		struct sgx_enclave_run run = { .tcs = base + img.tcs[0] };
		int ret;

		args = (struct hello_args){ .a = 40, .b = (uint64_t)i };
		ret = enter((unsigned long)&args, 0, 0, EENTER, 0, 0, &run);
		if (ret || run.function != EEXIT) {
			fprintf(stderr,
				"hello-host: ECALL %ld: ret %d function %u "
				"vector %u error 0x%x addr 0x%llx\n",
				i, ret, run.function, run.exception_vector,
				run.exception_error_code,
				(unsigned long long)run.exception_addr);
			return 1;
		}
		if (i <= 3 || i == calls)
			printf("hello-host: enclave says 40 + %ld = %llu "
			       "(call %llu)\n",
			       i, (unsigned long long)args.sum,
			       (unsigned long long)args.calls);
		if (args.sum != 40 + (uint64_t)i || args.calls != (uint64_t)i)
			return 1;
	}
	close(fd);
	free((void *)init.sigstruct);
	softsgx_image_free(&img);
	return 0;
}
