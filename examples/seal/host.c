// SPDX-License-Identifier: MIT
/*
 * The seal example's host: an ordinary Linux SGX program (examples/common
 * loads the enclave). It never sees a key: the enclave seals the message
 * and the host only stores and returns the blob.
 *
 *   seal-host [--enclave FILE --sig FILE] seal [--policy P] BLOB MESSAGE
 *   seal-host [--enclave FILE --sig FILE] unseal BLOB
 *   seal-host [--enclave FILE --sig FILE] info
 *
 * The enclave defaults to seal.enclave.so and its .sig beside this
 * program. Exit status: 0 done, 1 error, 2 usage, 3 the enclave refused
 * (the blob does not open, or sealing was refused).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/host_enclave.h"
#include "seal.h"

#define EXIT_REFUSED 3

static const char *status_text(uint64_t status)
{
	switch (status) {
	case SEAL_OK:
		return "ok";
	case SEAL_ERR_ARGS:
		return "bad arguments";
	case SEAL_ERR_SIZE:
		return "message or buffer size out of range";
	case SEAL_ERR_POLICY:
		return "key policy not allowed";
	case SEAL_ERR_FORMAT:
		return "not a sealed blob of this format";
	case SEAL_ERR_KEY:
		return "EGETKEY refused the key request";
	case SEAL_ERR_AUTH:
		return "authentication failed: tampered, or sealed by another "
		       "enclave or platform";
	case SEAL_ERR_RANDOM:
		return "no random numbers (RDRAND)";
	default:
		return "unknown status";
	}
}

/* The EGETKEY refusals a blob can provoke, and what they mean here. */
static const char *egetkey_text(uint64_t status)
{
	switch (status) {
	case 32:
		return "SGX_INVALID_CPUSVN: sealed on a newer TCB";
	case 64:
		return "SGX_INVALID_ISVSVN: sealed by a newer enclave";
	default:
		return "unexpected";
	}
}

/* The enclave answered: say why it refused, if it did. */
static int report_status(const struct seal_args *a)
{
	if (a->status == SEAL_OK)
		return 0;
	fprintf(stderr, "seal-host: the enclave refused: %s",
		status_text(a->status));
	if (a->status == SEAL_ERR_KEY)
		fprintf(stderr, " (SGX status %llu, %s)",
			(unsigned long long)a->egetkey_status,
			egetkey_text(a->egetkey_status));
	fputc('\n', stderr);
	return EXIT_REFUSED;
}

/*
 * One call into the enclave. Its result must be the status it wrote: an
 * enclave that was not in a state to answer (say, entered with an
 * exception pending) would leave the host's initial status in place.
 */
static int ecall(struct host_enclave *e, struct seal_args *a)
{
	uint64_t result;

	if (host_enclave_call(e, a, &result))
		return -1;
	if (result != a->status) {
		fprintf(stderr, "seal-host: the enclave did not answer%s\n",
			result == HOST_ENCLAVE_EXCEPTION ?
				" (it is stuck after an exception)" :
				"");
		return -1;
	}
	return 0;
}

static void print_hex(const char *label, const uint8_t *p, size_t len)
{
	printf("%s: ", label);
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

static int cmd_info(struct host_enclave *e)
{
	struct seal_args a = { .op = SEAL_OP_INFO };

	if (ecall(e, &a))
		return 1;
	if (a.status)
		return report_status(&a);
	printf("version: %llu\nisvsvn: %llu\n", (unsigned long long)a.version,
	       (unsigned long long)a.isv_svn);
	print_hex("mrenclave", a.mrenclave, sizeof(a.mrenclave));
	print_hex("mrsigner", a.mrsigner, sizeof(a.mrsigner));
	return 0;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f))
		ok = 0;
	if (!ok)
		perror(path);
	return ok ? 0 : 1;
}

