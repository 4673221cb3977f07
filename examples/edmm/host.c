// SPDX-License-Identifier: MIT
/*
 * The EDMM examples' host library (host.h): an ordinary SGX host that
 * uses only the device, the ioctls of <asm/sgx.h>, mmap and the vDSO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host.h"
#include "host_util.h"

int edmm_vdso_call(unsigned long rdi, unsigned long rsi, unsigned long rdx,
		   unsigned int function, unsigned long r8, unsigned long r9,
		   struct sgx_enclave_run *run, void *vdso);

static int create(struct edmm_host *h)
{
	struct sgx_secs *secs = aligned_alloc(4096, 4096);
	struct sgx_enclave_create create = { .src = (uint64_t)secs };
	int ret;

	if (!secs)
		return -1;
	memset(secs, 0, 4096);
	secs->size = h->size;
	secs->base = h->base;
	secs->ssa_frame_size = h->img.ssa_frame_size;
	secs->attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	secs->attributes.xfrm = 0x3;
	ret = ioctl(h->fd, SGX_IOC_ENCLAVE_CREATE, &create);
	free(secs);
	return ret;
}

static int add_pages(struct edmm_host *h)
{
	const struct softsgx_image *img = &h->img;

	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);
		struct sgx_secinfo secinfo = {
			.flags = img->pages[i].secinfo_flags
		};
		struct sgx_enclave_add_pages add = {
			.src = (uint64_t)img->pages[i].data,
			.offset = img->pages[i].offset,
			.length = n * EDMM_PAGE,
			.secinfo = (uint64_t)&secinfo,
			.flags = img->pages[i].measured ? SGX_PAGE_MEASURE : 0,
		};

		if (ioctl(h->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add))
			return -1;
		i += n;
	}
	return 0;
}

static int init(struct edmm_host *h, const char *sig_path)
{
	struct sgx_enclave_init init = { 0 };
	void *sig = host_read_sigstruct(sig_path);
	int ret;

	if (!sig) {
		fprintf(stderr, "%s: cannot read %s\n", h->name, sig_path);
		return -1;
	}
	init.sigstruct = (uint64_t)sig;
	ret = ioctl(h->fd, SGX_IOC_ENCLAVE_INIT, &init);
	free(sig);
	return ret;
}

static int secinfo_prot(uint64_t flags)
{
	if ((flags & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
		return PROT_READ | PROT_WRITE;
	return (flags & SGX_SECINFO_R ? PROT_READ : 0) |
	       (flags & SGX_SECINFO_W ? PROT_WRITE : 0) |
	       (flags & SGX_SECINFO_X ? PROT_EXEC : 0);
}

static int map(struct edmm_host *h, uint64_t offset, uint64_t len, int prot)
{
	return mmap((void *)(h->base + offset), len, prot,
		    MAP_SHARED | MAP_FIXED, h->fd, 0) == MAP_FAILED ?
		       -1 :
		       0;
}

/* Each image page with what its SECINFO allows, then the dynamic region. */
static int map_all(struct edmm_host *h, int dyn_prot)
{
	const struct softsgx_image *img = &h->img;

	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);

		if (map(h, img->pages[i].offset, n * EDMM_PAGE,
			secinfo_prot(img->pages[i].secinfo_flags)))
			return -1;
		i += n;
	}
	return map(h, h->dyn, h->size - h->dyn, dyn_prot);
}

/* The image must leave the dynamic region free. */
static int check_layout(struct edmm_host *h)
{
	const struct softsgx_image *img = &h->img;

	for (size_t i = 0; i < img->nr_pages; i++)
		if (img->pages[i].offset >= h->dyn) {
			fprintf(stderr,
				"%s: the image reaches into the dynamic "
				"region at 0x%llx\n",
				h->name, (unsigned long long)h->dyn);
			return -1;
		}
	return 0;
}

static int build(struct edmm_host *h, const char *sig, int dyn_prot)
{
	if (check_layout(h))
		return -1;
	h->base = host_reserve_elrange(h->size);
	if (!h->base || create(h) || add_pages(h) || init(h, sig) ||
	    map_all(h, dyn_prot)) {
		fprintf(stderr, "%s: building the enclave: %s\n", h->name,
			strerror(errno));
		return -1;
	}
	return 0;
}

