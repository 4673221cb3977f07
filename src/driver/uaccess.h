/* SPDX-License-Identifier: MIT */
/*
 * "User" memory as the kernel driver sees it. The ioctl arguments of the
 * emulated driver are addresses in our own process that the caller chose;
 * any of them may be unmapped, PROT_NONE or read-only. These helpers copy
 * through the kernel, so that a bad address becomes -EFAULT instead of a
 * crash, and describe the mapping (VMA) that holds an address, read from
 * /proc/self/maps every time (nothing is cached: mappings change).
 */
#ifndef SOFTSGX_DRIVER_UACCESS_H
#define SOFTSGX_DRIVER_UACCESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Copy len bytes from/to the address src/dst of this process. 0 on
 * success, -EFAULT if any byte is not readable (copy_from_user) or not
 * writable (copy_to_user) with the mapping's current protection. dst of
 * copy_from_user may have been partly written when -EFAULT is returned.
 */
int copy_from_user(void *dst, unsigned long src, size_t len);
int copy_to_user(unsigned long dst, const void *src, size_t len);

/* Which mechanism the copies use; see uaccess.c. */
enum sgx_uaccess_mode {
	SGX_UACCESS_AUTO, /* process_vm_readv/writev, /proc/self/mem if refused */
	SGX_UACCESS_PROC_MEM, /* always /proc/self/mem (for tests) */
};

void sgx_uaccess_set_mode(enum sgx_uaccess_mode mode);

/* One line of /proc/self/maps, as much as the driver needs of a VMA. */
struct sgx_vma_info {
	unsigned long start, end; /* [start, end) */
	unsigned long prot; /* PROT_READ | PROT_WRITE | PROT_EXEC */
	bool shared; /* MAP_SHARED ('s') */
	bool file; /* backed by a file the process can name */
	bool deleted; /* the file was unlinked ("(deleted)" stripped) */
	bool may_exec; /* the kernel's VM_MAYEXEC: see uaccess.c */
	unsigned int dev_major, dev_minor;
	unsigned long inode;
	/* File path or pseudo name ("[heap]"), "" for anonymous memory. */
	char path[PATH_MAX];
};

/*
 * The VMA that contains addr: 0 and *info, or -EFAULT when addr is in no
 * mapping. Without a readable /proc/self/maps only mapped-or-not is known
 * (mincore), and the VMA is reported as one anonymous RWX page.
 */
int sgx_vma_lookup(unsigned long addr, struct sgx_vma_info *info);

/*
 * The kernel's find_vma(): the first VMA that ends above addr, which need
 * not contain it. 0 and *info, or -EFAULT when there is none.
 */
int sgx_vma_find(unsigned long addr, struct sgx_vma_info *info);

#endif /* SOFTSGX_DRIVER_UACCESS_H */
