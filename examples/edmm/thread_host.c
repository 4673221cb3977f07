// SPDX-License-Identifier: MIT
/*
 * The thread example's host: an ordinary SGX program (host.h). Its enclave
 * has one TCS; the enclave adds a second at run time (the host runs
 * MODIFY_TYPES(TCS) when asked by OCALL), then two host threads enter
 * through the two TCSs at once and split a computation between them.
 * Finally the enclave retires the added thread (TRIM, EACCEPT, REMOVE).
 *
 * Usage: edmm-thread ENCLAVE ENCLAVE.sig
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "edmm_thread.h"
#include "host.h"

#define NAME "edmm-thread"
#define LIMIT 100000 /* count the primes below this ... */
#define SPLIT 50000 /* ... the image's thread below this, the new one above */
#define PRIMES_BELOW_LIMIT 9592
#define WATCHDOG_MS 10000

static struct edmm_host host;

struct worker {
	pthread_t thread;
	uint64_t tcs, lo, hi;
	volatile uint64_t *give_up;
	struct edmm_call call;
	int ret;
};

static int ecall(uint64_t tcs, struct edmm_call *c)
{
	struct sgx_enclave_run run;
	int ret = edmm_host_call(&host, tcs, c, &run);

	if (ret)
		edmm_host_report(&host, "ECALL", ret, &run);
	return ret;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	memset(&w->call, 0, sizeof(w->call));
	w->call.cmd = THREAD_PRIMES;
	w->call.arg[0] = w->lo;
	w->call.arg[1] = w->hi;
	w->call.arg[2] = 2;
	w->call.arg[3] = (uint64_t)w->give_up;
	w->ret = ecall(w->tcs, &w->call);
	return NULL;
}

/* The enclave makes the TCS; the host only learns where it is. */
static uint64_t add_thread(void)
{
	struct edmm_call c = { .cmd = THREAD_ADD };

	if (ecall(edmm_host_tcs(&host, 0), &c) || !c.ret) {
		fprintf(stderr, NAME ": THREAD_ADD failed (0x%llx)\n",
			(unsigned long long)c.out[1]);
		return 0;
	}
	printf("the enclave made a TCS at +0x%llx at run time (EACCEPT of its "
	       "slot, MODIFY_TYPES(TCS), EACCEPT {TCS, MODIFIED})\n",
	       (unsigned long long)c.ret);
	return host.base + c.ret;
}

/* Without the other thread the first would wait forever: give up. */
static void *watchdog_main(void *arg)
{
	volatile uint64_t *give_up = arg;
	struct timespec tick = { 0, 10 * 1000000 };

	for (int ms = 0; ms < WATCHDOG_MS && *give_up != 2; ms += 10)
		nanosleep(&tick, NULL);
	if (*give_up != 2)
		*give_up = 1;
	return NULL;
}

static void report(const struct worker *w)
{
	printf("  thread index %llu (TCS +0x%llx): %llu primes in [%llu, "
	       "%llu), %llu threads inside at once\n",
	       (unsigned long long)w->call.out[0],
	       (unsigned long long)(w->tcs - host.base),
	       (unsigned long long)w->call.ret, (unsigned long long)w->lo,
	       (unsigned long long)w->hi, (unsigned long long)w->call.out[1]);
}

static int run_parallel(uint64_t new_tcs)
{
	volatile uint64_t give_up = 0; /* 1: stop waiting, 2: stop the dog */
	struct worker w[2] = {
		{ .tcs = edmm_host_tcs(&host, 0), .lo = 0, .hi = SPLIT },
		{ .tcs = new_tcs, .lo = SPLIT, .hi = LIMIT },
	};
	bool started[2];
	pthread_t wd;
	bool ok;

	w[0].give_up = w[1].give_up = &give_up;
	if (pthread_create(&wd, NULL, watchdog_main, (void *)&give_up))
		return -1;
	for (int i = 0; i < 2; i++) {
		started[i] =
			!pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
		if (!started[i])
			give_up = 1;
	}
	for (int i = 0; i < 2; i++)
		if (started[i])
			pthread_join(w[i].thread, NULL);
	ok = give_up == 0;
	give_up = 2;
	pthread_join(wd, NULL);
	if (!started[0] || !started[1])
		return -1;
	printf("two host threads entered at once, one through each TCS:\n");
	for (int i = 0; i < 2; i++)
		report(&w[i]);
	ok = ok && !w[0].ret && !w[1].ret && w[0].call.out[1] == 2 &&
	     w[1].call.out[1] == 2 && w[1].call.out[0] == 1 &&
	     w[0].call.ret + w[1].call.ret == PRIMES_BELOW_LIMIT;
	printf("  together: %llu primes below %d (want %d)\n",
	       (unsigned long long)(w[0].call.ret + w[1].call.ret), LIMIT,
	       PRIMES_BELOW_LIMIT);
	return ok ? 0 : -1;
}

static int remove_thread(uint64_t tcs)
{
	struct edmm_call c = { .cmd = THREAD_REMOVE,
			       .arg = { tcs - host.base } };

	if (ecall(edmm_host_tcs(&host, 0), &c) || c.ret) {
		fprintf(stderr, NAME ": THREAD_REMOVE failed (0x%llx)\n",
			(unsigned long long)c.ret);
		return -1;
	}
	printf("the enclave retired the thread: TCS, stack and SSA trimmed "
	       "and removed\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t tcs;
	int ret = -1;

	if (argc != 3) {
		fprintf(stderr, "usage: " NAME " ENCLAVE ENCLAVE.sig\n");
		return 2;
	}
	/* Lines in order with the errors, also through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* RW: a page that becomes a TCS must not be mapped executable. */
	if (edmm_host_open(&host, NAME, argv[1], argv[2],
			   PROT_READ | PROT_WRITE))
		return 1;
	printf("enclave at 0x%llx with %zu TCS in its image\n",
	       (unsigned long long)host.base, host.img.nr_tcs);
	tcs = add_thread();
	if (tcs && !run_parallel(tcs))
		ret = remove_thread(tcs);
	edmm_host_close(&host);
	printf(NAME ": %s\n", ret ? "FAILED" : "ok");
	return ret ? 1 : 0;
}
