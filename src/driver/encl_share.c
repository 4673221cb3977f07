// SPDX-License-Identifier: MIT
/*
 * Who holds an enclave. Upstream an enclave lives as long as its file: a
 * forked child's descriptor is the same file, and so is one kept across
 * execve. Here every process has its own handle (struct sgx_encl) on the
 * one enclave object in the memfd, and the object lists the processes that
 * hold it, so that the last one to let go destroys the enclave and a
 * process that died holding it does not keep it alive.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/sgx_arch.h"
#include "driver/driver.h"
#include "driver/encl.h"
#include "driver/encl_priv.h"
#include "driver/task.h"
#include "driver/sys.h"
#include "lsm/lsm.h"

#define SGX_ENCL_MAGIC 0x31636e4578677373ULL /* "ssgxEnc1" */

#ifdef MFD_EXEC
#define SGX_MFD_EXEC MFD_EXEC
#else
#define SGX_MFD_EXEC 0x0010U
#endif

/* The process's handles; also serialises attaching and fork. */
static pthread_mutex_t encl_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgx_encl *encl_list;
/* Set by the shim's fork() while it runs (see atfork_child). */
static bool in_fork_wrapper;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void register_atfork(void);

void sgx_encl_lock(struct sgx_encl *encl)
{
	/* A process killed in an ioctl leaves the lock to the next one. */
	if (pthread_mutex_lock(&encl->sh->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&encl->sh->lock);
}

void sgx_encl_unlock(struct sgx_encl *encl)
{
	pthread_mutex_unlock(&encl->sh->lock);
}

/* --- users[] (with the enclave locked) -------------------------------- */

/* This process's start time; a forked child finds its own. */
static uint64_t self_stamp_cache;

static uint64_t self_stamp(void)
{
	if (!self_stamp_cache)
		self_stamp_cache = sgx_task_proc_stamp(getpid());
	return self_stamp_cache;
}

static int users_add(struct sgx_encl_shared *sh, pid_t pid, uint64_t stamp)
{
	for (int i = 0; i < SGX_ENCL_MAX_USERS; i++) {
		if (!sh->users[i]) {
			sh->users[i] = pid;
			sh->user_stamp[i] = stamp;
			return i;
		}
	}
	return -1;
}

static bool users_find(struct sgx_encl_shared *sh, pid_t pid)
{
	for (int i = 0; i < SGX_ENCL_MAX_USERS; i++)
		if (sh->users[i] == pid)
			return true;
	return false;
}

/* A slot of a fork in progress lives as long as the forking process. */
static bool user_alive(const struct sgx_encl_shared *sh, int i)
{
	pid_t u = sh->users[i];

	return sgx_task_proc_alive(u < 0 ? -u : u, sh->user_stamp[i]);
}

/*
 * Drops self and forgets the processes that died holding the enclave;
 * returns whether anyone else still holds it.
 */
static bool users_leave(struct sgx_encl_shared *sh, pid_t self)
{
	bool others = false;

	for (int i = 0; i < SGX_ENCL_MAX_USERS; i++) {
		if (!sh->users[i])
			continue;
		if (sh->users[i] == self || !user_alive(sh, i))
			sh->users[i] = 0;
		else
			others = true;
	}
	return others;
}

/*
 * Without the lock, which the ETRACK that kicks may hold: a slot read while
 * it changes names a process whose stamp does not match, which is skipped.
 */
void sgx_encl_for_each_holder(struct sgx_encl *encl, void (*fn)(pid_t pid))
{
	struct sgx_encl_shared *sh = encl->sh;
	pid_t self = getpid();

	for (int i = 0; i < SGX_ENCL_MAX_USERS; i++) {
		pid_t u = __atomic_load_n(&sh->users[i], __ATOMIC_RELAXED);

		if (u > 0 && u != self &&
		    sgx_task_proc_alive(u, __atomic_load_n(&sh->user_stamp[i],
							   __ATOMIC_RELAXED)))
			fn(u);
	}
}

/* --- handles ---------------------------------------------------------- */

static struct sgx_encl *handle_new(int memfd)
{
	struct sgx_encl *encl = calloc(1, sizeof(*encl));
	struct stat st;

	if (!encl)
		return NULL;
	if (sgx_sys_fstat(memfd, &st))
		goto err;
	encl->sh = sgx_sys_mmap(NULL, SGX_ENCL_ELRANGE_OFFSET,
				PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (encl->sh == MAP_FAILED)
		goto err;
	encl->memfd = memfd;
	encl->dev = st.st_dev;
	encl->ino = st.st_ino;
	atomic_init(&encl->refcount, 1);
	atomic_init(&encl->attached, false);
	encl->fork_slot = -1;
	return encl;
err:
	free(encl);
	return NULL;
}

static void handle_free(struct sgx_encl *encl)
{
	sgx_sys_munmap(encl->sh, SGX_ENCL_ELRANGE_OFFSET);
	sgx_sys_close(encl->memfd);
	free(encl);
}

static void list_add(struct sgx_encl *encl)
{
	encl->next = encl_list;
	encl_list = encl;
}

static void list_del(struct sgx_encl *encl)
{
	struct sgx_encl **p = &encl_list;

	while (*p && *p != encl)
		p = &(*p)->next;
	if (*p)
		*p = encl->next;
}

static int shared_init(struct sgx_encl_shared *sh)
{
	pthread_mutexattr_t a;
	int ret;

	if (pthread_mutexattr_init(&a))
		return -ENOMEM;
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	ret = pthread_mutex_init(&sh->lock, &a) ||
			      pthread_mutex_init(&sh->ioctl_lock, &a) ?
		      -ENOMEM :
		      0;
	pthread_mutexattr_destroy(&a);
	atomic_init(&sh->flags, 0);
	sh->users[0] = getpid();
	sh->user_stamp[0] = self_stamp();
	sh->magic = SGX_ENCL_MAGIC;
	return ret;
}

static int enclave_memfd(void)
{
	/*
	 * Enclave code runs from mappings of this file: ask for an executable
	 * memfd explicitly (vm.memfd_noexec may default to noexec); kernels
	 * before 6.3 do not know the flag and refuse it.
	 */
	int fd = memfd_create("sgx_enclave", MFD_CLOEXEC | SGX_MFD_EXEC);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("sgx_enclave", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, SGX_ENCL_ELRANGE_OFFSET)) {
		int ret = -errno;

		sgx_sys_close(fd);
		return ret;
	}
	return fd;
}

struct sgx_encl *sgx_encl_alloc(void)
{
	struct sgx_encl *encl;
	int fd, ret;

	/* Every enclave needs the machine, at the latest to be released. */
	ret = sgx_driver_init(NULL, 0);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	fd = enclave_memfd();
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	encl = handle_new(fd);
	if (!encl || shared_init(encl->sh)) {
		if (encl)
			handle_free(encl);
		else
			sgx_sys_close(fd);
		errno = ENOMEM;
		return NULL;
	}
	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&encl_list_lock);
	list_add(encl);
	pthread_mutex_unlock(&encl_list_lock);
	return encl;
}

