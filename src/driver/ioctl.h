/* SPDX-License-Identifier: MIT */
/* Pieces of the ioctl layer shared between its files. */
#ifndef SOFTSGX_DRIVER_IOCTL_H
#define SOFTSGX_DRIVER_IOCTL_H

#include <stdint.h>

struct sgx_encl;

/* ADD_PAGES steps 4-7: offset and length aligned, inside ELRANGE. */
int sgx_validate_offset_length(struct sgx_encl *encl, unsigned long offset,
			       unsigned long length);

/* RESTRICT_PERMISSIONS, MODIFY_TYPES, REMOVE_PAGES; -ENOTTY otherwise. */
long sgx_ioctl_sgx2(struct sgx_encl *encl, unsigned int cmd, unsigned long arg);

/*
 * The SGX2 fault path: EAUG a pending page at offset if none is there
 * (a page already present is success too). 0, -EFAULT (enclave not
 * initialised, outside ELRANGE, EAUG refused) or -ENOMEM (EPC budget).
 */
int sgx_encl_aug_page(struct sgx_encl *encl, uint64_t offset);

/*
 * Set by the shim: re-derive the page tables of an enclave's mappings
 * after pages changed (the kernel zaps PTEs), and make the threads inside
 * an enclave leave it once (the kernel's IPIs after ETRACK).
 */
extern void (*sgx_driver_zap_hook)(struct sgx_encl *encl);
extern void (*sgx_driver_kick_hook)(struct sgx_encl *encl);

#endif /* SOFTSGX_DRIVER_IOCTL_H */
