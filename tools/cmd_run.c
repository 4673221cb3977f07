// SPDX-License-Identifier: MIT
/*
 * softsgx run: start a program with libsoftsgx.so preloaded, so that its
 * /dev/sgx_enclave, ioctls, mappings and ENCLU instructions are answered by
 * softsgx. Exits with the program's status, or 128 + the signal that ended
 * it, as a shell reports it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "lsm/lsm.h"
#include "lsm/policy.h"

#define SHIM_NAME "libsoftsgx.so"

static void run_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx run [OPTIONS] [--] PROGRAM [ARGS...]\n\n"
		"Run PROGRAM with softsgx in place of the SGX driver and CPU. Any\n"
		"LD_PRELOAD already set is kept (after softsgx). Exit status: the\n"
		"program's, or 128 + the number of the signal that ended it.\n\n"
		"  --library PATH   use this libsoftsgx.so (default: $SOFTSGX_LIBRARY,\n"
		"                   else the one installed or built beside softsgx)\n"
		"  --label LABEL    the subject label enclave policy rules may match\n"
		"                   (docs/policy.md); sets SOFTSGX_LABEL\n"
		"  -h, --help       show this help\n");
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Beside the softsgx binary: the build tree, then an installed layout. */
static int find_library(char *out, size_t len)
{
	static const char *const rel[] = { "../src/shim/" SHIM_NAME,
					   "../lib/softsgx/" SHIM_NAME,
					   "../lib/" SHIM_NAME, SHIM_NAME };
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (getenv("SOFTSGX_LIBRARY")) {
		snprintf(out, len, "%s", getenv("SOFTSGX_LIBRARY"));
		return 0;
	}
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char candidate[2 * PATH_MAX];

		snprintf(candidate, sizeof(candidate), "%s/%s", exe, rel[i]);
		if (readable(candidate) && len >= PATH_MAX &&
		    realpath(candidate, out))
			return 0;
	}
	return -1;
}

static int set_preload(const char *library)
{
	const char *old = getenv("LD_PRELOAD");
	size_t len = strlen(library) + (old ? strlen(old) + 2 : 1);
	char *value = malloc(len);
	int ret;

	if (!value)
		return -1;
	snprintf(value, len, "%s%s%s", library, old && *old ? ":" : "",
		 old ? old : "");
	ret = setenv("LD_PRELOAD", value, 1);
	free(value);
	return ret;
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return tool_error("run", "waitpid: %s",
					  strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "library", required_argument, NULL, 'l' },
		{ "label", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char library[PATH_MAX] = "", err[512];
	pid_t pid;
	int opt;

	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			run_usage(stdout);
			return 0;
		}
		if (opt == 'L') {
			if (!sgx_lsm_label_valid(optarg))
				return tool_usage_error("run", "bad label '%s'",
							optarg);
			setenv("SOFTSGX_LABEL", optarg, 1);
			continue;
		}
		if (opt != 'l')
			return tool_bad_option("run", opt, argv);
		snprintf(library, sizeof(library), "%s", optarg);
	}
	/* A policy that cannot be used is an error here, not a program
	 * that silently finds no SGX. */
	if (sgx_lsm_init(err, sizeof(err)))
		return tool_error("run", "%s", err);
	if (optind >= argc)
		return tool_usage_error("run", "no PROGRAM given");
	if (!*library && find_library(library, sizeof(library)))
		return tool_error("run", "cannot find " SHIM_NAME
					 " (set SOFTSGX_LIBRARY)");
	if (!readable(library))
		return tool_error("run", "%s: %s", library, strerror(errno));
	if (set_preload(library))
		return tool_error("run", "out of memory");
	pid = fork();
	if (pid < 0)
		return tool_error("run", "fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "softsgx run: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* Like a shell: ^C and ^\ are for the program; report how it ends. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	return wait_status(pid);
}