int edmm_host_open(struct edmm_host *h, const char *name, const char *image,
		   const char *sig, int dyn_prot)
{
	char err[256];

	memset(h, 0, sizeof(*h));
	h->name = name;
	h->fd = -1;
	if (softsgx_image_load(&h->img, image, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", name, err);
		return -1;
	}
	h->size = h->img.size;
	h->dyn = EDMM_DYN_OFFSET(h->size);
	h->vdso_enter = host_vdso_sym("__vdso_sgx_enter_enclave");
	if (!h->vdso_enter) {
		fprintf(stderr, "%s: no __vdso_sgx_enter_enclave\n", name);
		return -1;
	}
	h->fd = open("/dev/sgx_enclave", O_RDWR);
	if (h->fd < 0) {
		fprintf(stderr, "%s: /dev/sgx_enclave: %s\n", name,
			strerror(errno));
		return -1;
	}
	return build(h, sig, dyn_prot);
}

void edmm_host_close(struct edmm_host *h)
{
	if (h->base)
		munmap((void *)h->base, h->size);
	if (h->fd >= 0)
		close(h->fd);
	softsgx_image_free(&h->img);
	h->base = 0;
	h->fd = -1;
}

int edmm_host_map(struct edmm_host *h, uint64_t offset, uint64_t len, int prot)
{
	return map(h, offset, len, prot) ? -errno : 0;
}

uint64_t edmm_host_tcs(const struct edmm_host *h, unsigned int i)
{
	return i < h->img.nr_tcs ? h->base + h->img.tcs[i] : 0;
}

int edmm_host_enter(struct edmm_host *h, unsigned int function,
		    struct sgx_enclave_run *run, struct edmm_call *call)
{
	return edmm_vdso_call((unsigned long)call, 0, 0, function, 0, 0, run,
			      h->vdso_enter);
}

static int sgx_ioctl(struct edmm_host *h, unsigned long cmd, void *arg)
{
	return ioctl(h->fd, cmd, arg) ? -errno : 0;
}

int edmm_modify_types(struct edmm_host *h, uint64_t offset, uint64_t len,
		      uint64_t type, uint64_t *result)
{
	struct sgx_enclave_modify_types mt = { .offset = offset,
					       .length = len,
					       .page_type = type };
	int ret = sgx_ioctl(h, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt);

	if (result)
		*result = mt.result;
	return ret;
}

int edmm_remove_pages(struct edmm_host *h, uint64_t offset, uint64_t len)
{
	struct sgx_enclave_remove_pages rp = { .offset = offset,
					       .length = len };

	return sgx_ioctl(h, SGX_IOC_ENCLAVE_REMOVE_PAGES, &rp);
}

int edmm_restrict(struct edmm_host *h, uint64_t offset, uint64_t len,
		  uint64_t perm, uint64_t *result)
{
	struct sgx_enclave_restrict_permissions rp = { .offset = offset,
						       .length = len,
						       .permissions = perm };
	int ret = sgx_ioctl(h, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp);

	if (result)
		*result = rp.result;
	return ret;
}

int edmm_mprotect(struct edmm_host *h, uint64_t offset, uint64_t len,
		  uint64_t perm)
{
	int prot = secinfo_prot(perm & SGX_SECINFO_PERMISSION_MASK);

	/* Bounded to ELRANGE: the enclave must not change the host's maps. */
	if (offset >= h->size || len > h->size - offset)
		return -EINVAL;
	return mprotect((void *)(h->base + offset), len, prot) ? -errno : 0;
}

int64_t edmm_host_ocall(struct edmm_host *h, struct edmm_call *call)
{
	uint64_t off = call->oarg[0], len = call->oarg[1];
	int64_t ret;

	switch (call->ocall) {
	case EDMM_OCALL_TRIM:
		ret = edmm_modify_types(h, off, len, EDMM_PT_TRIM, NULL);
		break;
	case EDMM_OCALL_REMOVE:
		ret = edmm_remove_pages(h, off, len);
		break;
	case EDMM_OCALL_MAKE_TCS:
		ret = edmm_modify_types(h, off, len, EDMM_PT_TCS, NULL);
		break;
	case EDMM_OCALL_RESTRICT:
		ret = edmm_restrict(h, off, len, call->oarg[2], NULL);
		break;
	case EDMM_OCALL_MPROTECT:
		ret = edmm_mprotect(h, off, len, call->oarg[2]);
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	call->oret = ret;
	call->ocall = EDMM_OCALL_NONE;
	return ret;
}

int edmm_host_call(struct edmm_host *h, uint64_t tcs, struct edmm_call *call,
		   struct sgx_enclave_run *run)
{
	int ret;

	memset(run, 0, sizeof(*run));
	run->tcs = tcs;
	call->ocall = EDMM_OCALL_NONE;
	call->ret = EDMM_ERR_EXCEPTION; /* unless the enclave says otherwise */
	for (;;) {
		ret = edmm_host_enter(h, EDMM_EENTER, run, call);
		if (ret || run->function != EDMM_EEXIT)
			return -1;
		if (call->ocall == EDMM_OCALL_NONE)
			return 0;
		edmm_host_ocall(h, call);
	}
}

long edmm_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

void edmm_host_report(const struct edmm_host *h, const char *what, int ret,
		      const struct sgx_enclave_run *run)
{
	fprintf(stderr,
		"%s: %s: vDSO %d, function %u, vector %u, error code 0x%x, "
		"address 0x%llx\n",
		h->name, what, ret, run->function, run->exception_vector,
		run->exception_error_code,
		(unsigned long long)run->exception_addr);
}
