/* SPDX-License-Identifier: MIT */
/*
 * Audit records: one AVC-style line per decision that was logged,
 *
 *   avc: denied { execdirty } for pid=42 exe="/usr/bin/app" uid=1000
 *   gid=1000 label="ci" enclave=mrenclave:<64 hex> signer=mrsigner:<64 hex>
 *   addr=0x7f0000001000 op=mprotect model=safe-to-execute rule=12
 *   permissive=0
 *
 * (on one line). "label" is left out when the subject has none;
 * "mrenclave:unknown" while the enclave is being built; rule= is the line
 * of the deciding rule in the policy, or "default". A string that is not
 * plain printable ASCII is written in hex without quotes, as Linux audit
 * does. The file sink puts "audit(SECONDS.MILLIS): " in front.
 */
#ifndef SOFTSGX_LSM_AUDIT_H
#define SOFTSGX_LSM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/policy.h"

/* Long enough for any record. */
#define SGX_LSM_AUDIT_MAX (PATH_MAX * 2 + 512)

struct sgx_lsm_audit_event {
	enum sgx_lsm_perm perm;
	bool granted;
	const char *op; /* load, mmap, mprotect, fault, init, provision, ... */
	uint64_t addr;
	int32_t rule; /* deciding rule index, -1 = default */
};

/* The record, without a newline. Returns its length. */
size_t sgx_lsm_audit_format(char *buf, size_t len,
			    const struct sgx_lsm_policy *policy,
			    const struct sgx_lsm_subject *subject,
			    const struct sgx_lsm_object *object,
			    const struct sgx_lsm_audit_event *ev);

/* Format and send to the policy's sink. */
void sgx_lsm_audit_log(const struct sgx_lsm_policy *policy,
		       const struct sgx_lsm_subject *subject,
		       const struct sgx_lsm_object *object,
		       const struct sgx_lsm_audit_event *ev);

/* For tests: records go to fn instead of the sink (NULL: back to it). */
void sgx_lsm_audit_set_capture(void (*fn)(const char *line, void *arg),
			       void *arg);

#endif /* SOFTSGX_LSM_AUDIT_H */
