// SPDX-License-Identifier: MIT
/*
 * softsgx platform: the emulated platform in force — where its state file
 * is (created on first use), its CPUSVN and owner epoch, and an identifier
 * of its root key that reveals nothing of the key itself.
 */
#include <getopt.h>
#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#include "cmd.h"
#include "driver/platform.h"

static void platform_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx platform\n\n"
		"Show the emulated platform in force (creating its state file on first\n"
		"use): the state file, CPUSVN, owner epoch and a root-key identifier.\n"
		"The file is $SOFTSGX_PLATFORM, else $XDG_STATE_HOME/softsgx/platform,\n"
		"else ~/.local/state/softsgx/platform (see docs/platform.md).\n");
}

/* A one-way identifier: SHA-256 over a label and the root key. */
static int root_key_id(const struct sgx_platform *p, char hex[17])
{
	static const char label[] = "softsgx root key id";
	uint8_t buf[sizeof(label) + sizeof(p->root_key)], digest[32];

	memcpy(buf, label, sizeof(label));
	memcpy(buf + sizeof(label), p->root_key, sizeof(p->root_key));
	if (!EVP_Digest(buf, sizeof(buf), digest, NULL, EVP_sha256(), NULL))
		return -1;
	format_hex(digest, 8, hex);
	return 0;
}

int cmd_platform(int argc, char **argv)
{
	struct sgx_platform p;
	char path[PATH_MAX], err[512], hex[2 * 16 + 1], id[17];

	if (argc > 1 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		platform_usage(stdout);
		return 0;
	}
	if (argc > 1)
		return tool_usage_error("platform", "no arguments expected");
	if (sgx_platform_load(&p, err, sizeof(err)))
		return tool_error("platform", "%s", err);
	printf("state_file: %s\n",
	       sgx_platform_path(path, sizeof(path)) ?: "(unknown)");
	format_hex(p.cpusvn, sizeof(p.cpusvn), hex);
	printf("cpusvn: %s\n", hex);
	format_hex(p.owner_epoch, sizeof(p.owner_epoch), hex);
	printf("owner_epoch: %s\n", hex);
	if (root_key_id(&p, id))
		return tool_error("platform", "SHA-256 failed");
	printf("root_key_id: %s\n", id);
	printf("note: development platform; its keys are not hardware keys\n");
	return 0;
}
