// SPDX-License-Identifier: MIT
/*
 * softsgx einit: build an enclave image in a private software CPU, exactly
 * as a loader would through the driver (ECREATE, EADD + EEXTEND in image
 * order, the LE hash MSRs set to the signer as Linux does, EINIT with no
 * token), and say whether EINIT accepts the SIGSTRUCT, and if not, why.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "arch/encls.h"
#include "arch/epc.h"
#include "arch/sigstruct.h"
#include "cmd.h"
#include "image.h"

struct einit_opts {
	bool debug;
	bool have_xfrm, have_misc;
	uint64_t xfrm;
	uint64_t miscselect;
};

static void einit_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx einit [OPTIONS] ENCLAVE ENCLAVE.sig\n\n"
		"Build ENCLAVE (ELF image or SGXS stream) in a private software SGX CPU\n"
		"and run EINIT with ENCLAVE.sig, as the Linux driver would. Prints the\n"
		"EINIT result and, on success, the identity recorded in the SECS.\n"
		"The SECS takes its attributes, XFRM and MISCSELECT from the SIGSTRUCT.\n\n"
		"  --debug           create a DEBUG enclave\n"
		"  --xfrm X          XFRM for the SECS instead of the signed one\n"
		"  --miscselect N    MISCSELECT for the SECS instead of the signed one\n"
		"  -h, --help        show this help\n"
		"Exit status: 0 when EINIT succeeds, 1 when it fails, 2 on bad usage.\n");
}

struct software_cpu {
	struct sgx_cpu cpu;
	struct sgx_lp lp;
	void *epc; /* page 0: SECS; page 1 + i: enclave page at offset i */
	size_t nr_pages;
};

static int cpu_start(struct software_cpu *c, uint64_t enclave_size)
{
	struct sgx_platform platform;

	/* EINIT derives no key: a fixed, throw-away platform will do. */
	memset(&platform, 0, sizeof(platform));
	c->nr_pages = 1 + enclave_size / SGX_PAGE_SIZE;
	c->epc = aligned_alloc(SGX_PAGE_SIZE, c->nr_pages * SGX_PAGE_SIZE);
	if (!c->epc || sgx_cpu_init(&c->cpu, NULL, &platform))
		return -1;
	sgx_lp_init(&c->lp, &c->cpu);
	return sgx_epc_add_section(&c->cpu, c->epc, c->nr_pages) ? 0 : -1;
}

static void cpu_stop(struct software_cpu *c)
{
	for (size_t i = c->nr_pages; i-- > 0;)
		sgx_eremove(&c->lp, (char *)c->epc + i * SGX_PAGE_SIZE);
	sgx_cpu_destroy(&c->cpu);
	free(c->epc);
}

static void *epc_page(struct software_cpu *c, size_t i)
{
	return (char *)c->epc + i * SGX_PAGE_SIZE;
}

static int ecreate(struct software_cpu *c, const struct softsgx_image *img,
		   const struct sgx_sigstruct *sig, const struct einit_opts *o)
{
	static struct sgx_secs src __attribute__((aligned(4096)));
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_SECS };
	struct sgx_pageinfo pginfo = { .contents = (uintptr_t)&src,
				       .metadata = (uintptr_t)&secinfo };

	memset(&src, 0, sizeof(src));
	src.size = img->size;
	src.base = img->size; /* any naturally aligned base */
	src.ssa_frame_size = img->ssa_frame_size;
	src.attributes.flags = sig->body.attributes.flags & ~SGX_ATTR_INIT;
	if (o->debug)
		src.attributes.flags |= SGX_ATTR_DEBUG;
	src.attributes.xfrm =
		o->have_xfrm ? o->xfrm : sig->body.attributes.xfrm;
	src.miscselect =
		o->have_misc ? (uint32_t)o->miscselect : sig->body.miscselect;
	return sgx_ecreate(&c->lp, &pginfo, epc_page(c, 0));
}

