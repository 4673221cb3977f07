/* SPDX-License-Identifier: MIT */
/* What the files of src/lsm/ share and nobody else needs. */
#ifndef SOFTSGX_LSM_PRIV_H
#define SOFTSGX_LSM_PRIV_H

#include <stdint.h>

#include "lsm/audit.h"
#include "lsm/policy.h"

/* The rule index (policy.c); built once the rules are parsed. */
int sgx_lsm_index_build(struct sgx_lsm_policy *policy);
void sgx_lsm_index_free(struct sgx_lsm_index *index);

/* The subject the hooks use: the caller, or the test override. */
const struct sgx_lsm_subject *sgx_lsm_hook_subject(struct sgx_lsm_subject *buf);

#endif /* SOFTSGX_LSM_PRIV_H */
