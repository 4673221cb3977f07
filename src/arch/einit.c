// SPDX-License-Identifier: MIT
#include <string.h>

#include "arch/encls.h"
#include "arch/epc.h"
#include "arch/keys.h"
#include "arch/secs.h"
#include "arch/sigstruct.h"
#include "arch/util.h"

/* Attributes only an enclave signed by the launch-enclave key may have. */
#define SGX_ATTR_CONTROLLED SGX_ATTR_EINITTOKENKEY

struct einit_identity {
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t mrsigner[SGX_HASH_SIZE];
};

static bool attributes_match(const struct sgx_attributes *have,
			     const struct sgx_attributes *want,
			     const struct sgx_attributes *mask)
{
	return (have->flags & mask->flags) == (want->flags & mask->flags) &&
	       (have->xfrm & mask->xfrm) == (want->xfrm & mask->xfrm);
}

static bool cpusvn_beyond(const uint8_t *svn, const uint8_t *current)
{
	for (int i = 0; i < SGX_CPUSVN_SIZE; i++)
		if (svn[i] > current[i])
			return true;
	return false;
}

static bool token_reserved_clear(const struct sgx_einittoken *t)
{
	return !(t->valid & ~1U) &&
	       all_zero(t->reserved1, sizeof(t->reserved1)) &&
	       all_zero(t->reserved2, sizeof(t->reserved2)) &&
	       all_zero(t->reserved3, sizeof(t->reserved3)) &&
	       all_zero(t->reserved4, sizeof(t->reserved4));
}

/* Step 15: launch authorisation, by token or by the LE hash MSRs. */
static int einit_launch(struct sgx_lp *lp, const struct sgx_secs *secs,
			const struct sgx_einittoken *token,
			const struct einit_identity *id)
{
	uint8_t key[SGX_KEY_SIZE], mac[SGX_MAC_SIZE];

	if (!(token->valid & 1))
		return memcmp(id->mrsigner, lp->lepubkeyhash, SGX_HASH_SIZE) ?
			       SGX_INVALID_EINITTOKEN :
			       SGX_SUCCESS;

	if ((token->masked_attributes_le.flags & SGX_ATTR_DEBUG) &&
	    !(secs->attributes.flags & SGX_ATTR_DEBUG))
		return SGX_INVALID_EINITTOKEN;
	if (!token_reserved_clear(token))
		return SGX_INVALID_EINITTOKEN;
	if (cpusvn_beyond(token->cpusvn_le, lp->cpu->platform.cpusvn))
		return SGX_INVALID_CPUSVN;
	if (sgx_einittoken_key(&lp->cpu->platform, lp->lepubkeyhash, token,
			       key) ||
	    sgx_cmac(key, token, offsetof(struct sgx_einittoken, cpusvn_le),
		     mac) ||
	    memcmp(mac, token->mac, SGX_MAC_SIZE))
		return SGX_INVALID_EINITTOKEN;
	if (memcmp(token->mrenclave, id->mrenclave, SGX_HASH_SIZE) ||
	    memcmp(token->mrsigner, id->mrsigner, SGX_HASH_SIZE))
		return SGX_INVALID_MEASUREMENT;
	if (memcmp(&token->attributes, &secs->attributes,
		   sizeof(token->attributes)))
		return SGX_INVALID_ATTRIBUTE;
	return SGX_SUCCESS;
}

/* Steps 8-15: identity and policy checks against the SIGSTRUCT. */
static int einit_check(struct sgx_lp *lp, struct sgx_secs *secs,
		       const struct sgx_sigstruct *sig,
		       const struct sgx_einittoken *token,
		       struct einit_identity *id)
{
	const struct sgx_sigstruct_body *body = &sig->body;
	struct sgx_attributes attributes = secs->attributes;

	if (!(attributes.flags & SGX_ATTR_KSS) &&
	    !all_zero(body->isv_family_id, sizeof(body->isv_family_id)))
		return SGX_INVALID_SIG_STRUCT;
	if (sgx_secs_measurement(secs, id->mrenclave) ||
	    memcmp(id->mrenclave, body->mrenclave, SGX_HASH_SIZE))
		return SGX_INVALID_MEASUREMENT;
	sgx_sigstruct_mrsigner(sig, id->mrsigner);
	if ((attributes.flags & SGX_ATTR_CONTROLLED) &&
	    memcmp(id->mrsigner, lp->lepubkeyhash, SGX_HASH_SIZE))
		return SGX_INVALID_ATTRIBUTE;
	if (!attributes_match(&attributes, &body->attributes,
			      &body->attributes_mask))
		return SGX_INVALID_ATTRIBUTE;
	if ((secs->miscselect & body->misc_mask) !=
	    (body->miscselect & body->misc_mask))
		return SGX_INVALID_ATTRIBUTE;
	return einit_launch(lp, secs, token, id);
}

static void einit_commit(struct sgx_secs *secs, const struct sgx_sigstruct *sig,
			 const struct einit_identity *id)
{
	struct sgx_secs_hidden *hidden = sgx_secs_hidden(secs);

	memcpy(secs->mrenclave, id->mrenclave, SGX_HASH_SIZE);
	memcpy(secs->mrsigner, id->mrsigner, SGX_HASH_SIZE);
	secs->isv_prod_id = sig->body.isv_prod_id;
	secs->isv_svn = sig->body.isv_svn;
	memcpy(hidden->isv_family_id, sig->body.isv_family_id,
	       SGX_ISV_FAMILY_ID_SIZE);
	memcpy(hidden->isv_ext_prod_id, sig->body.isv_ext_prod_id,
	       SGX_ISVEXT_PROD_ID_SIZE);
	memcpy(hidden->padding, sgx_hardcoded_pkcs1_5_padding,
	       SGX_PADDING_SIZE);
	secs->attributes.flags |= SGX_ATTR_INIT;
}

int sgx_einit(struct sgx_lp *lp, const void *sigstruct, const void *token,
	      void *secs)
{
	struct sgx_sigstruct sig;
	struct sgx_einittoken tok;
	struct sgx_epcm_entry *entry;
	struct einit_identity id;
	int ret;

	if (!IS_ALIGNED(sigstruct, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(secs, SGX_PAGE_SIZE) || !IS_ALIGNED(token, 512))
		return sgx_fault_gp(lp);
	entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)secs);
	if (!entry)
		return sgx_fault_pf(lp, (uintptr_t)secs, 0);

	/* Later writes by software must not change what is verified. */
	memcpy(&sig, sigstruct, sizeof(sig));
	memcpy(&tok, token, sizeof(tok));

	ret = sgx_sigstruct_check_format(&sig);
	if (!ret)
		ret = sgx_sigstruct_verify_signature(&sig);
	if (ret)
		return ret;

	if (!sgx_epcm_trylock(entry))
		return sgx_fault_gp(lp);
	if (!entry->valid || entry->page_type != SGX_PAGE_TYPE_SECS)
		ret = sgx_fault_pf(lp, (uintptr_t)secs, X86_PF_SGX);
	else if (sgx_secs_initialized(secs))
		ret = sgx_fault_gp(lp);
	else
		ret = einit_check(lp, secs, &sig, &tok, &id);
	if (!ret)
		einit_commit(secs, &sig, &id);
	sgx_epcm_unlock(entry);
	return ret;
}
