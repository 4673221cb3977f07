// SPDX-License-Identifier: MIT
/* softsgx sign: measure an enclave image and write its SIGSTRUCT. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sigstruct.h"
#include "cmd.h"
#include "image.h"
#include "sign.h"

/* ATTRIBUTES.FLAGS bits that are reserved (spec 2.1): INIT is set by EINIT. */
#define ATTR_KNOWN                                                     \
	(SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT | SGX_ATTR_PROVISIONKEY | \
	 SGX_ATTR_EINITTOKENKEY | SGX_ATTR_CET | SGX_ATTR_KSS |        \
	 SGX_ATTR_AEXNOTIFY)

enum {
	OPT_ISVPRODID = 256,
	OPT_ISVSVN,
	OPT_ATTRIBUTES,
	OPT_ATTRIBUTES_MASK,
	OPT_XFRM,
	OPT_XFRM_MASK,
	OPT_MISCSELECT,
	OPT_MISC_MASK,
	OPT_DATE,
	OPT_VENDOR,
	OPT_SWDEFINED,
	OPT_ISVFAMILYID,
	OPT_ISVEXTPRODID,
	OPT_DEBUG_ONLY,
	OPT_NO_DEBUG,
	OPT_MRENCLAVE,
};

enum debug_policy { DEBUG_EITHER, DEBUG_ONLY, DEBUG_NEVER };

struct sign_opts {
	const char *key;
	const char *out;
	const char *enclave;
	const char *mrenclave_hex;
	enum debug_policy debug;
	struct softsgx_sign_params params;
};

static void sign_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx sign --key KEY.pem [OPTION]... ENCLAVE [-o ENCLAVE.sig]\n"
		"       softsgx sign --key KEY.pem [OPTION]... --mrenclave HEX -o FILE.sig\n\n"
		"Measure ENCLAVE (ELF enclave image or SGXS stream), sign it with KEY.pem\n"
		"(RSA-3072, e = 3), check the result as EINIT would, and write the\n"
		"1808-byte SIGSTRUCT to ENCLAVE.sig (default: ENCLAVE with \".sig\" added).\n"
		"Prints 'mrenclave: <hex>' and 'mrsigner: <hex>'.\n\n"
		"  -k, --key FILE            PEM private key (required)\n"
		"  -o, --output FILE         where to write the SIGSTRUCT\n"
		"      --mrenclave HEX       sign this MRENCLAVE instead of measuring a file\n"
		"      --isvprodid N         ISVPRODID, 0..65535 (default 0)\n"
		"      --isvsvn N            ISVSVN, 0..65535 (default 0)\n"
		"      --attributes FLAGS    ATTRIBUTES.FLAGS: a number or names joined by\n"
		"                            ',' (DEBUG MODE64BIT PROVISIONKEY EINITTOKEN_KEY\n"
		"                            CET KSS AEXNOTIFY); default MODE64BIT\n"
		"      --attributes-mask M   enforced FLAGS bits (default ~DEBUG)\n"
		"      --xfrm XFRM           ATTRIBUTES.XFRM, number or names (X87,SSE,AVX,\n"
		"                            ...); default 0x3\n"
		"      --xfrm-mask M         enforced XFRM bits (default 0x3)\n"
		"      --miscselect N        MISCSELECT (default 0)\n"
		"      --misc-mask N         enforced MISCSELECT bits (default 0xffffffff)\n"
		"      --debug-only          require DEBUG (adds it to attributes and mask)\n"
		"      --no-debug            forbid DEBUG (clears it, adds it to the mask)\n"
		"      --date YYYYMMDD       DATE field (default: today, UTC)\n"
		"      --vendor intel|none   VENDOR 0x8086 or 0 (default none)\n"
		"      --swdefined N         SWDEFINED (default 0)\n"
		"      --isvfamilyid HEX     ISVFAMILYID, 32 hex digits (needs KSS)\n"
		"      --isvextprodid HEX    ISVEXTPRODID, 32 hex digits (needs KSS)\n"
		"  -h, --help                show this help\n");
}

