// SPDX-License-Identifier: MIT
/*
 * A program that maps the whole enclave range read-write-execute before
 * any page exists (upstream allows it), then adds one RWX page. The policy
 * must still decide about W+X for that page when it appears under the
 * mapping: denied (mapwx), reading it faults; allowed, it reads back.
 * Prints "read: ok" or "read: fault" and exits 0, or 2 on set-up errors.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#define SIZE 0x10000UL
#define PAGE 4096UL

static sigjmp_buf jump;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(jump, 1);
}

static uint64_t reserve(void)
{
	uint8_t *area = mmap(NULL, 2 * SIZE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t base = ((uint64_t)area + SIZE - 1) & ~(SIZE - 1);

	if (area == MAP_FAILED)
		exit(2);
	return base;
}

static void create(int fd, uint64_t base)
{
	uint8_t *secs = aligned_alloc(PAGE, PAGE);
	struct sgx_enclave_create c = { .src = (uint64_t)secs };

	memset(secs, 0, PAGE);
	*(uint64_t *)secs = SIZE; /* SECS.SIZE */
	*(uint64_t *)(secs + 8) = base; /* SECS.BASEADDR */
	*(uint32_t *)(secs + 16) = 1; /* SSAFRAMESIZE */
	*(uint64_t *)(secs + 48) = 0x4; /* ATTRIBUTES: MODE64BIT */
	*(uint64_t *)(secs + 56) = 0x3; /* XFRM */
	if (ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c)) {
		perror("CREATE");
		exit(2);
	}
	free(secs);
}

static void add_rwx_page(int fd)
{
	uint8_t secinfo[64] __attribute__((aligned(64))) = { 0 };
	uint8_t *src = aligned_alloc(PAGE, PAGE);
	struct sgx_enclave_add_pages add = { .src = (uint64_t)src,
					     .offset = 0,
					     .length = PAGE,
					     .secinfo = (uint64_t)secinfo };

	memset(src, 0x5a, PAGE);
	*(uint64_t *)secinfo = 0x207; /* PT_REG | R | W | X */
	if (ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add)) {
		perror("ADD_PAGES");
		exit(2);
	}
	free(src);
}

int main(void)
{
	int fd = open("/dev/sgx_enclave", O_RDWR);
	uint64_t base = reserve();
	volatile uint8_t *page = (volatile uint8_t *)base;

	if (fd < 0 ||
	    mmap((void *)base, SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		perror("device");
		return 2;
	}
	create(fd, base);
	add_rwx_page(fd);
	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);
	if (!sigsetjmp(jump, 1))
		printf("read: %s\n", *page == 0x5a ? "ok" : "wrong");
	else
		printf("read: fault\n");
	return 0;
}
