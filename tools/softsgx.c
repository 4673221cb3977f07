// SPDX-License-Identifier: MIT
/*
 * softsgx: the command-line front end. Each subcommand lives in its own
 * cmd_*.c file; this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#ifndef SOFTSGX_VERSION
#define SOFTSGX_VERSION "unknown"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "measure", cmd_measure, "print the MRENCLAVE of an enclave image" },
	{ "sign", cmd_sign, "write the SIGSTRUCT of an enclave image" },
	{ "info", cmd_info, "print and check every field of a SIGSTRUCT" },
	{ "keygen", cmd_keygen, "create an RSA-3072 e=3 signing key" },
	{ "einit", cmd_einit,
	  "build an enclave in a software CPU and run EINIT on it" },
	{ "run", cmd_run,
	  "run a program with softsgx as its SGX driver and CPU" },
	{ "platform", cmd_platform,
	  "show the emulated platform (state file, CPUSVN, key id)" },
	{ "policy", cmd_policy,
	  "check a policy file; explain its decisions for an enclave" },
	{ "audit", cmd_audit, "read and filter the policy's audit log" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx COMMAND [OPTION]... [ARG]...\n"
		"       softsgx COMMAND --help\n\n"
		"Software SGX: a development emulator, not a security boundary.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\nExit status: 0 success, 1 failure, 2 bad usage.\n");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version")) {
		printf("softsgx %s\n", SOFTSGX_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "softsgx: unknown command '%s'\n", name);
	fprintf(stderr, "Try 'softsgx --help'.\n");
	return EXIT_USAGE;
}
