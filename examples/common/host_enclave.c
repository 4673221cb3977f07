// SPDX-License-Identifier: MIT
/*
 * An ordinary Linux SGX loader for the example hosts (host_enclave.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "host_enclave.h"
#include "host_util.h"
#include "tools/image.h"

#define EENTER 2
#define EEXIT 4

typedef int (*vdso_sgx_enter_enclave_t)(unsigned long rdi, unsigned long rsi,
					unsigned long rdx,
					unsigned int function, unsigned long r8,
					unsigned long r9,
					struct sgx_enclave_run *run);

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
	e->base = host_reserve_elrange(img->size);
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
	sig = host_read_sigstruct(sig_path);
	if (!sig)
		fprintf(stderr, "cannot read the SIGSTRUCT %s\n", sig_path);
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
		enter = (vdso_sgx_enter_enclave_t)host_vdso_sym(
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
