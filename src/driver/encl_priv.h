/* SPDX-License-Identifier: MIT */
/*
 * Between encl.c (memory, destruction, mapping rule) and encl_share.c (who
 * holds an enclave: open, fork, execve, close).
 */
#ifndef SOFTSGX_DRIVER_ENCL_PRIV_H
#define SOFTSGX_DRIVER_ENCL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver/encl.h"

/* Where things are in the alias (offsets from its start). */
struct sgx_encl_layout {
	size_t nr_pages; /* ELRANGE pages backed */
	size_t pages_offset; /* struct sgx_encl_page[nr_pages] */
	size_t epcm_offset; /* struct sgx_epcm_entry[nr_pages + 1] */
	size_t lsm_offset; /* the policy's shared state (src/lsm) */
	size_t alias_size;
};

void sgx_encl_layout(struct sgx_encl_layout *l, uint64_t elrange);

/*
 * Point the handle at an alias mapped at alias for elrange bytes of
 * ELRANGE and register its EPC section. 0 or -ENOMEM.
 */
int sgx_encl_view(struct sgx_encl *encl, void *alias, uint64_t elrange);

/*
 * This process's last reference is gone: forget the enclave, EREMOVE all
 * of it first if no other process holds it (last). The caller unmaps the
 * header and closes the memfd.
 */
void sgx_encl_release(struct sgx_encl *encl, bool last);

#endif /* SOFTSGX_DRIVER_ENCL_PRIV_H */