static int parse_date(const char *s, uint32_t *out)
{
	unsigned int y, m, d;
	char extra;

	if (strlen(s) != 8 ||
	    sscanf(s, "%4u%2u%2u%c", &y, &m, &d, &extra) != 3 ||
	    strspn(s, "0123456789") != 8 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*out = softsgx_bcd_date(y, m, d);
	return 0;
}

static int parse_vendor(const char *s, uint32_t *out)
{
	if (!strcmp(s, "intel"))
		*out = SGX_SIGSTRUCT_VENDOR_INTEL;
	else if (!strcmp(s, "none"))
		*out = SGX_SIGSTRUCT_VENDOR_NONE;
	else
		return -1;
	return 0;
}

/* Numeric fields: where each goes and its largest value. */
static int set_number(struct softsgx_sign_params *p, int opt, const char *arg)
{
	uint64_t v;
	uint64_t max = (opt == OPT_ISVPRODID || opt == OPT_ISVSVN) ? 0xFFFF :
								     0xFFFFFFFF;

	if (parse_uint(arg, max, &v))
		return -1;
	if (opt == OPT_ISVPRODID)
		p->isv_prod_id = (uint16_t)v;
	else if (opt == OPT_ISVSVN)
		p->isv_svn = (uint16_t)v;
	else if (opt == OPT_MISCSELECT)
		p->miscselect = (uint32_t)v;
	else if (opt == OPT_MISC_MASK)
		p->misc_mask = (uint32_t)v;
	else
		p->swdefined = (uint32_t)v;
	return 0;
}

static int set_flags(struct softsgx_sign_params *p, int opt, const char *arg)
{
	bool xfrm = opt == OPT_XFRM || opt == OPT_XFRM_MASK;
	uint64_t v;

	if (parse_flags(arg, xfrm ? xfrm_names : attribute_names, &v))
		return -1;
	if (opt == OPT_ATTRIBUTES)
		p->attributes.flags = v;
	else if (opt == OPT_ATTRIBUTES_MASK)
		p->attributes_mask.flags = v;
	else if (opt == OPT_XFRM)
		p->attributes.xfrm = v;
	else
		p->attributes_mask.xfrm = v;
	return 0;
}

static int set_option(struct sign_opts *o, int opt, const char *arg)
{
	struct softsgx_sign_params *p = &o->params;

	switch (opt) {
	case 'k':
		o->key = arg;
		return 0;
	case 'o':
		o->out = arg;
		return 0;
	case OPT_MRENCLAVE:
		o->mrenclave_hex = arg;
		return 0;
	case OPT_ISVPRODID:
	case OPT_ISVSVN:
	case OPT_MISCSELECT:
	case OPT_MISC_MASK:
	case OPT_SWDEFINED:
		return set_number(p, opt, arg);
	case OPT_ATTRIBUTES:
	case OPT_ATTRIBUTES_MASK:
	case OPT_XFRM:
	case OPT_XFRM_MASK:
		return set_flags(p, opt, arg);
	case OPT_DATE:
		return parse_date(arg, &p->date);
	case OPT_VENDOR:
		return parse_vendor(arg, &p->vendor);
	case OPT_ISVFAMILYID:
		return parse_hex(arg, p->isv_family_id, 16);
	case OPT_ISVEXTPRODID:
		return parse_hex(arg, p->isv_ext_prod_id, 16);
	case OPT_DEBUG_ONLY:
		o->debug = DEBUG_ONLY;
		return 0;
	case OPT_NO_DEBUG:
		o->debug = DEBUG_NEVER;
		return 0;
	}
	return -1;
}

static const struct option sign_options[] = {
	{ "key", required_argument, NULL, 'k' },
	{ "output", required_argument, NULL, 'o' },
	{ "mrenclave", required_argument, NULL, OPT_MRENCLAVE },
	{ "isvprodid", required_argument, NULL, OPT_ISVPRODID },
	{ "isvsvn", required_argument, NULL, OPT_ISVSVN },
	{ "attributes", required_argument, NULL, OPT_ATTRIBUTES },
	{ "attributes-mask", required_argument, NULL, OPT_ATTRIBUTES_MASK },
	{ "xfrm", required_argument, NULL, OPT_XFRM },
	{ "xfrm-mask", required_argument, NULL, OPT_XFRM_MASK },
	{ "miscselect", required_argument, NULL, OPT_MISCSELECT },
	{ "misc-mask", required_argument, NULL, OPT_MISC_MASK },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "vendor", required_argument, NULL, OPT_VENDOR },
	{ "swdefined", required_argument, NULL, OPT_SWDEFINED },
	{ "isvfamilyid", required_argument, NULL, OPT_ISVFAMILYID },
	{ "isvextprodid", required_argument, NULL, OPT_ISVEXTPRODID },
	{ "debug-only", no_argument, NULL, OPT_DEBUG_ONLY },
	{ "no-debug", no_argument, NULL, OPT_NO_DEBUG },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct sign_opts *o, int argc, char **argv)
{
	int opt, idx = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":k:o:h", sign_options, &idx)) !=
	       -1) {
		if (opt == 'h') {
			sign_usage(stdout);
			return -1;
		}
		if (opt == '?' || opt == ':')
			return tool_bad_option("sign", opt, argv);
		if (set_option(o, opt, optarg))
			return tool_usage_error("sign",
						"invalid value '%s' for --%s",
						optarg, sign_options[idx].name);
	}
	if (optind < argc)
		o->enclave = argv[optind++];
	if (optind < argc)
		return tool_usage_error("sign", "unexpected argument '%s'",
					argv[optind]);
	return 0;
}

