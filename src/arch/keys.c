// SPDX-License-Identifier: MIT
/*
 * EGETKEY, EREPORT and the EINITTOKEN key. Every key is one PRF over one
 * serialisation of the SDM's KEYDEPENDENCIES (spec section 10.5), so that a
 * REPORT MACed by EREPORT verifies with the target's EGETKEY(REPORT) key and
 * an EINITTOKEN MACed by a launch enclave verifies in EINIT.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "arch/keys.h"
#include "arch/secs.h"
#include "arch/util.h"

#define SGX_GP_FAULT (ENCLS_FAULT_FLAG | X86_TRAP_GP)

/* ATTRIBUTES.FLAGS bits EGETKEY always binds: INIT and DEBUG. */
#define SGX_KEY_ALWAYS_BOUND_FLAGS (SGX_ATTR_INIT | SGX_ATTR_DEBUG)

/* 00 01, 330 x FF, 00, then the DER DigestInfo prefix of a SHA-256 hash. */
#define FF8 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
#define FF64 FF8, FF8, FF8, FF8, FF8, FF8, FF8, FF8
const uint8_t sgx_hardcoded_pkcs1_5_padding[SGX_PADDING_SIZE] = {
	0x00, 0x01, FF64, FF64, FF64, FF64, FF64, FF8,	0xFF, 0xFF,
	0x00, 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};
#undef FF64
#undef FF8

/*
 * softsgx's serialisation of KEYDEPENDENCIES: 656 bytes, little-endian,
 * unused fields zero. Its layout is ours, not Intel's (which is secret);
 * changing it changes every key and so makes all sealed data unreadable.
 */
struct sgx_keydeps {
	uint16_t keyname;
	uint16_t keypolicy;
	uint16_t isv_prod_id;
	uint16_t isv_svn;
	uint16_t config_svn;
	uint8_t cet_attributes;
	uint8_t cet_attributes_mask;
	uint32_t miscselect;
	uint32_t misc_mask;
	uint8_t zero[12];
	uint8_t owner_epoch[16];
	uint8_t seal_fuses[16];
	uint8_t cpusvn[SGX_CPUSVN_SIZE];
	struct sgx_attributes attributes;
	struct sgx_attributes attribute_mask;
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t mrsigner[SGX_HASH_SIZE];
	uint8_t keyid[SGX_KEYID_SIZE];
	uint8_t isv_family_id[SGX_ISV_FAMILY_ID_SIZE];
	uint8_t isv_ext_prod_id[SGX_ISVEXT_PROD_ID_SIZE];
	uint8_t config_id[SGX_CONFIGID_SIZE];
	uint8_t padding[SGX_PADDING_SIZE];
} __attribute__((packed));

_Static_assert(sizeof(struct sgx_keydeps) == 656, "KEYDEPENDENCIES");
SGX_ASSERT_OFFSET(struct sgx_keydeps, miscselect, 12);
SGX_ASSERT_OFFSET(struct sgx_keydeps, owner_epoch, 32);
SGX_ASSERT_OFFSET(struct sgx_keydeps, attributes, 80);
SGX_ASSERT_OFFSET(struct sgx_keydeps, mrenclave, 112);
SGX_ASSERT_OFFSET(struct sgx_keydeps, keyid, 176);
SGX_ASSERT_OFFSET(struct sgx_keydeps, config_id, 240);
SGX_ASSERT_OFFSET(struct sgx_keydeps, padding, 304);
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the serialisation is little-endian: integers are stored as is");

/* Fetching the CMAC implementation takes a lock; do it once. */
static EVP_MAC *cmac_impl;
static pthread_once_t cmac_once = PTHREAD_ONCE_INIT;

static void cmac_fetch(void)
{
	cmac_impl = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_CMAC, NULL);
}

