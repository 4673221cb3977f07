// SPDX-License-Identifier: MIT
/*
 * Threads and processes named so that any process can ask the kernel about
 * them later: ids plus a start time, which tells them from a later thread
 * or process given the same ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "driver/driver.h"
#include "driver/task.h"
#include "driver/sys.h"

/*
 * Owners of logical processors (struct sgx_lp.owner): a thread, named so
 * that any process can ask the kernel about it: pid and tid, plus the
 * thread's start time (ticks since boot, field 22 of its stat) to tell it
 * from a later thread that was given the same ids.
 */
static uint64_t owner_token(pid_t pid, pid_t tid)
{
	return (uint64_t)(uint32_t)pid << 32 | (uint32_t)tid;
}

/* Appends v in decimal: snprintf is not async-signal-safe. */
static char *put_dec(char *p, uint32_t v)
{
	char digits[10];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = digits[--n];
	return p;
}

enum thread_stat_result { THREAD_GONE, THREAD_FOUND, THREAD_UNKNOWN };

/*
 * State (field 3) and start time (field 22) from /proc/PID/task/TID/stat.
 * THREAD_GONE when the kernel no longer knows the thread, THREAD_UNKNOWN
 * when /proc cannot tell (not mounted, unexpected format).
 */
static enum thread_stat_result thread_stat(pid_t pid, pid_t tid, char *state,
					   uint64_t *start)
{
	char path[64], buf[2048], *p = path;
	ssize_t len;
	int fd, field;

	memcpy(p, "/proc/", 6);
	p = put_dec(p + 6, (uint32_t)pid);
	memcpy(p, "/task/", 6);
	p = put_dec(p + 6, (uint32_t)tid);
	memcpy(p, "/stat", 6);
	fd = sgx_sys_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? THREAD_GONE :
							   THREAD_UNKNOWN;
	len = read(fd, buf, sizeof(buf) - 1);
	sgx_sys_close(fd);
	if (len <= 0)
		return len < 0 && errno == ESRCH ? THREAD_GONE : THREAD_UNKNOWN;
	buf[len] = '\0';
	/* The name (field 2) may hold anything: fields 3.. follow its ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return THREAD_UNKNOWN;
	*state = p[2];
	p += 2;
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || *p < '0' || *p > '9')
		return THREAD_UNKNOWN;
	for (*start = 0; *p >= '0' && *p <= '9'; p++)
		*start = *start * 10 + (uint64_t)(*p - '0');
	return THREAD_FOUND;
}

void sgx_driver_lp_set_owner(struct sgx_lp *lp)
{
	pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
	uint64_t start = 0;
	int saved = errno;
	char state;

	lp->owner = owner_token(pid, tid);
	/* Without /proc, liveness rests on the ids alone (stamp 0). */
	lp->owner_stamp =
		thread_stat(pid, tid, &state, &start) == THREAD_FOUND ? start :
									0;
	errno = saved;
}

/*
 * The CPU's question about the holder of an ACTIVE TCS. Gone: no such
 * thread, a thread that will never run again (zombie: a process killed and
 * not yet reaped), or another thread under the same ids. When the kernel
 * cannot be asked, the holder is presumed alive: taking a TCS from a
 * running thread would be far worse than leaving a dead one busy.
 */
bool sgx_task_owner_alive(uint64_t owner, uint64_t stamp)
{
	pid_t pid = (pid_t)(owner >> 32), tid = (pid_t)(uint32_t)owner;
	enum thread_stat_result found;
	int saved = errno;
	uint64_t start = 0;
	bool alive = true;
	char state = 0;

	if (pid <= 0 || tid <= 0)
		return true;
	if (syscall(SYS_tgkill, pid, tid, 0) && errno == ESRCH) {
		alive = false;
	} else {
		found = thread_stat(pid, tid, &state, &start);
		if (found == THREAD_GONE)
			alive = false;
		else if (found == THREAD_FOUND)
			alive = state != 'Z' && state != 'X' &&
				(!stamp || start == stamp);
	}
	errno = saved;
	return alive;
}

uint64_t sgx_task_proc_stamp(pid_t pid)
{
	uint64_t start = 0;
	int saved = errno;
	char state;

	if (thread_stat(pid, pid, &state, &start) != THREAD_FOUND)
		start = 0;
	errno = saved;
	return start;
}

/*
 * Not the state: a process whose first thread ended (a zombie leader) may
 * still run others.
 */
bool sgx_task_proc_alive(pid_t pid, uint64_t stamp)
{
	int saved = errno;
	bool alive = true;

	if (kill(pid, 0) && errno == ESRCH)
		alive = false;
	else if (stamp)
		alive = sgx_task_proc_stamp(pid) == stamp;
	errno = saved;
	return alive;
}