static struct sgx_encl *find_handle(const struct stat *st)
{
	for (struct sgx_encl *e = encl_list; e; e = e->next)
		if (e->dev == st->st_dev && e->ino == st->st_ino)
			return e;
	return NULL;
}

/* A new handle on the enclave object behind fd; NULL and errno. */
static struct sgx_encl *handle_adopt(int fd, const struct stat *st)
{
	struct sgx_encl *encl;
	char path[40];
	int memfd;

	if (!S_ISREG(st->st_mode) || st->st_size < SGX_ENCL_ELRANGE_OFFSET) {
		errno = EINVAL;
		return NULL;
	}
	/* The program's descriptor is read-only; the object is not. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memfd = sgx_sys_open(path, O_RDWR | O_CLOEXEC);
	if (memfd < 0)
		memfd = sgx_sys_dupfd_cloexec(fd);
	if (memfd < 0)
		return NULL;
	encl = handle_new(memfd);
	if (!encl) {
		sgx_sys_close(memfd);
		errno = ENOMEM;
		return NULL;
	}
	if (encl->sh->magic != SGX_ENCL_MAGIC) {
		handle_free(encl);
		errno = EINVAL;
		return NULL;
	}
	pthread_once(&atfork_once, register_atfork);
	/* Started without fork() (posix_spawn, vfork): hold it from now. */
	sgx_encl_lock(encl);
	if (!users_find(encl->sh, getpid()))
		users_add(encl->sh, getpid(), self_stamp());
	sgx_encl_unlock(encl);
	return encl;
}

struct sgx_encl *sgx_encl_adopt(int fd)
{
	struct sgx_encl *encl;
	struct stat st;
	int ret;

	ret = sgx_driver_init(NULL, 0);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	if (sgx_sys_fstat(fd, &st))
		return NULL;
	pthread_mutex_lock(&encl_list_lock);
	encl = find_handle(&st);
	if (encl) {
		sgx_encl_get(encl);
	} else {
		encl = handle_adopt(fd, &st);
		if (encl)
			list_add(encl);
	}
	pthread_mutex_unlock(&encl_list_lock);
	/* An enclave that cannot be mapped here is still one; may_map says. */
	if (encl)
		sgx_encl_sync(encl);
	return encl;
}

/*
 * The last reference goes under the list lock: a handle on the list always
 * has a reference, so neither fork() nor adoption can find a dying one.
 */
void sgx_encl_put(struct sgx_encl *encl)
{
	int refs = atomic_load(&encl->refcount);
	bool others;

	/* Not the last: no lock (this may run in a signal handler). */
	while (refs > 1)
		if (atomic_compare_exchange_weak(&encl->refcount, &refs,
						 refs - 1))
			return;
	pthread_mutex_lock(&encl_list_lock);
	if (atomic_fetch_sub(&encl->refcount, 1) != 1) {
		pthread_mutex_unlock(&encl_list_lock);
		return;
	}
	list_del(encl);
	pthread_mutex_unlock(&encl_list_lock);
	sgx_encl_lock(encl);
	others = users_leave(encl->sh, getpid());
	sgx_encl_unlock(encl);
	sgx_encl_release(encl, !others);
	handle_free(encl);
}

