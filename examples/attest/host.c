// SPDX-License-Identifier: MIT
/*
 * The attest example's host: local attestation between two enclaves in one
 * process. B gives its TARGETINFO, A makes a REPORT targeted at B that binds
 * MESSAGE in REPORTDATA, B checks the REPORT's MAC and says who made it.
 * The host only carries the structures; it can change them, but not
 * without B noticing.
 *
 *   attest-host [ENCLAVE OPTIONS] [MODE] [MESSAGE]
 *
 * Modes: none (verify a genuine REPORT), --flip BIT (flip that bit of the
 * REPORT, 0 .. 3455, before B sees it), --wrong-target (A targets itself
 * instead of B), --flip-all (every single-bit change, one by one; succeeds
 * if B rejects all of them). The enclaves default to attest-a.enclave.so,
 * attest-b.enclave.so and their .sig files beside this program.
 *
 * Exit status: 0 B accepted the REPORT (--flip-all: rejected every
 * change), 1 error, 2 usage, 3 B rejected the REPORT.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "../common/host_enclave.h"

#define EXIT_REJECTED 3
#define REPORT_BITS (ATTEST_REPORT_SIZE * 8)

enum mode { MODE_GENUINE, MODE_FLIP, MODE_WRONG_TARGET, MODE_FLIP_ALL };

struct options {
	char *path[4]; /* enclave A, sig A, enclave B, sig B */
	enum mode mode;
	long bit;
	const char *message;
};

/*
 * One call into an enclave. Its result must be the status it wrote: an
 * enclave that was not in a state to answer (say, entered with an
 * exception pending) would leave the host's initial status in place.
 */
static int ecall(struct host_enclave *e, struct attest_args *a)
{
	uint64_t result;

	if (host_enclave_call(e, a, &result))
		return -1;
	if (result != a->status) {
		fprintf(stderr, "attest-host: %s did not answer%s\n", e->name,
			result == HOST_ENCLAVE_EXCEPTION ?
				" (it is stuck after an exception)" :
				"");
		return -1;
	}
	return 0;
}

static int targetinfo(struct host_enclave *e, uint8_t ti[512])
{
	struct attest_args a = {
		.op = ATTEST_OP_TARGETINFO,
		.targetinfo = (uint64_t)ti,
	};

	if (ecall(e, &a))
		return -1;
	if (a.status)
		fprintf(stderr, "attest-host: TARGETINFO of %s: status %llu\n",
			e->name, (unsigned long long)a.status);
	return a.status ? -1 : 0;
}

static int make_report(struct host_enclave *a_encl, const uint8_t ti[512],
		       const uint8_t data[64], uint8_t report[432])
{
	struct attest_args a = {
		.op = ATTEST_OP_REPORT,
		.targetinfo = (uint64_t)ti,
		.report_data = (uint64_t)data,
		.report = (uint64_t)report,
	};

	if (ecall(a_encl, &a))
		return -1;
	if (a.status)
		fprintf(stderr, "attest-host: REPORT from A: status %llu\n",
			(unsigned long long)a.status);
	return a.status ? -1 : 0;
}

/* B's verdict: ATTEST_OK, ATTEST_ERR_MAC, ..., or -1 if the call failed. */
static int verify(struct host_enclave *b_encl, const uint8_t report[432],
		  struct attest_identity *id)
{
	struct attest_args a = {
		.op = ATTEST_OP_VERIFY,
		.report = (uint64_t)report,
	};

	if (ecall(b_encl, &a))
		return -1;
	*id = a.identity;
	return (int)a.status;
}