int sgx_cmac(const uint8_t key[16], const void *data, size_t len,
	     uint8_t mac[16])
{
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher,
						 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx;
	size_t out_len = 0;
	int ok;

	pthread_once(&cmac_once, cmac_fetch);
	if (!cmac_impl)
		return -1;
	ctx = EVP_MAC_CTX_new(cmac_impl);
	if (!ctx)
		return -1;
	ok = EVP_MAC_init(ctx, key, 16, params) &&
	     EVP_MAC_update(ctx, data, len) &&
	     EVP_MAC_final(ctx, mac, &out_len, 16) && out_len == 16;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

/*
 * The platform's PRF. An OpenSSL failure (allocation) has no architectural
 * outcome; the callers fault the instruction rather than hand out a key.
 */
static int sgx_derive_key(const struct sgx_platform *platform,
			  const struct sgx_keydeps *deps, uint8_t key[16])
{
	return sgx_cmac(platform->root_key, deps, sizeof(*deps), key);
}

/* Fields bound by every EGETKEY key except REPORT, from the SECS. */
static void keydeps_masked(struct sgx_keydeps *deps,
			   const struct sgx_secs *secs,
			   const struct sgx_keyrequest *req)
{
	struct sgx_attributes attr = secs->attributes;

	attr.flags &= req->attribute_mask.flags | SGX_KEY_ALWAYS_BOUND_FLAGS;
	attr.xfrm &= req->attribute_mask.xfrm;
	deps->attributes = attr;
	deps->miscselect = secs->miscselect & req->misc_mask;
	deps->cet_attributes = secs->cet_attributes & req->cet_attributes_mask;
	deps->isv_svn = req->isv_svn;
	memcpy(deps->cpusvn, req->cpusvn, sizeof(deps->cpusvn));
	memcpy(deps->padding, sgx_secs_hidden_const(secs)->padding,
	       sizeof(deps->padding));
}

/* The KEYPOLICY-selected identity of SEAL and PROVISION_SEAL keys. */
static void keydeps_policy(struct sgx_keydeps *deps,
			   const struct sgx_secs *secs,
			   const struct sgx_keyrequest *req)
{
	const struct sgx_secs_hidden *hidden = sgx_secs_hidden_const(secs);
	uint16_t policy = req->keypolicy;

	deps->keypolicy = policy;
	if (!(policy & SGX_KEYPOLICY_NOISVPRODID))
		deps->isv_prod_id = secs->isv_prod_id;
	if (policy & SGX_KEYPOLICY_ISVFAMILYID)
		memcpy(deps->isv_family_id, hidden->isv_family_id,
		       sizeof(deps->isv_family_id));
	if (policy & SGX_KEYPOLICY_ISVEXTPRODID)
		memcpy(deps->isv_ext_prod_id, hidden->isv_ext_prod_id,
		       sizeof(deps->isv_ext_prod_id));
	if (policy & SGX_KEYPOLICY_CONFIGID) {
		memcpy(deps->config_id, secs->config_id,
		       sizeof(deps->config_id));
		deps->config_svn = req->config_svn;
	}
	deps->attribute_mask = req->attribute_mask;
	deps->misc_mask = ~req->misc_mask;
}

/*
 * The REPORT key of the enclave that ti describes (spec 10.3). EREPORT and
 * the target's EGETKEY(REPORT) both come here, so a report verifies iff the
 * TARGETINFO matched the verifier's SECS.
 */
static void keydeps_report(struct sgx_keydeps *deps,
			   const struct sgx_platform *platform,
			   const struct sgx_targetinfo *ti,
			   const uint8_t keyid[SGX_KEYID_SIZE],
			   const uint8_t padding[SGX_PADDING_SIZE])
{
	deps->attributes = ti->attributes;
	deps->miscselect = ti->miscselect;
	deps->cet_attributes = ti->cet_attributes;
	deps->config_svn = ti->config_svn;
	memcpy(deps->config_id, ti->config_id, sizeof(deps->config_id));
	memcpy(deps->mrenclave, ti->mrenclave, sizeof(deps->mrenclave));
	memcpy(deps->cpusvn, platform->cpusvn, sizeof(deps->cpusvn));
	memcpy(deps->keyid, keyid, sizeof(deps->keyid));
	memcpy(deps->owner_epoch, platform->owner_epoch,
	       sizeof(deps->owner_epoch));
	memcpy(deps->seal_fuses, platform->seal_fuses,
	       sizeof(deps->seal_fuses));
	memcpy(deps->padding, padding, sizeof(deps->padding));
}

/* The TARGETINFO that describes the enclave whose SECS is given. */
static void targetinfo_of(struct sgx_targetinfo *ti,
			  const struct sgx_secs *secs)
{
	memset(ti, 0, sizeof(*ti));
	memcpy(ti->mrenclave, secs->mrenclave, sizeof(ti->mrenclave));
	ti->attributes = secs->attributes;
	ti->cet_attributes = secs->cet_attributes;
	ti->config_svn = secs->config_svn;
	ti->miscselect = secs->miscselect;
	memcpy(ti->config_id, secs->config_id, sizeof(ti->config_id));
}

/* KEYDEPENDENCIES of EGETKEY, per key name (spec table 10.1). */
static void keydeps_egetkey(struct sgx_keydeps *deps,
			    const struct sgx_platform *platform,
			    const struct sgx_secs *secs,
			    const struct sgx_keyrequest *req)
{
	uint16_t name = req->keyname;
	struct sgx_targetinfo self;

	memset(deps, 0, sizeof(*deps));
	deps->keyname = name;
	switch (name) {
	case SGX_KEYSELECT_REPORT:
		targetinfo_of(&self, secs);
		keydeps_report(deps, platform, &self, req->keyid,
			       sgx_hardcoded_pkcs1_5_padding);
		break;
	case SGX_KEYSELECT_SEAL:
		keydeps_masked(deps, secs, req);
		keydeps_policy(deps, secs, req);
		deps->cet_attributes_mask = req->cet_attributes_mask;
		if (req->keypolicy & SGX_KEYPOLICY_MRENCLAVE)
			memcpy(deps->mrenclave, secs->mrenclave,
			       sizeof(deps->mrenclave));
		if (req->keypolicy & SGX_KEYPOLICY_MRSIGNER)
			memcpy(deps->mrsigner, secs->mrsigner,
			       sizeof(deps->mrsigner));
		break;
	case SGX_KEYSELECT_PROVISION_SEAL:
		/* Always the signer's: KEYPOLICY.MRENCLAVE does not apply. */
		keydeps_masked(deps, secs, req);
		keydeps_policy(deps, secs, req);
		memcpy(deps->mrsigner, secs->mrsigner, sizeof(deps->mrsigner));
		break;
	case SGX_KEYSELECT_EINITTOKEN:
	case SGX_KEYSELECT_PROVISION:
		keydeps_masked(deps, secs, req);
		deps->isv_prod_id = secs->isv_prod_id;
		memcpy(deps->mrsigner, secs->mrsigner, sizeof(deps->mrsigner));
		if (name == SGX_KEYSELECT_PROVISION) {
			deps->attribute_mask = req->attribute_mask;
			deps->misc_mask = ~req->misc_mask;
		}
		break;
	}

	/*
	 * Provisioning keys survive an owner change and ignore KEYID. The
	 * PROVISION key alone also leaves out the seal fuses: on hardware the
	 * manufacturer, who never learns those, must be able to compute it.
	 */
	if (name != SGX_KEYSELECT_PROVISION &&
	    name != SGX_KEYSELECT_PROVISION_SEAL) {
		memcpy(deps->owner_epoch, platform->owner_epoch,
		       sizeof(deps->owner_epoch));
		memcpy(deps->keyid, req->keyid, sizeof(deps->keyid));
	}
	if (name != SGX_KEYSELECT_PROVISION)
		memcpy(deps->seal_fuses, platform->seal_fuses,
		       sizeof(deps->seal_fuses));
}

/*
 * Spec 10.2 steps 2-3: malformed requests fault. softsgx has no CET, so
 * CET_ATTRIBUTES_MASK is a reserved byte too.
 */
static bool keyrequest_faults(const struct sgx_secs *secs,
			      const struct sgx_keyrequest *req)
{
	bool kss = secs->attributes.flags & SGX_ATTR_KSS;

	if (req->cet_attributes_mask || req->reserved1 ||
	    !all_zero(req->reserved2, sizeof(req->reserved2)))
		return true;
	if (req->keypolicy & SGX_KEYPOLICY_RESERVED_MASK)
		return true;
	return !kss &&
	       ((req->keypolicy & SGX_KEYPOLICY_KSS_MASK) || req->config_svn);
}

/*
 * CPUSVN is a vector of component SVNs; softsgx orders it component-wise:
 * a request is acceptable iff no byte exceeds the platform's (spec 10.2).
 */
static bool cpusvn_beyond(const struct sgx_platform *platform,
			  const uint8_t cpusvn[SGX_CPUSVN_SIZE])
{
	for (int i = 0; i < SGX_CPUSVN_SIZE; i++)
		if (cpusvn[i] > platform->cpusvn[i])
			return true;
	return false;
}

/* Spec 10.2 step 4: the per-key-name checks, in the SDM's order. */
static int keyrequest_check(const struct sgx_platform *platform,
			    const struct sgx_secs *secs,
			    const struct sgx_keyrequest *req)
{
	uint64_t flags = secs->attributes.flags;
	/* Only the keys that bind REQ.CONFIGSVN check it. */
	bool configsvn = req->keyname == SGX_KEYSELECT_SEAL ||
			 req->keyname == SGX_KEYSELECT_PROVISION_SEAL;

	switch (req->keyname) {
	case SGX_KEYSELECT_REPORT:
		return SGX_SUCCESS;
	case SGX_KEYSELECT_EINITTOKEN:
		if (!(flags & SGX_ATTR_EINITTOKENKEY))
			return SGX_INVALID_ATTRIBUTE;
		break;
	case SGX_KEYSELECT_PROVISION:
	case SGX_KEYSELECT_PROVISION_SEAL:
		if (!(flags & SGX_ATTR_PROVISIONKEY))
			return SGX_INVALID_ATTRIBUTE;
		break;
	case SGX_KEYSELECT_SEAL:
		break;
	default:
		return SGX_INVALID_KEYNAME;
	}
	if (cpusvn_beyond(platform, req->cpusvn))
		return SGX_INVALID_CPUSVN;
	if (req->isv_svn > secs->isv_svn)
		return SGX_INVALID_ISVSVN;
	if (configsvn && req->config_svn > secs->config_svn)
		return SGX_INVALID_ISVSVN;
	return SGX_SUCCESS;
}

int sgx_egetkey(const struct sgx_platform *platform,
		const struct sgx_secs *secs, const struct sgx_keyrequest *req,
		uint8_t key[SGX_KEY_SIZE])
{
	struct sgx_keydeps deps;
	uint8_t out[SGX_KEY_SIZE];
	int ret;

	if (keyrequest_faults(secs, req))
		return SGX_GP_FAULT;
	ret = keyrequest_check(platform, secs, req);
	if (ret)
		return ret;
	keydeps_egetkey(&deps, platform, secs, req);
	if (sgx_derive_key(platform, &deps, out))
		return SGX_GP_FAULT;
	memcpy(key, out, sizeof(out));
	return SGX_SUCCESS;
}

/*
 * EREPORT's MAC key. PADDING comes from the reporting enclave's SECS, as in
 * the SDM flow; it is the constant for every initialised enclave.
 */
static int report_key(const struct sgx_platform *platform,
		      const struct sgx_secs *secs,
		      const struct sgx_targetinfo *ti, uint8_t key[16])
{
	struct sgx_keydeps deps;

	memset(&deps, 0, sizeof(deps));
	deps.keyname = SGX_KEYSELECT_REPORT;
	keydeps_report(&deps, platform, ti, platform->report_keyid,
		       sgx_secs_hidden_const(secs)->padding);
	return sgx_derive_key(platform, &deps, key);
}

/* REPORTBODY (spec table 2.12): the reporting enclave's identity. */
static void report_body(struct sgx_report_body *body,
			const struct sgx_platform *platform,
			const struct sgx_secs *secs,
			const uint8_t report_data[SGX_REPORT_DATA_SIZE])
{
	const struct sgx_secs_hidden *hidden = sgx_secs_hidden_const(secs);

	memset(body, 0, sizeof(*body));
	memcpy(body->cpusvn, platform->cpusvn, sizeof(body->cpusvn));
	body->miscselect = secs->miscselect;
	body->cet_attributes = secs->cet_attributes;
	memcpy(body->isv_ext_prod_id, hidden->isv_ext_prod_id,
	       sizeof(body->isv_ext_prod_id));
	body->attributes = secs->attributes;
	memcpy(body->mrenclave, secs->mrenclave, sizeof(body->mrenclave));
	memcpy(body->mrsigner, secs->mrsigner, sizeof(body->mrsigner));
	memcpy(body->config_id, secs->config_id, sizeof(body->config_id));
	body->isv_prod_id = secs->isv_prod_id;
	body->isv_svn = secs->isv_svn;
	body->config_svn = secs->config_svn;
	memcpy(body->isv_family_id, hidden->isv_family_id,
	       sizeof(body->isv_family_id));
	memcpy(body->report_data, report_data, sizeof(body->report_data));
}

int sgx_ereport(const struct sgx_platform *platform,
		const struct sgx_secs *secs,
		const struct sgx_targetinfo *targetinfo,
		const uint8_t report_data[SGX_REPORT_DATA_SIZE],
		struct sgx_report *report)
{
	struct sgx_report out;
	uint8_t key[SGX_KEY_SIZE];

	/* No CET: the CET_ATTRIBUTES byte is reserved like its neighbours. */
	if (targetinfo->cet_attributes || targetinfo->reserved1 ||
	    !all_zero(targetinfo->reserved2, sizeof(targetinfo->reserved2)) ||
	    !all_zero(targetinfo->reserved3, sizeof(targetinfo->reserved3)))
		return SGX_GP_FAULT;

	report_body(&out.body, platform, secs, report_data);
	memcpy(out.keyid, platform->report_keyid, sizeof(out.keyid));
	if (report_key(platform, secs, targetinfo, key) ||
	    sgx_cmac(key, &out.body, sizeof(out.body), out.mac))
		return SGX_GP_FAULT;
	memcpy(report, &out, sizeof(out));
	return SGX_SUCCESS;
}

/*
 * Spec 10.4: the launch enclave's EGETKEY(EINITTOKEN) key, rebuilt from what
 * the LE wrote into the token. It equals the LE's key because the token
 * carries the LE's request and masked identity, and MRSIGNER = LE hash is
 * guaranteed by EINIT's check of the EINITTOKENKEY attribute.
 */
int sgx_einittoken_key(const struct sgx_platform *platform,
		       const uint64_t lepubkeyhash[4],
		       const struct sgx_einittoken *token,
		       uint8_t key[SGX_KEY_SIZE])
{
	struct sgx_keydeps deps;

	memset(&deps, 0, sizeof(deps));
	deps.keyname = SGX_KEYSELECT_EINITTOKEN;
	deps.isv_prod_id = token->isv_prod_id_le;
	deps.isv_svn = token->isv_svn_le;
	deps.attributes = token->masked_attributes_le;
	deps.miscselect = token->masked_miscselect_le;
	/* MSR k holds hash bytes 8k..8k+7 little-endian: a plain copy. */
	memcpy(deps.mrsigner, lepubkeyhash, sizeof(deps.mrsigner));
	memcpy(deps.cpusvn, token->cpusvn_le, sizeof(deps.cpusvn));
	memcpy(deps.keyid, token->keyid, sizeof(deps.keyid));
	memcpy(deps.owner_epoch, platform->owner_epoch,
	       sizeof(deps.owner_epoch));
	memcpy(deps.seal_fuses, platform->seal_fuses, sizeof(deps.seal_fuses));
	memcpy(deps.padding, sgx_hardcoded_pkcs1_5_padding,
	       sizeof(deps.padding));
	return sgx_derive_key(platform, &deps, key) ? -1 : 0;
}
