// SPDX-License-Identifier: MIT
/*
 * An ordinary Linux SGX loader for the example hosts (host_enclave.h).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "host_enclave.h"
#include "tools/image.h"

#define EENTER 2
#define EEXIT 4
#define SIGSTRUCT_SIZE 1808

typedef int (*vdso_sgx_enter_enclave_t)(unsigned long rdi, unsigned long rsi,
					unsigned long rdx,
					unsigned int function, unsigned long r8,
					unsigned long r9,
					struct sgx_enclave_run *run);

/* The System V ABI's ELF hash, which DT_HASH tables are built with. */
static unsigned long elf_hash(const char *name)
{
	unsigned long h = 0;

	for (; *name; name++) {
		h = (h << 4) + (unsigned char)*name;
		h ^= (h >> 24) & 0xf0;
		h &= 0x0fffffff;
	}
	return h;
}

struct vdso {
	uintptr_t load; /* add to a d_ptr or st_value */
	const Elf64_Sym *symtab;
	const char *strtab;
	const Elf32_Word *hash;
};

static int vdso_tables(struct vdso *v)
{
	const Elf64_Ehdr *ehdr = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *phdr;
	const Elf64_Dyn *dyn = NULL;
	bool have_load = false;

	if (!ehdr)
		return -1;
	phdr = (const void *)((uintptr_t)ehdr + ehdr->e_phoff);
	for (int i = 0; i < ehdr->e_phnum; i++) {
		if (phdr[i].p_type == PT_LOAD && !have_load) {
			v->load = (uintptr_t)ehdr + phdr[i].p_offset -
				  phdr[i].p_vaddr;
			have_load = true;
		}
		if (phdr[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((uintptr_t)ehdr +
					     phdr[i].p_offset);
	}
	for (; have_load && dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			v->symtab = (const void *)(v->load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			v->strtab = (const void *)(v->load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_HASH)
			v->hash = (const void *)(v->load + dyn->d_un.d_ptr);
	}
	return v->symtab && v->strtab && v->hash ? 0 : -1;
}

/* DT_HASH: nbucket, nchain, buckets, then the chains. */
static void *vdso_sym(const char *name)
{
	struct vdso v = { 0 };
	Elf32_Word nbucket;

	if (vdso_tables(&v))
		return NULL;
	nbucket = v.hash[0];
	for (Elf32_Word i = v.hash[2 + elf_hash(name) % nbucket]; i;
	     i = v.hash[2 + nbucket + i])
		if (!strcmp(v.strtab + v.symtab[i].st_name, name))
			return (void *)(v.load + v.symtab[i].st_value);
	return NULL;
}

/* EINIT wants the SIGSTRUCT page aligned. */
static void *read_sigstruct(const char *path)
{
	void *sig = aligned_alloc(4096, 4096);
	FILE *f = fopen(path, "rb");
	int ok = sig && f && fread(sig, 1, SIGSTRUCT_SIZE, f) == SIGSTRUCT_SIZE;

	if (f)
		fclose(f);
	if (!ok) {
		fprintf(stderr, "cannot read the SIGSTRUCT %s\n", path);
		free(sig);
		return NULL;
	}
	return sig;
}

/* ELRANGE must be aligned to its size: reserve twice that, keep a window. */
static uint64_t reserve_elrange(uint64_t size)
{
	uint8_t *area = mmap(NULL, 2 * size, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t start, base;

	if (area == MAP_FAILED)
		return 0;
	start = (uint64_t)area;
	base = (start + size - 1) & ~(size - 1);
	if (base > start)
		munmap(area, base - start);
	munmap((void *)(base + size), start + size - base);
	return base;
}

static int create(struct host_enclave *e, const struct softsgx_image *img)
{
	struct sgx_secs *secs = aligned_alloc(4096, 4096);
	struct sgx_enclave_create create = { .src = (uint64_t)secs };
	int ret;

	if (!secs)
		return -1;
	memset(secs, 0, 4096);
	secs->size = img->size;
	secs->base = e->base;
	secs->ssa_frame_size = img->ssa_frame_size;
	/* A production enclave: the sealing keys depend on DEBUG. */
	secs->attributes.flags = SGX_ATTR_MODE64BIT;
	secs->attributes.xfrm = 0x3;
	ret = ioctl(e->fd, SGX_IOC_ENCLAVE_CREATE, &create);
	free(secs);
	return ret;
}

static int add_pages(struct host_enclave *e, const struct softsgx_image *img)
{
	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);
		struct sgx_secinfo secinfo = {
			.flags = img->pages[i].secinfo_flags,
		};
		struct sgx_enclave_add_pages add = {
			.src = (uint64_t)img->pages[i].data,
			.offset = img->pages[i].offset,
			.length = n * 4096,
			.secinfo = (uint64_t)&secinfo,
			.flags = img->pages[i].measured ? SGX_PAGE_MEASURE : 0,
		};

		if (ioctl(e->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add))
			return -1;
		i += n;
	}
	return 0;
}

/* Each run of pages with the protection its SECINFO allows (TCS: RW). */
static int map_pages(struct host_enclave *e, const struct softsgx_image *img)
{
	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);
		uint64_t f = img->pages[i].secinfo_flags;
		int prot = (f & SGX_SECINFO_R ? PROT_READ : 0) |
			   (f & SGX_SECINFO_W ? PROT_WRITE : 0) |
			   (f & SGX_SECINFO_X ? PROT_EXEC : 0);

		if ((f & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
			prot = PROT_READ | PROT_WRITE;
		if (mmap((void *)(e->base + img->pages[i].offset), n * 4096,
			 prot, MAP_SHARED | MAP_FIXED, e->fd, 0) == MAP_FAILED)
			return -1;
		i += n;
	}
	return 0;
}

static int build(struct host_enclave *e, const struct softsgx_image *img,
		 void *sig)
{
	struct sgx_enclave_init init = { .sigstruct = (uint64_t)sig };

	if (!img->nr_tcs) {
		errno = EINVAL;
		return -1;
	}
	e->size = img->size;
	e->base = reserve_elrange(img->size);
	e->tcs = e->base + img->tcs[0];
	if (!e->base || create(e, img) || add_pages(e, img) ||
	    ioctl(e->fd, SGX_IOC_ENCLAVE_INIT, &init) || map_pages(e, img))
		return -1;
	return 0;
}

int host_enclave_load(struct host_enclave *e, const char *name,
		      const char *image, const char *sig_path)
{
	struct softsgx_image img;
	char err[256];
	void *sig;
	int ret = -1;

	memset(e, 0, sizeof(*e));
	e->name = name;
	e->fd = -1;
	if (softsgx_image_load(&img, image, err, sizeof(err))) {
		fprintf(stderr, "enclave %s: %s\n", name, err);
		return -1;
	}
	sig = read_sigstruct(sig_path);
	e->fd = sig ? open("/dev/sgx_enclave", O_RDWR | O_CLOEXEC) : -1;
	if (sig && e->fd < 0)
		perror("/dev/sgx_enclave (run under `softsgx run`?)");
	else if (sig && build(e, &img, sig))
		fprintf(stderr, "enclave %s: building it from %s: %s\n", name,
			image, strerror(errno));
	else if (sig)
		ret = 0;
	free(sig);
	softsgx_image_free(&img);
	if (ret)
		host_enclave_unload(e);
	return ret;
}

/*
 * The vDSO calls this on every way out of the enclave, with the registers
 * the enclave left: keep RDI, where the enclave bootstrap puts its result.
 */
static int exit_handler(long rdi, long rsi, long rdx, long rsp, long r8,
			long r9, struct sgx_enclave_run *run)
{
	(void)rsi, (void)rdx, (void)rsp, (void)r8, (void)r9;
	run->user_data = (uint64_t)rdi;
	return 0; /* return to the caller of the vDSO */
}

int host_enclave_call(struct host_enclave *e, void *args, uint64_t *result)
{
	static vdso_sgx_enter_enclave_t enter;
	struct sgx_enclave_run run = {
		.tcs = e->tcs,
		.user_handler = (uint64_t)exit_handler,
	};
	int ret;

	if (!enter)
		enter = (vdso_sgx_enter_enclave_t)vdso_sym(
			"__vdso_sgx_enter_enclave");
	if (!enter) {
		fprintf(stderr, "no __vdso_sgx_enter_enclave in the vDSO\n");
		return -1;
	}
	ret = enter((unsigned long)args, 0, 0, EENTER, 0, 0, &run);
	if (ret || run.function != EEXIT) {
		fprintf(stderr,
			"enclave %s: call failed: ret %d, leaf %u, exception "
			"vector %u error 0x%x address 0x%llx\n",
			e->name, ret, run.function, run.exception_vector,
			run.exception_error_code,
			(unsigned long long)run.exception_addr);
		return -1;
	}
	*result = run.user_data;
	return 0;
}

void host_enclave_unload(struct host_enclave *e)
{
	/* Closing the last reference (fd and mappings) frees the enclave. */
	if (e->base)
		munmap((void *)e->base, e->size);
	if (e->fd >= 0)
		close(e->fd);
	e->base = 0;
	e->fd = -1;
}

char *host_file_beside_exe(const char *file)
{
	char exe[4096], *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0) {
		perror("/proc/self/exe");
		exit(1);
	}
	exe[n] = '\0';
	if (asprintf(&path, "%s/%s", dirname(exe), file) < 0) {
		perror("asprintf");
		exit(1);
	}
	return path;
}