static void print_hex(const char *label, const uint8_t *p, size_t len)
{
	printf("  %s: ", label);
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

static void print_identity(const struct attest_identity *id)
{
	print_hex("mrenclave", id->mrenclave, sizeof(id->mrenclave));
	print_hex("mrsigner", id->mrsigner, sizeof(id->mrsigner));
	printf("  flags: 0x%llx\n  xfrm: 0x%llx\n  miscselect: 0x%x\n",
	       (unsigned long long)id->flags, (unsigned long long)id->xfrm,
	       id->miscselect);
	printf("  isvprodid: %u\n  isvsvn: %u\n", id->isv_prod_id, id->isv_svn);
	print_hex("cpusvn", id->cpusvn, sizeof(id->cpusvn));
	printf("  reportdata: \"%.*s\"\n", (int)sizeof(id->report_data),
	       (const char *)id->report_data);
}

/* One REPORT, possibly modified by the host, and what B says of it. */
static int verdict(struct host_enclave *b, const uint8_t report[432],
		   const uint8_t data[64])
{
	struct attest_identity id;
	int status = verify(b, report, &id);

	if (status < 0)
		return 1;
	if (status == ATTEST_ERR_MAC) {
		printf("attest-host: B rejected the REPORT: its MAC is not "
		       "B's (modified, or targeted at another enclave)\n");
		return EXIT_REJECTED;
	}
	if (status) {
		fprintf(stderr, "attest-host: B: status %d\n", status);
		return 1;
	}
	printf("attest-host: B verified a REPORT from:\n");
	print_identity(&id);
	/* Not B's job here, but the point of REPORTDATA: it is A's message. */
	if (memcmp(id.report_data, data, ATTEST_DATA_SIZE)) {
		fprintf(stderr, "attest-host: REPORTDATA is not the message\n");
		return 1;
	}
	return 0;
}

static void flip(uint8_t report[432], long bit)
{
	report[bit / 8] ^= (uint8_t)(1U << (bit % 8));
}

/* Every single-bit change to a genuine REPORT must be rejected. */
static int flip_all(struct host_enclave *b, uint8_t report[432])
{
	struct attest_identity id;
	long rejected = 0;

	for (long bit = 0; bit < REPORT_BITS; bit++) {
		int status;

		flip(report, bit);
		status = verify(b, report, &id);
		flip(report, bit);
		if (status < 0)
			return 1;
		if (status == ATTEST_ERR_MAC)
			rejected++;
		else
			fprintf(stderr, "attest-host: bit %ld: status %d\n",
				bit, status);
	}
	printf("attest-host: B rejected %ld of %d single-bit changes to the "
	       "REPORT\n",
	       rejected, REPORT_BITS);
	return rejected == REPORT_BITS ? 0 : 1;
}

static int run(struct host_enclave *a, struct host_enclave *b,
	       const struct options *o)
{
	static uint8_t ti[512] __attribute__((aligned(512)));
	static uint8_t report[432], data[ATTEST_DATA_SIZE];
	struct host_enclave *target = o->mode == MODE_WRONG_TARGET ? a : b;

	strncpy((char *)data, o->message, sizeof(data));
	if (targetinfo(target, ti) || make_report(a, ti, data, report))
		return 1;
	printf("attest-host: A made a REPORT for %s binding \"%.*s\"\n",
	       target->name, (int)sizeof(data), (const char *)data);
	if (o->mode == MODE_FLIP_ALL) {
		int ret = verdict(b, report, data);

		return ret ? ret : flip_all(b, report);
	}
	if (o->mode == MODE_FLIP) {
		flip(report, o->bit);
		printf("attest-host: the host flips bit %ld of the REPORT "
		       "(byte %ld)\n",
		       o->bit, o->bit / 8);
	}
	return verdict(b, report, data);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: attest-host [--enclave-a FILE --sig-a FILE "
		"--enclave-b FILE --sig-b FILE]\n"
		"                   [--flip BIT | --flip-all | --wrong-target] "
		"[MESSAGE]\n");
	return 2;
}

static int parse_mode(int c, const char *arg, struct options *o)
{
	char *end;

	if (o->mode != MODE_GENUINE)
		return -1; /* one mode at a time */
	if (c == 'w') {
		o->mode = MODE_WRONG_TARGET;
	} else if (c == 'a') {
		o->mode = MODE_FLIP_ALL;
	} else {
		o->mode = MODE_FLIP;
		o->bit = strtol(arg, &end, 0);
		if (*end || end == arg || o->bit < 0 || o->bit >= REPORT_BITS)
			return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "enclave-a", required_argument, NULL, 0 },
		{ "sig-a", required_argument, NULL, 1 },
		{ "enclave-b", required_argument, NULL, 2 },
		{ "sig-b", required_argument, NULL, 3 },
		{ "flip", required_argument, NULL, 'f' },
		{ "flip-all", no_argument, NULL, 'a' },
		{ "wrong-target", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->message = "hello B, this is A";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c >= 0 && c < 4)
			o->path[c] = optarg;
		else if (c == '?' || parse_mode(c, optarg, o))
			return -1;
	}
	if (optind < argc)
		o->message = argv[optind++];
	return optind == argc ? 0 : -1;
}

static const char *const default_file[4] = {
	"attest-a.enclave.so",
	"attest-a.enclave.sig",
	"attest-b.enclave.so",
	"attest-b.enclave.sig",
};

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct host_enclave a, b;
	char *owned[4] = { 0 };
	int ret = 1;

	if (parse(argc, argv, &o))
		return usage();
	for (int i = 0; i < 4; i++)
		if (!o.path[i])
			o.path[i] = owned[i] =
				host_file_beside_exe(default_file[i]);
	if (!host_enclave_load(&a, "A", o.path[0], o.path[1])) {
		if (!host_enclave_load(&b, "B", o.path[2], o.path[3])) {
			ret = run(&a, &b, &o);
			host_enclave_unload(&b);
		}
		host_enclave_unload(&a);
	}
	for (int i = 0; i < 4; i++)
		free(owned[i]);
	return ret;
}