/* Combinations EINIT (or Linux before it) would refuse: usage errors. */
static int check_params(const struct sign_opts *o)
{
	const struct softsgx_sign_params *p = &o->params;
	static const uint8_t zero[16];
	bool kss = p->attributes.flags & SGX_ATTR_KSS;

	if (!o->key)
		return tool_usage_error("sign", "--key is required");
	if (!o->enclave == !o->mrenclave_hex)
		return tool_usage_error("sign",
					"give either ENCLAVE or --mrenclave");
	if (!o->enclave && !o->out)
		return tool_usage_error("sign", "--mrenclave needs -o");
	if (p->attributes.flags & ~ATTR_KNOWN)
		return tool_usage_error(
			"sign",
			"attributes 0x%llx has reserved bits or INIT set",
			(unsigned long long)p->attributes.flags);
	if ((p->attributes.xfrm & p->attributes_mask.xfrm & SGX_XFRM_LEGACY) !=
	    (p->attributes_mask.xfrm & SGX_XFRM_LEGACY))
		return tool_usage_error("sign",
					"xfrm must include X87 and SSE (0x3)");
	if (!kss && (memcmp(p->isv_family_id, zero, 16) ||
		     memcmp(p->isv_ext_prod_id, zero, 16)))
		return tool_usage_error(
			"sign",
			"--isvfamilyid/--isvextprodid need KSS in --attributes");
	return 0;
}

static void apply_debug(struct sign_opts *o)
{
	struct sgx_attributes *a = &o->params.attributes;
	struct sgx_attributes *m = &o->params.attributes_mask;

	if (o->debug == DEBUG_EITHER)
		return;
	m->flags |= SGX_ATTR_DEBUG;
	if (o->debug == DEBUG_ONLY)
		a->flags |= SGX_ATTR_DEBUG;
	else
		a->flags &= ~SGX_ATTR_DEBUG;
}

static int get_mrenclave(const struct sign_opts *o, uint8_t out[32])
{
	struct softsgx_image img;
	char err[256];
	int ret;

	if (o->mrenclave_hex) {
		if (parse_hex(o->mrenclave_hex, out, SGX_HASH_SIZE))
			return tool_usage_error(
				"sign", "--mrenclave needs 64 hex digits");
		return 0;
	}
	if (softsgx_image_load(&img, o->enclave, err, sizeof(err)))
		return tool_error("sign", "%s: %s", o->enclave, err);
	ret = softsgx_image_mrenclave(&img, out);
	softsgx_image_free(&img);
	if (ret)
		return tool_error("sign", "%s: hashing failed", o->enclave);
	return 0;
}

/* What EINIT will check of the SIGSTRUCT alone: never write a bad one. */
static int self_check(const struct sgx_sigstruct *sig)
{
	if (sgx_sigstruct_check_format(sig))
		return tool_error("sign",
				  "self-check: SIGSTRUCT format rejected");
	if (sgx_sigstruct_verify_signature(sig))
		return tool_error("sign",
				  "self-check: signature or q1/q2 rejected");
	return 0;
}

static int sign_and_write(const struct sign_opts *o, EVP_PKEY *key,
			  const uint8_t mrenclave[32])
{
	struct sgx_sigstruct sig;
	uint8_t mrsigner[SGX_HASH_SIZE];
	char hex[2 * SGX_HASH_SIZE + 1], *path = NULL;
	const char *out = o->out;
	int ret;

	if (softsgx_sign(key, &o->params, mrenclave, &sig))
		return tool_error("sign", "%s", softsgx_sign_error());
	ret = self_check(&sig);
	if (ret)
		return ret;
	if (!out) {
		if (asprintf(&path, "%s.sig", o->enclave) < 0)
			return tool_error("sign", "out of memory");
		out = path;
	}
	if (write_file(out, &sig, sizeof(sig), 0644))
		ret = tool_error("sign", "%s: %s", out, strerror(errno));
	free(path);
	if (ret)
		return ret;
	format_hex(mrenclave, SGX_HASH_SIZE, hex);
	printf("mrenclave: %s\n", hex);
	sgx_sigstruct_mrsigner(&sig, mrsigner);
	format_hex(mrsigner, sizeof(mrsigner), hex);
	printf("mrsigner: %s\n", hex);
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	struct sign_opts o = { 0 };
	uint8_t mrenclave[SGX_HASH_SIZE];
	EVP_PKEY *key;
	int ret;

	softsgx_sign_params_default(&o.params);
	ret = parse_options(&o, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret; /* -1: --help was printed */
	apply_debug(&o);
	ret = check_params(&o);
	if (ret)
		return ret;
	ret = get_mrenclave(&o, mrenclave);
	if (ret)
		return ret;
	key = softsgx_key_load(o.key);
	if (!key)
		return tool_error("sign", "%s", softsgx_sign_error());
	ret = sign_and_write(&o, key, mrenclave);
	EVP_PKEY_free(key);
	return ret;
}
