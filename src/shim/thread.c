// SPDX-License-Identifier: MIT
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "driver/driver.h"
#include "shim/fsgs.h"
#include "shim/shim.h"
#include "shim/sud.h"
#include "shim/thread.h"

#define SHIM_MAX_THREADS 4096
#define SHIM_ALTSTACK_SIZE (64 * 1024)

/* Open-addressing table keyed by tid: lock-free lookups from handlers. */
static struct {
	atomic_int tid;
	struct shim_thread *_Atomic thread;
} thread_table[SHIM_MAX_THREADS];

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

static unsigned int slot_of(pid_t tid)
{
	return ((unsigned int)tid * 2654435761U) % SHIM_MAX_THREADS;
}

struct shim_thread *shim_thread_find(void)
{
	pid_t tid = (pid_t)shim_raw_gettid();
	unsigned int i = slot_of(tid);

	for (unsigned int n = 0; n < SHIM_MAX_THREADS; n++) {
		int t = atomic_load(&thread_table[i].tid);

		if (t == tid)
			return atomic_load(&thread_table[i].thread);
		if (t == 0)
			return NULL;
		i = (i + 1) % SHIM_MAX_THREADS;
	}
	return NULL;
}

static void thread_release(void *arg)
{
	struct shim_thread *t = arg;
	unsigned int i = slot_of(t->tid);

	shim_sud_thread_exit(t);
	/* The slot stays claimed (tid -1 marks a tombstone) so probing
	 * sequences through it remain intact. */
	for (unsigned int n = 0; n < SHIM_MAX_THREADS; n++) {
		if (atomic_load(&thread_table[i].thread) == t) {
			atomic_store(&thread_table[i].thread, NULL);
			atomic_store(&thread_table[i].tid, -1);
			break;
		}
		i = (i + 1) % SHIM_MAX_THREADS;
	}
	if (t->altstack)
		munmap(t->altstack, t->altstack_size);
	munmap(t, sizeof(*t));
}

static void thread_key_create(void)
{
	pthread_key_create(&thread_key, thread_release);
}

static bool thread_insert(struct shim_thread *t)
{
	unsigned int i = slot_of(t->tid);

	for (unsigned int n = 0; n < SHIM_MAX_THREADS; n++) {
		int cur = atomic_load(&thread_table[i].tid);

		/* Free (0) and tombstone (-1) slots can be claimed. */
		if ((cur == 0 || cur == -1) &&
		    atomic_compare_exchange_strong(&thread_table[i].tid, &cur,
						   t->tid)) {
			atomic_store(&thread_table[i].thread, t);
			return true;
		}
		i = (i + 1) % SHIM_MAX_THREADS;
	}
	return false;
}

/*
 * Signal frames must never be written onto an enclave stack. The stack is
 * only allocated here; the ENCLU paths make it the thread's alternate
 * stack while it is in enclave mode (shim_altstack_enter/leave).
 */
static void thread_altstack(struct shim_thread *t)
{
	t->altstack = mmap(NULL, SHIM_ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->altstack == MAP_FAILED) {
		t->altstack = NULL;
		return;
	}
	t->altstack_size = SHIM_ALTSTACK_SIZE;
}

struct shim_thread *shim_thread_get(void)
{
	struct shim_thread *t = shim_thread_find();

	if (t)
		return t;
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->tid = (pid_t)shim_raw_gettid();
	t->host_fsbase = shim_rdfsbase();
	t->host_gsbase = shim_rdgsbase();
	shim_lp_init(&t->lp);
	/*
	 * This state is found by thread id, so a forked child's threads get
	 * their own, never the parent's: the owner name stays true.
	 */
	sgx_driver_lp_set_owner(&t->lp);
	thread_altstack(t);
	shim_sud_thread_init(t);
	if (!thread_insert(t)) {
		shim_sud_thread_exit(t);
		munmap(t, sizeof(*t));
		return NULL;
	}
	pthread_once(&thread_key_once, thread_key_create);
	pthread_setspecific(thread_key, t);
	return t;
}

void shim_thread_foreach(void (*fn)(struct shim_thread *t, void *arg),
			 void *arg)
{
	for (unsigned int i = 0; i < SHIM_MAX_THREADS; i++) {
		struct shim_thread *t = atomic_load(&thread_table[i].thread);

		if (t)
			fn(t, arg);
	}
}