/* --- another process's CREATE ------------------------------------------ */

static int attach(struct sgx_encl *encl)
{
	struct sgx_encl_shared *sh = encl->sh;
	struct sgx_encl_layout l;
	void *want = (void *)(uintptr_t)sh->alias_addr, *alias;
	int ret;

	sgx_encl_layout(&l, sh->elrange);
	alias = sgx_sys_mmap(want, l.alias_size, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
			     encl->memfd, SGX_ENCL_ELRANGE_OFFSET);
	if (alias == MAP_FAILED)
		return -ENOMEM;
	/* Kernels before 4.17 take the address as a hint only. */
	if (alias != want) {
		sgx_sys_munmap(alias, l.alias_size);
		return -ENOMEM;
	}
	ret = sgx_encl_view(encl, alias, sh->elrange);
	if (!ret && !encl->security)
		ret = security_enclave_alloc(&encl->security, sh->base,
					     encl->nr_pages, sh->attributes,
					     encl->lsm_shared);
	if (ret) {
		if (encl->alias)
			sgx_epc_detach_section(sgx_driver_cpu(), encl->section);
		sgx_sys_munmap(alias, l.alias_size);
		encl->alias = NULL;
		return ret;
	}
	encl->base = sh->base;
	encl->size = sh->size;
	atomic_store_explicit(&encl->attached, true, memory_order_release);
	return 0;
}

int sgx_encl_sync(struct sgx_encl *encl)
{
	int ret = 0;

	if (atomic_load_explicit(&encl->attached, memory_order_acquire) ||
	    !sgx_encl_test_flag(encl, SGX_ENCL_CREATED))
		return 0;
	pthread_mutex_lock(&encl_list_lock);
	if (!atomic_load(&encl->attached))
		ret = attach(encl);
	pthread_mutex_unlock(&encl_list_lock);
	return ret;
}

/* --- fork() ----------------------------------------------------------- */

/*
 * The child must hold every enclave before fork() returns in the parent,
 * which could otherwise let go first and destroy what the child uses: the
 * parent reserves a slot (-its pid) that the child then takes over. No
 * free slot fails the fork (-EAGAIN), as a child that holds an enclave
 * without being listed could see it destroyed.
 */
int sgx_encl_fork_prepare(void)
{
	pthread_mutex_lock(&encl_list_lock);
	in_fork_wrapper = true;
	for (struct sgx_encl *e = encl_list; e; e = e->next) {
		sgx_encl_lock(e);
		e->fork_slot = users_add(e->sh, -getpid(), self_stamp());
		sgx_encl_unlock(e);
		if (e->fork_slot < 0) {
			sgx_encl_fork_parent(-1);
			return -EAGAIN;
		}
	}
	return 0;
}

/* The child's own slot, taken over from the parent's reservation. */
static void fork_take_over(struct sgx_encl *e, pid_t reserved, pid_t pid)
{
	int slot = e->fork_slot;

	sgx_encl_lock(e);
	if (slot >= 0 && e->sh->users[slot] == reserved) {
		if (pid && !users_find(e->sh, pid)) {
			e->sh->users[slot] = pid;
			e->sh->user_stamp[slot] = self_stamp();
		} else {
			e->sh->users[slot] = 0;
		}
	} else if (pid && !users_find(e->sh, pid)) {
		users_add(e->sh, pid, self_stamp());
	}
	sgx_encl_unlock(e);
	e->fork_slot = -1;
}

void sgx_encl_fork_parent(pid_t child)
{
	/* The child took its slots over itself; a failed fork frees them. */
	for (struct sgx_encl *e = encl_list; e && child < 0; e = e->next)
		fork_take_over(e, -getpid(), 0);
	in_fork_wrapper = false;
	pthread_mutex_unlock(&encl_list_lock);
}

void sgx_encl_fork_child(void)
{
	self_stamp_cache = 0;
	for (struct sgx_encl *e = encl_list; e; e = e->next)
		fork_take_over(e, -getppid(), getpid());
	in_fork_wrapper = false;
	pthread_mutex_unlock(&encl_list_lock);
}

/*
 * A child made by a fork() that is not the shim's (daemon(), glibc's own
 * callers): it was not reserved for, so it holds the enclaves from here.
 * Skipped when the list lock was held at the fork (by another thread):
 * that thread is not in this process any more.
 */
static void atfork_child(void)
{
	if (in_fork_wrapper)
		return;
	self_stamp_cache = 0;
	if (pthread_mutex_trylock(&encl_list_lock))
		return;
	for (struct sgx_encl *e = encl_list; e; e = e->next) {
		e->fork_slot = -1;
		fork_take_over(e, 0, getpid());
	}
	pthread_mutex_unlock(&encl_list_lock);
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, atfork_child);
}
