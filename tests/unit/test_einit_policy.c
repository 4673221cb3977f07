// SPDX-License-Identifier: MIT
/*
 * EINIT's identity, policy and launch checks on enclaves signed here: the
 * SIGSTRUCT masks (ATTRIBUTES, XFRM, MISCSELECT), KSS fields, and the
 * EINITTOKEN path a launch enclave would use instead of the LE hash MSRs.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arch/keys.h"
#include "arch/secs.h"
#include "arch/sigstruct.h"
#include "tools/sign.h"

#define BASE 0x40000000ULL
#define SIZE 0x4000ULL

struct keys {
	EVP_PKEY *isv; /* the enclave's signer */
	EVP_PKEY *le; /* a launch enclave signer */
};

struct fixture {
	struct keys *keys;
	struct test_env *env;
	struct sgx_secs *secs;
	struct sgx_sigstruct *sig;
	struct sgx_einittoken *token;
	uint8_t mrenclave[SGX_HASH_SIZE];
	struct softsgx_sign_params params;
};

static int group_setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));

	k->isv = softsgx_keygen();
	k->le = softsgx_keygen();
	assert_non_null(k->isv);
	assert_non_null(k->le);
	*state = k;
	return 0;
}

static int group_teardown(void **state)
{
	struct keys *k = *state;

	EVP_PKEY_free(k->isv);
	EVP_PKEY_free(k->le);
	free(k);
	return 0;
}

/* A two-page enclave: one measured code page, one unmeasured data page. */
static void build(struct fixture *f, uint64_t flags, uint64_t xfrm,
		  uint32_t miscselect, bool kss_config)
{
	struct sgx_secs *src = test_alloc_page(1);
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_SECS };
	struct sgx_pageinfo pginfo = { .contents = (uintptr_t)src,
				       .metadata = (uintptr_t)&secinfo };
	uint8_t *page = test_alloc_page(1);

	if (f->env)
		test_env_free(f->env);
	f->env = test_env_new(4);
	src->base = BASE;
	src->size = SIZE;
	src->ssa_frame_size = 1;
	src->attributes.flags = flags;
	src->attributes.xfrm = xfrm;
	src->miscselect = miscselect;
	if (kss_config)
		src->config_id[0] = 0xc0;
	f->secs = test_epc_page(f->env, 0);
	assert_int_equal(sgx_ecreate(&f->env->lp, &pginfo, f->secs), 0);
	memset(page, 0xc3, SGX_PAGE_SIZE);
	assert_int_equal(
		test_eadd(f->env, f->secs, 1, 0,
			  SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X, page,
			  1),
		0);
	assert_int_equal(
		test_eadd(f->env, f->secs, 2, 0x1000,
			  SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W, page,
			  0),
		0);
	assert_int_equal(sgx_secs_measurement(f->secs, f->mrenclave), 0);
	free(src);
	free(page);
}

static void sign(struct fixture *f)
{
	assert_int_equal(
		softsgx_sign(f->keys->isv, &f->params, f->mrenclave, f->sig),
		0);
}

/* FLC as Linux does it: the LE hash MSRs hold the enclave signer's hash. */
static void flc(struct fixture *f)
{
	uint8_t mrsigner[SGX_HASH_SIZE];

	sgx_sigstruct_mrsigner(f->sig, mrsigner);
	sgx_lp_set_lepubkeyhash(&f->env->lp, mrsigner);
}

static int einit(struct fixture *f)
{
	return sgx_einit(&f->env->lp, f->sig, f->token, f->secs);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->keys = *state;
	f->sig = aligned_alloc(SGX_PAGE_SIZE, SGX_PAGE_SIZE);
	f->token = aligned_alloc(512, 512);
	memset(f->token, 0, 512);
	softsgx_sign_params_default(&f->params);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->env)
		test_env_free(f->env);
	free(f->sig);
	free(f->token);
	free(f);
	return 0;
}