static int add_pages(struct software_cpu *c, const struct softsgx_image *img)
{
	struct sgx_secs *secs = epc_page(c, 0);

	for (size_t i = 0; i < img->nr_pages; i++) {
		const struct softsgx_image_page *p = &img->pages[i];
		struct sgx_secinfo secinfo = { .flags = p->secinfo_flags };
		struct sgx_pageinfo pginfo = {
			.addr = secs->base + p->offset,
			.contents = (uintptr_t)p->data,
			.metadata = (uintptr_t)&secinfo,
			.secs = (uintptr_t)secs,
		};
		char *dst = epc_page(c, 1 + p->offset / SGX_PAGE_SIZE);
		int ret = sgx_eadd(&c->lp, &pginfo, dst);

		for (int chunk = 0; !ret && p->measured && chunk < 16; chunk++)
			ret = sgx_eextend(&c->lp, secs,
					  dst + chunk * SGX_EEXTEND_CHUNK);
		if (ret)
			return ret;
	}
	return 0;
}

static void print_identity(const struct sgx_secs *secs)
{
	char hex[2 * SGX_HASH_SIZE + 1];

	format_hex(secs->mrenclave, SGX_HASH_SIZE, hex);
	printf("mrenclave: %s\n", hex);
	format_hex(secs->mrsigner, SGX_HASH_SIZE, hex);
	printf("mrsigner: %s\n", hex);
	printf("isvprodid: %u\nisvsvn: %u\n", secs->isv_prod_id, secs->isv_svn);
	printf("attributes: 0x%016llx xfrm: 0x%llx\n",
	       (unsigned long long)secs->attributes.flags,
	       (unsigned long long)secs->attributes.xfrm);
}

static int run_einit(const struct softsgx_image *img,
		     const struct sgx_sigstruct *sig,
		     const struct einit_opts *o)
{
	static struct sgx_einittoken token __attribute__((aligned(512)));
	static struct sgx_sigstruct aligned __attribute__((aligned(4096)));
	struct software_cpu c = { 0 };
	uint8_t mrsigner[SGX_HASH_SIZE];
	const char *stage = "ECREATE";
	char name[32];
	int ret = -1;

	if (cpu_start(&c, img->size))
		return tool_error("einit", "out of memory");
	ret = ecreate(&c, img, sig, o);
	if (!ret) {
		stage = "EADD/EEXTEND";
		ret = add_pages(&c, img);
	}
	if (!ret) {
		stage = "EINIT";
		aligned = *sig;
		sgx_sigstruct_mrsigner(&aligned, mrsigner);
		sgx_lp_set_lepubkeyhash(&c.lp, mrsigner);
		ret = sgx_einit(&c.lp, &aligned, &token, epc_page(&c, 0));
	}
	if (ret) {
		printf("einit: failed at %s: %s\n", stage,
		       sgx_result_name(ret, name, sizeof(name)));
	} else {
		printf("einit: ok\n");
		print_identity(epc_page(&c, 0));
	}
	cpu_stop(&c);
	return ret ? 1 : 0;
}

static int parse_opts(int argc, char **argv, struct einit_opts *o)
{
	static const struct option longopts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "xfrm", required_argument, NULL, 'x' },
		{ "miscselect", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->debug = true;
			break;
		case 'x':
			o->have_xfrm = true;
			if (parse_uint(optarg, UINT64_MAX, &o->xfrm))
				return tool_usage_error("einit", "bad XFRM");
			break;
		case 'm':
			o->have_misc = true;
			if (parse_uint(optarg, UINT32_MAX, &o->miscselect))
				return tool_usage_error("einit",
							"bad MISCSELECT");
			break;
		case 'h':
			einit_usage(stdout);
			return -1;
		default:
			return tool_bad_option("einit", opt, argv);
		}
	}
	if (argc - optind != 2)
		return tool_usage_error("einit",
					"expected ENCLAVE and ENCLAVE.sig");
	return 0;
}

int cmd_einit(int argc, char **argv)
{
	struct einit_opts o = { 0 };
	struct softsgx_image img = { 0 };
	struct sgx_sigstruct *sig;
	char err[256];
	size_t len = 0;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (softsgx_image_load(&img, argv[optind], err, sizeof(err)))
		return tool_error("einit", "%s", err);
	sig = softsgx_read_file(argv[optind + 1], sizeof(*sig) + 1, &len);
	if (!sig || len != sizeof(*sig)) {
		softsgx_image_free(&img);
		free(sig);
		return tool_error("einit", "%s: not a %zu-byte SIGSTRUCT",
				  argv[optind + 1], sizeof(*sig));
	}
	ret = run_einit(&img, sig, &o);
	softsgx_image_free(&img);
	free(sig);
	return ret;
}
