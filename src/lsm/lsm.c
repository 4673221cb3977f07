// SPDX-License-Identifier: MIT
/*
 * Which policy is in force. It is chosen once, when the driver comes up:
 * $SOFTSGX_POLICY, else the user's, else the system's file; the first that
 * exists is the whole policy (they are not merged: a reviewer reads one
 * file). softsgx runs inside the user's own process and is no security
 * boundary (DESIGN 7), so a user's choice prevails over the system file;
 * in secure-execution mode (setuid programs) the environment and the
 * user's file are ignored.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsm/lsm.h"
#include "lsm/lsm_priv.h"

#ifndef SOFTSGX_SYSCONFDIR
#define SOFTSGX_SYSCONFDIR "/etc"
#endif

#define SYSTEM_POLICY SOFTSGX_SYSCONFDIR "/softsgx/policy.yaml"
#define USER_POLICY "softsgx/policy.yaml"

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool user_policy(char *path, size_t len)
{
	const char *xdg = secure_getenv("XDG_CONFIG_HOME");
	const char *home = secure_getenv("HOME");

	if (xdg && xdg[0] == '/')
		snprintf(path, len, "%s/%s", xdg, USER_POLICY);
	else if (home && home[0] == '/')
		snprintf(path, len, "%s/.config/%s", home, USER_POLICY);
	else
		return false;
	return exists(path);
}

int sgx_lsm_policy_find(char *path, size_t len, char *err, size_t errlen)
{
	const char *env = secure_getenv("SOFTSGX_POLICY");

	path[0] = '\0';
	if (env && *env) {
		if (!strcmp(env, "none"))
			return 0;
		if (!exists(env)) {
			snprintf(err, errlen,
				 "SOFTSGX_POLICY=\"%s\": no such file (give a "
				 "path, or \"none\")",
				 env);
			return -EINVAL;
		}
		snprintf(path, len, "%s", env);
		return 0;
	}
	if (user_policy(path, len))
		return 0;
	if (exists(SYSTEM_POLICY))
		snprintf(path, len, "%s", SYSTEM_POLICY);
	else
		path[0] = '\0';
	return 0;
}

/* $SOFTSGX_AUDIT overrides the policy's sink: stderr, syslog or a path. */
static int audit_override(struct sgx_lsm_policy *pol, char *err, size_t errlen)
{
	const char *env = secure_getenv("SOFTSGX_AUDIT");
	char *path;

	if (!env || !*env)
		return 0;
	if (!strcmp(env, "stderr") || !strcmp(env, "syslog")) {
		pol->sink = env[1] == 't' ? SGX_LSM_SINK_STDERR :
					    SGX_LSM_SINK_SYSLOG;
		return 0;
	}
	if (env[0] != '/') {
		snprintf(err, errlen,
			 "SOFTSGX_AUDIT=\"%s\": expected stderr, syslog or "
			 "an absolute path",
			 env);
		return -EINVAL;
	}
	path = strdup(env);
	if (!path)
		return -ENOMEM;
	free(pol->audit_path);
	pol->audit_path = path;
	pol->sink = SGX_LSM_SINK_FILE;
	return 0;
}

static int lsm_load(char *err, size_t errlen)
{
	const char *label = secure_getenv(SGX_LSM_LABEL_ENV);
	struct sgx_lsm_policy *pol;
	char path[PATH_MAX];
	int ret;

	if (label && *label && !sgx_lsm_label_valid(label)) {
		snprintf(err, errlen,
			 "%s=\"%s\": invalid label (1 to 64 of A-Z a-z 0-9 "
			 "_ . : -)",
			 SGX_LSM_LABEL_ENV, label);
		return -EINVAL;
	}
	ret = sgx_lsm_policy_find(path, sizeof(path), err, errlen);
	if (ret || !path[0])
		return ret;
	pol = sgx_lsm_policy_load(path, err, errlen);
	if (!pol)
		return -EINVAL;
	ret = audit_override(pol, err, errlen);
	if (ret) {
		sgx_lsm_policy_free(pol);
		return ret;
	}
	sgx_lsm_set_policy(pol);
	return 0;
}

int sgx_lsm_init(char *err, size_t errlen)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static bool done;
	char buf[1024];
	int ret = 0;

	if (!err || !errlen) {
		err = buf;
		errlen = sizeof(buf);
	}
	pthread_mutex_lock(&lock);
	if (!done) {
		ret = lsm_load(err, errlen);
		done = !ret;
	}
	pthread_mutex_unlock(&lock);
	return ret;
}