static void test_accepts_and_commits(void **state)
{
	struct fixture *f = *state;
	uint8_t mrsigner[SGX_HASH_SIZE];

	build(f, SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG, 0x3, 0, false);
	f->params.isv_prod_id = 7;
	f->params.isv_svn = 3;
	sign(f);
	flc(f);
	assert_int_equal(einit(f), 0);
	assert_memory_equal(f->secs->mrenclave, f->mrenclave, SGX_HASH_SIZE);
	assert_int_equal(softsgx_key_mrsigner(f->keys->isv, mrsigner), 0);
	assert_memory_equal(f->secs->mrsigner, mrsigner, SGX_HASH_SIZE);
	assert_int_equal(f->secs->isv_prod_id, 7);
	assert_int_equal(f->secs->isv_svn, 3);
	assert_memory_equal(sgx_secs_hidden(f->secs)->padding,
			    sgx_hardcoded_pkcs1_5_padding, SGX_PADDING_SIZE);
	/* The measurement is frozen: no more EADD. */
	assert_int_equal(test_eadd(f->env, f->secs, 3, 0x2000,
				   SGX_SECINFO_REG | SGX_SECINFO_R, f->secs, 0),
			 ENCLS_FAULT_FLAG | X86_TRAP_GP);
}

static void test_attribute_masks(void **state)
{
	struct fixture *f = *state;

	/* The signer requires DEBUG: a production enclave is refused. */
	build(f, SGX_ATTR_MODE64BIT, 0x3, 0, false);
	f->params.attributes.flags |= SGX_ATTR_DEBUG;
	f->params.attributes_mask.flags |= SGX_ATTR_DEBUG;
	sign(f);
	flc(f);
	assert_int_equal(einit(f), SGX_INVALID_ATTRIBUTE);

	/* XFRM is enforced through the mask: AVX state not signed for. */
	build(f, SGX_ATTR_MODE64BIT, 0x7, 0, false);
	softsgx_sign_params_default(&f->params);
	f->params.attributes_mask.xfrm = 0x7;
	sign(f);
	flc(f);
	assert_int_equal(einit(f), SGX_INVALID_ATTRIBUTE);
	/* ... and allowed when the mask leaves AVX free. */
	f->params.attributes_mask.xfrm = 0x3;
	sign(f);
	assert_int_equal(einit(f), 0);
}

static void test_miscselect_mask(void **state)
{
	struct fixture *f = *state;

	build(f, SGX_ATTR_MODE64BIT, 0x3, SGX_MISC_EXINFO, false);
	sign(f); /* miscselect 0, every bit enforced */
	flc(f);
	assert_int_equal(einit(f), SGX_INVALID_ATTRIBUTE);
	f->params.misc_mask = ~SGX_MISC_EXINFO;
	sign(f);
	assert_int_equal(einit(f), 0);
}

static void test_kss_fields(void **state)
{
	struct fixture *f = *state;

	build(f, SGX_ATTR_MODE64BIT, 0x3, 0, false);
	f->params.isv_family_id[0] = 1;
	sign(f);
	flc(f);
	assert_int_equal(einit(f), SGX_INVALID_SIG_STRUCT);

	build(f, SGX_ATTR_MODE64BIT | SGX_ATTR_KSS, 0x3, 0, true);
	f->params.attributes_mask.flags &= ~SGX_ATTR_KSS;
	f->params.isv_ext_prod_id[15] = 0xee;
	sign(f);
	flc(f);
	assert_int_equal(einit(f), 0);
	assert_int_equal(sgx_secs_hidden(f->secs)->isv_family_id[0], 1);
	assert_int_equal(sgx_secs_hidden(f->secs)->isv_ext_prod_id[15], 0xee);
}

/* The CMAC a launch enclave puts on a token, with its EINITTOKEN key. */
static void remac(struct fixture *f)
{
	uint8_t key[SGX_KEY_SIZE];

	assert_int_equal(sgx_einittoken_key(&f->env->cpu.platform,
					    f->env->lp.lepubkeyhash, f->token,
					    key),
			 0);
	assert_int_equal(sgx_cmac(key, f->token,
				  offsetof(struct sgx_einittoken, cpusvn_le),
				  f->token->mac),
			 0);
}

