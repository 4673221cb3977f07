// SPDX-License-Identifier: MIT
/*
 * The audit log. Each record is built in one buffer and handed to the sink
 * in one call, so records from several threads never interleave. The file
 * sink opens the file for each record: denials are rare, a program that
 * closes every fd cannot redirect the log into one of its own files, and
 * rotated logs are picked up.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "lsm/lsm_priv.h"

static pthread_mutex_t capture_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*capture_fn)(const char *line, void *arg);
static void *capture_arg;

void sgx_lsm_audit_set_capture(void (*fn)(const char *line, void *arg),
			       void *arg)
{
	pthread_mutex_lock(&capture_lock);
	capture_fn = fn;
	capture_arg = arg;
	pthread_mutex_unlock(&capture_lock);
}

/* Appends to a bounded buffer; the length saturates at the end. */
struct out {
	char *buf;
	size_t len, pos;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
	if (o->pos >= o->len)
		o->pos = o->len - 1;
}

static bool plain(const char *s)
{
	for (; *s; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '"')
			return false;
	return true;
}

/* key="value", or key=HEX when the value could be misread (audit style). */
static void put_string(struct out *o, const char *key, const char *s)
{
	if (plain(s)) {
		put(o, " %s=\"%s\"", key, s);
		return;
	}
	put(o, " %s=", key);
	for (; *s; s++)
		put(o, "%02X", (unsigned char)*s);
}

static void put_digest(struct out *o, const char *key, const char *kind,
		       bool known, const uint8_t d[SGX_HASH_SIZE])
{
	put(o, " %s=%s:", key, kind);
	if (!known) {
		put(o, "unknown");
		return;
	}
	for (size_t i = 0; i < SGX_HASH_SIZE; i++)
		put(o, "%02x", d[i]);
}

size_t sgx_lsm_audit_format(char *buf, size_t len,
			    const struct sgx_lsm_policy *policy,
			    const struct sgx_lsm_subject *subject,
			    const struct sgx_lsm_object *object,
			    const struct sgx_lsm_audit_event *ev)
{
	struct out o = { buf, len, 0 };

	if (!len)
		return 0;
	buf[0] = '\0';
	put(&o, "avc: %s { %s } for pid=%d", ev->granted ? "granted" : "denied",
	    sgx_lsm_perm_name(ev->perm),
	    (int)(subject->pid ? subject->pid : getpid()));
	put_string(&o, "exe", subject->exe ? subject->exe : "?");
	put(&o, " uid=%u gid=%u", (unsigned int)subject->uid,
	    (unsigned int)subject->gid);
	if (subject->label && subject->label[0])
		put_string(&o, "label", subject->label);
	put_digest(&o, "enclave", "mrenclave", object->identity_known,
		   object->mrenclave);
	put_digest(&o, "signer", "mrsigner", object->identity_known,
		   object->mrsigner);
	put(&o, " addr=0x%llx op=%s model=%s", (unsigned long long)ev->addr,
	    ev->op, sgx_lsm_model_name(policy->model));
	if (ev->rule < 0)
		put(&o, " rule=default");
	else
		put(&o, " rule=%u", policy->rules[ev->rule].line);
	put(&o, " permissive=%d", policy->permissive ? 1 : 0);
	return o.pos;
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			return; /* nowhere to report a failing log */
		s += n;
		len -= (size_t)n;
	}
}

static void sink_file(const char *path, const char *line, size_t len)
{
	char rec[SGX_LSM_AUDIT_MAX + 64];
	struct timespec ts;
	int fd, n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(rec, sizeof(rec), "audit(%lld.%03ld): %.*s\n",
		     (long long)ts.tv_sec, ts.tv_nsec / 1000000, (int)len,
		     line);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	write_all(fd, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec));
	close(fd);
}

static void syslog_open(void)
{
	openlog("softsgx", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

static void sink_syslog(bool granted, const char *line)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, syslog_open);
	syslog(granted ? LOG_INFO : LOG_NOTICE, "%s", line);
}

void sgx_lsm_audit_log(const struct sgx_lsm_policy *policy,
		       const struct sgx_lsm_subject *subject,
		       const struct sgx_lsm_object *object,
		       const struct sgx_lsm_audit_event *ev)
{
	char line[SGX_LSM_AUDIT_MAX + 2];
	size_t len;

	len = sgx_lsm_audit_format(line, sizeof(line) - 1, policy, subject,
				   object, ev);
	pthread_mutex_lock(&capture_lock);
	if (capture_fn) {
		capture_fn(line, capture_arg);
		pthread_mutex_unlock(&capture_lock);
		return;
	}
	pthread_mutex_unlock(&capture_lock);
	switch (policy->sink) {
	case SGX_LSM_SINK_FILE:
		sink_file(policy->audit_path, line, len);
		break;
	case SGX_LSM_SINK_SYSLOG:
		sink_syslog(ev->granted, line);
		break;
	default:
		line[len] = '\n';
		write_all(STDERR_FILENO, line, len + 1);
		break;
	}
}