static int cmd_seal(struct host_enclave *e, uint64_t policy, const char *path,
		    const char *msg)
{
	static uint8_t blob[SEAL_BLOB_SIZE(SEAL_MAX_MESSAGE)];
	struct seal_args a = {
		.op = SEAL_OP_SEAL,
		.policy = policy,
		.in = (uint64_t)msg,
		.in_len = strlen(msg),
		.out = (uint64_t)blob,
		.out_size = sizeof(blob),
	};

	if (ecall(e, &a))
		return 1;
	if (a.status)
		return report_status(&a);
	if (write_file(path, blob, a.out_len))
		return 1;
	fprintf(stderr,
		"seal-host: sealed %zu bytes into %s (%llu bytes, policy %s)\n",
		strlen(msg), path, (unsigned long long)a.out_len,
		policy == SEAL_POLICY_MRSIGNER ? "MRSIGNER" : "MRENCLAVE");
	return 0;
}

static int cmd_unseal(struct host_enclave *e, const char *path)
{
	static uint8_t blob[SEAL_BLOB_SIZE(SEAL_MAX_MESSAGE) + 1];
	static char msg[SEAL_MAX_MESSAGE];
	FILE *f = fopen(path, "rb");
	size_t len = f ? fread(blob, 1, sizeof(blob), f) : 0;
	struct seal_args a = {
		.op = SEAL_OP_UNSEAL,
		.in = (uint64_t)blob,
		.in_len = len,
		.out = (uint64_t)msg,
		.out_size = sizeof(msg),
	};

	if (!f || ferror(f)) {
		perror(path);
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	/* Too long a file is the enclave's to refuse, like any bad blob. */
	if (ecall(e, &a))
		return 1;
	if (a.status)
		return report_status(&a);
	fwrite(msg, 1, a.out_len, stdout);
	putchar('\n');
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: seal-host [--enclave FILE --sig FILE] seal "
		"[--policy mrenclave|mrsigner] BLOB MESSAGE\n"
		"       seal-host [--enclave FILE --sig FILE] unseal BLOB\n"
		"       seal-host [--enclave FILE --sig FILE] info\n");
	return 2;
}

static int parse_policy(const char *name, uint64_t *policy)
{
	if (!strcmp(name, "mrenclave"))
		*policy = SEAL_POLICY_MRENCLAVE;
	else if (!strcmp(name, "mrsigner"))
		*policy = SEAL_POLICY_MRSIGNER;
	else
		return -1;
	return 0;
}

struct options {
	char *enclave, *sig;
	uint64_t policy;
	const char *cmd;
	char **args;
	int nargs;
};

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "enclave", required_argument, NULL, 'e' },
		{ "sig", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->policy = SEAL_POLICY_MRENCLAVE;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'e')
			o->enclave = optarg;
		else if (c == 's')
			o->sig = optarg;
		else if (c != 'p' || parse_policy(optarg, &o->policy))
			return -1;
	}
	if (optind >= argc || !o->enclave != !o->sig)
		return -1;
	o->cmd = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = argc - optind - 1;
	if (!strcmp(o->cmd, "info"))
		return o->nargs == 0 ? 0 : -1;
	if (!strcmp(o->cmd, "seal"))
		return o->nargs == 2 ? 0 : -1;
	if (!strcmp(o->cmd, "unseal"))
		return o->nargs == 1 ? 0 : -1;
	return -1;
}

static int run(struct host_enclave *e, const struct options *o)
{
	if (!strcmp(o->cmd, "info"))
		return cmd_info(e);
	if (!strcmp(o->cmd, "seal"))
		return cmd_seal(e, o->policy, o->args[0], o->args[1]);
	return cmd_unseal(e, o->args[0]);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct host_enclave e;
	bool defaults;
	int ret;

	if (parse(argc, argv, &o))
		return usage();
	defaults = !o.enclave;
	if (defaults) {
		o.enclave = host_file_beside_exe("seal.enclave.so");
		o.sig = host_file_beside_exe("seal.enclave.sig");
	}
	if (host_enclave_load(&e, "seal", o.enclave, o.sig))
		return 1;
	ret = run(&e, &o);
	host_enclave_unload(&e);
	if (defaults) {
		free(o.enclave);
		free(o.sig);
	}
	return ret;
}
