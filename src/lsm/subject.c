// SPDX-License-Identifier: MIT
/*
 * Subjects: the process that asks. Its executable (/proc/self/exe) and
 * its label ($SOFTSGX_LABEL, set by the launcher) do not change while the
 * process image lives, so they are read once; the effective uid/gid are
 * read at every hook, as a kernel LSM reads current's credentials at every
 * check, and the pid when a record is written.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsm/lsm_priv.h"

static struct {
	pthread_once_t once;
	char exe[PATH_MAX];
	char label[SGX_LSM_LABEL_MAX + 1];
	uint64_t exe_hash, label_hash;
} proc = { .once = PTHREAD_ONCE_INIT };

static const struct sgx_lsm_subject *_Atomic subject_override;

bool sgx_lsm_label_valid(const char *label)
{
	size_t n = strlen(label);

	if (!n || n > SGX_LSM_LABEL_MAX)
		return false;
	for (const char *c = label; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("_.:-", *c)))
			return false;
	return true;
}

static void proc_read(void)
{
	const char *label = secure_getenv(SGX_LSM_LABEL_ENV);
	ssize_t n = readlink("/proc/self/exe", proc.exe, sizeof(proc.exe) - 1);

	/* Without /proc the executable is unknown: no exe rule matches "?". */
	if (n <= 0)
		n = 0;
	proc.exe[n] = '\0';
	if (!n)
		strcpy(proc.exe, "?");
	/* sgx_lsm_init() refuses an invalid label; never match with one. */
	if (label && sgx_lsm_label_valid(label))
		strcpy(proc.label, label);
	proc.exe_hash = sgx_lsm_hash_str(proc.exe);
	proc.label_hash = sgx_lsm_hash_str(proc.label);
}

void sgx_lsm_subject_hash(struct sgx_lsm_subject *s)
{
	s->exe_hash = s->exe ? sgx_lsm_hash_str(s->exe) : 0;
	if (!s->label)
		s->label = "";
	s->label_hash = sgx_lsm_hash_str(s->label);
}

void sgx_lsm_current_subject(struct sgx_lsm_subject *s)
{
	pthread_once(&proc.once, proc_read);
	/* Only audit records need it: the syscall is made there (pid 0). */
	s->pid = 0;
	s->uid = geteuid();
	s->gid = getegid();
	s->exe = proc.exe;
	s->label = proc.label;
	s->exe_hash = proc.exe_hash;
	s->label_hash = proc.label_hash;
}

void sgx_lsm_set_subject_override(const struct sgx_lsm_subject *subject)
{
	atomic_store(&subject_override, subject);
}

const struct sgx_lsm_subject *sgx_lsm_hook_subject(struct sgx_lsm_subject *buf)
{
	const struct sgx_lsm_subject *o = atomic_load(&subject_override);

	if (o)
		return o;
	sgx_lsm_current_subject(buf);
	return buf;
}
