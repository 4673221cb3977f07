// SPDX-License-Identifier: MIT
/* softsgx info: every field of a SIGSTRUCT, decoded and checked. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sigstruct.h"
#include "cmd.h"
#include "image.h"
#include "sign.h"

struct info_checks {
	bool format; /* sgx_sigstruct_check_format */
	int signature; /* OpenSSL PKCS#1 v1.5: 1, 0, -1 */
	bool q1, q2;
	bool einit; /* sgx_sigstruct_verify_signature, as EINIT */
};

static void info_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx info FILE.sig\n\n"
		"Print every field of the 1808-byte SIGSTRUCT in FILE.sig as\n"
		"'name: value' lines, and check it: header constants, reserved\n"
		"fields, the RSA signature, q1 and q2, and the whole as EINIT does.\n"
		"Exit status 0 when every check passes, 1 when one fails.\n\n"
		"  -h, --help  show this help\n");
}

static const char *ok(bool good)
{
	return good ? "ok" : "BAD";
}

static void print_hex_field(const char *name, const uint8_t *data, size_t len,
			    const char *note)
{
	char hex[2 * SGX_MODULUS_SIZE + 1];

	format_hex(data, len, hex);
	printf("%-16s %s%s\n", name, hex, note);
}

static bool bcd_digits(uint32_t v)
{
	for (int i = 0; i < 8; i++, v >>= 4)
		if ((v & 0xF) > 9)
			return false;
	return true;
}

static void print_header(const struct sgx_sigstruct *sig)
{
	const struct sgx_sigstruct_header *h = &sig->header;
	uint32_t vendor = h->vendor, date = h->date, sw = h->swdefined;
	const char *vendor_name =
		vendor == SGX_SIGSTRUCT_VENDOR_INTEL ? "intel" :
		vendor == SGX_SIGSTRUCT_VENDOR_NONE  ? "none" :
						       "INVALID";

	printf("%-16s %s\n",
	       "header:", ok(!memcmp(h->header1, sgx_sigstruct_header1, 16)));
	printf("%-16s 0x%08x (%s)\n", "vendor:", vendor, vendor_name);
	if (bcd_digits(date))
		printf("%-16s 0x%08x (%04x-%02x-%02x)\n", "date:", date,
		       date >> 16, (date >> 8) & 0xFF, date & 0xFF);
	else
		printf("%-16s 0x%08x (not a BCD date)\n", "date:", date);
	printf("%-16s %s\n",
	       "header2:", ok(!memcmp(h->header2, sgx_sigstruct_header2, 16)));
	printf("%-16s 0x%08x\n", "swdefined:", sw);
}

static void print_attributes(const char *name, const char *xname,
			     struct sgx_attributes a)
{
	char names[256];

	format_flags(a.flags, attribute_names, names, sizeof(names));
	printf("%-16s 0x%016llx (%s)\n", name, (unsigned long long)a.flags,
	       names);
	format_flags(a.xfrm, xfrm_names, names, sizeof(names));
	printf("%-16s 0x%016llx (%s)\n", xname, (unsigned long long)a.xfrm,
	       names);
}

static void print_body(const struct sgx_sigstruct *sig)
{
	const struct sgx_sigstruct_body *b = &sig->body;
	uint32_t misc = b->miscselect, misc_mask = b->misc_mask;
	uint16_t prod = b->isv_prod_id, svn = b->isv_svn;

	printf("%-16s 0x%08x\n", "miscselect:", misc);
	printf("%-16s 0x%08x\n", "misc_mask:", misc_mask);
	printf("%-16s 0x%02x (mask 0x%02x)\n",
	       "cet_attributes:", b->cet_attributes, b->cet_attributes_mask);
	print_attributes("attributes:", "xfrm:", b->attributes);
	print_attributes("attributes_mask:", "xfrm_mask:", b->attributes_mask);
	printf("%-16s %u (0x%04x)\n", "isvprodid:", prod, prod);
	printf("%-16s %u (0x%04x)\n", "isvsvn:", svn, svn);
	print_hex_field("isvfamilyid:", b->isv_family_id, 16, "");
	print_hex_field("isvextprodid:", b->isv_ext_prod_id, 16, "");
	print_hex_field("enclavehash:", b->mrenclave, SGX_HASH_SIZE,
			" (MRENCLAVE)");
}

static void print_key(const struct sgx_sigstruct *sig)
{
	uint8_t mrsigner[SGX_HASH_SIZE];
	uint32_t exponent = sig->exponent;

	printf("%-16s %u (%s)\n", "exponent:", exponent,
	       ok(exponent == SGX_SIGSTRUCT_EXPONENT));
	print_hex_field("modulus:", sig->modulus, SGX_MODULUS_SIZE,
			" (little-endian)");
	sgx_sigstruct_mrsigner(sig, mrsigner);
	print_hex_field("mrsigner:", mrsigner, sizeof(mrsigner), "");
}

static const char *validity(int v)
{
	return v > 0 ? "valid" : v == 0 ? "INVALID" : "cannot be checked";
}

static void run_checks(const struct sgx_sigstruct *sig, struct info_checks *c)
{
	c->format = sgx_sigstruct_check_format(sig) == 0;
	c->signature = softsgx_sigstruct_rsa_verify(sig);
	if (softsgx_sigstruct_check_q(sig, &c->q1, &c->q2))
		c->q1 = c->q2 = false;
	c->einit = sgx_sigstruct_verify_signature(sig) == 0;
}

static void print_checks(const struct info_checks *c)
{
	printf("%-16s %s\n", "format:", ok(c->format));
	printf("%-16s %s\n", "signature:", validity(c->signature));
	printf("%-16s %s\n", "q1:", validity(c->q1));
	printf("%-16s %s\n", "q2:", validity(c->q2));
	printf("%-16s %s\n", "einit_check:", c->einit ? "pass" : "FAIL");
}

static int info_file(const char *path)
{
	struct sgx_sigstruct sig;
	struct info_checks c;
	size_t len = 0;
	void *buf;

	buf = softsgx_read_file(path, sizeof(sig) + 1, &len);
	if (!buf)
		return tool_error("info", "%s: %s", path, strerror(errno));
	if (len != sizeof(sig)) {
		free(buf);
		return tool_error("info", "%s: %zu bytes; a SIGSTRUCT has %zu",
				  path, len, sizeof(sig));
	}
	memcpy(&sig, buf, sizeof(sig));
	free(buf);
	run_checks(&sig, &c);
	print_header(&sig);
	print_body(&sig);
	print_key(&sig);
	print_checks(&c);
	if (!c.format || c.signature != 1 || !c.q1 || !c.q2 || !c.einit)
		return tool_error("info", "%s: the SIGSTRUCT is not valid",
				  path);
	return 0;
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt != 'h')
			return tool_bad_option("info", opt, argv);
		info_usage(stdout);
		return 0;
	}
	if (argc - optind != 1)
		return tool_usage_error("info", "expected one FILE.sig");
	return info_file(argv[optind]);
}