static void make_token(struct fixture *f)
{
	struct sgx_einittoken *t = f->token;

	memset(t, 0, sizeof(*t));
	t->valid = 1;
	t->attributes = f->secs->attributes;
	memcpy(t->mrenclave, f->mrenclave, SGX_HASH_SIZE);
	sgx_sigstruct_mrsigner(f->sig, t->mrsigner);
	memcpy(t->cpusvn_le, f->env->cpu.platform.cpusvn, SGX_CPUSVN_SIZE);
	t->isv_prod_id_le = 0x20;
	t->isv_svn_le = 1;
	t->masked_attributes_le.flags =
		SGX_ATTR_INIT | SGX_ATTR_MODE64BIT | SGX_ATTR_EINITTOKENKEY;
	t->masked_attributes_le.xfrm = 0x3;
	memset(t->keyid, 0x5a, SGX_KEYID_SIZE);
	remac(f);
}

static void set_le_hash(struct fixture *f, EVP_PKEY *key)
{
	uint8_t hash[SGX_HASH_SIZE];

	assert_int_equal(softsgx_key_mrsigner(key, hash), 0);
	sgx_lp_set_lepubkeyhash(&f->env->lp, hash);
}

static void test_einittoken(void **state)
{
	struct fixture *f = *state;
	struct sgx_einittoken *t = f->token;

	build(f, SGX_ATTR_MODE64BIT, 0x3, 0, false);
	sign(f);
	/* The LE hash MSRs hold a launch enclave's signer, not the ISV's. */
	set_le_hash(f, f->keys->le);
	assert_int_equal(einit(f), SGX_INVALID_EINITTOKEN);

	make_token(f);
	t->mac[3] ^= 1;
	assert_int_equal(einit(f), SGX_INVALID_EINITTOKEN);
	make_token(f);
	t->reserved2[7] = 1;
	remac(f);
	assert_int_equal(einit(f), SGX_INVALID_EINITTOKEN);
	make_token(f);
	t->valid |= 2;
	remac(f);
	assert_int_equal(einit(f), SGX_INVALID_EINITTOKEN);
	make_token(f);
	t->cpusvn_le[9]++;
	remac(f);
	assert_int_equal(einit(f), SGX_INVALID_CPUSVN);
	/* A debug launch enclave cannot launch a production enclave. */
	make_token(f);
	t->masked_attributes_le.flags |= SGX_ATTR_DEBUG;
	remac(f);
	assert_int_equal(einit(f), SGX_INVALID_EINITTOKEN);
	make_token(f);
	t->mrenclave[0] ^= 1;
	remac(f);
	assert_int_equal(einit(f), SGX_INVALID_MEASUREMENT);
	make_token(f);
	t->attributes.flags |= SGX_ATTR_DEBUG;
	remac(f);
	assert_int_equal(einit(f), SGX_INVALID_ATTRIBUTE);
	/* MACed by one launch enclave key, checked against another. */
	make_token(f);
	set_le_hash(f, f->keys->isv);
	assert_int_equal(einit(f), SGX_INVALID_EINITTOKEN);
	set_le_hash(f, f->keys->le);
	assert_false(f->secs->attributes.flags & SGX_ATTR_INIT);

	assert_int_equal(einit(f), 0);
	assert_true(f->secs->attributes.flags & SGX_ATTR_INIT);
}

/* EINITTOKENKEY is granted only to the holder of the LE hash key. */
static void test_controlled_attribute(void **state)
{
	struct fixture *f = *state;

	build(f, SGX_ATTR_MODE64BIT | SGX_ATTR_EINITTOKENKEY, 0x3, 0, false);
	f->params.attributes.flags |= SGX_ATTR_EINITTOKENKEY;
	sign(f);
	set_le_hash(f, f->keys->le);
	assert_int_equal(einit(f), SGX_INVALID_ATTRIBUTE);
	flc(f);
	assert_int_equal(einit(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accepts_and_commits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_attribute_masks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_miscselect_mask, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kss_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_einittoken, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_controlled_attribute,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
