// SPDX-License-Identifier: MIT
/*
 * SGX2 with several threads in the enclave: the tracking cycle an EACCEPT
 * waits for must be complete when the ioctl returns even while another
 * thread stays inside (the kernel IPIs it, with wait), and a TCS created
 * at run time runs in parallel with the image's.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "edmm_test.h"

#define TRACKING_ROUNDS 64

struct worker {
	pthread_t thread;
	uint64_t tcs, cmd, a0, a1;
	struct res res;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->res = ecall_on(w->tcs, w->cmd, w->a0, w->a1, 0);
	return NULL;
}

static int start(struct worker *w)
{
	return pthread_create(&w->thread, NULL, worker_main, w);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* One restriction accepted while the spinner is inside: 0 or status. */
static uint64_t restrict_round(uint64_t off)
{
	struct res r;

	if (edmm_restrict(&H, off, EDMM_PAGE, EDMM_SI_R, NULL))
		return EDMM_ERR_BAD_CALL;
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_RESTRICT(EDMM_SI_R), 0);
	if (r.rc)
		return EDMM_ERR_EXCEPTION;
	if (r.ret)
		return r.ret;
	r = ecall(T_EMODPE, off, EDMM_SI_W, 0);
	return r.rc ? EDMM_ERR_EXCEPTION : r.ret;
}

/* One ioctl, eight ETRACKs: each must find the previous cycle complete. */
static void multi_page(uint64_t off)
{
	struct res r;

	failed_with(
		edmm_modify_types(&H, off, 8 * EDMM_PAGE, EDMM_PT_TRIM, NULL),
		0, "tracking: MODIFY_TYPES(TRIM) of 8 pages, a thread inside");
	r = ecall(T_ACCEPT_RANGE, off, 8 * EDMM_PAGE, EDMM_ACCEPT_TRIM);
	returned(&r, 0, "tracking: EACCEPT {TRIM, MODIFIED} x 8");
	failed_with(edmm_remove_pages(&H, off, 8 * EDMM_PAGE), 0,
		    "tracking: REMOVE_PAGES of the 8 pages");
}

void test_tracking(void)
{
	volatile uint64_t stop = 0;
	struct worker w = { .tcs = tcs(2),
			    .cmd = T_SPIN,
			    .a0 = (uint64_t)&stop };
	uint64_t off = accepted_page(), bad = 0, range = fresh_page();
	int i;

	for (i = 1; i < 8; i++)
		fresh_page();
	ecall(T_ACCEPT_RANGE, range, 8 * EDMM_PAGE, EDMM_ACCEPT_AUG);

	if (!check(start(&w) == 0, "tracking: a thread spins in the enclave"))
		return;
	sleep_ms(50);
	for (i = 0; i < TRACKING_ROUNDS && !bad; i++)
		bad = restrict_round(off);
	check(!bad,
	      "tracking: %d x (RESTRICT_PERMISSIONS, EACCEPT) with a thread "
	      "inside: status %llu at round %d (11 = SGX_NOT_TRACKED)",
	      TRACKING_ROUNDS, (unsigned long long)bad, i);
	multi_page(range);
	stop = 1;
	pthread_join(w.thread, NULL);
	if (w.res.rc)
		edmm_host_report(&H, "tracking: the spinner", w.res.rc,
				 &w.res.run);
	check(w.res.rc == 0 && w.res.ret > 0,
	      "tracking: the spinning thread went on through the kicks "
	      "(%llu iterations)",
	      (unsigned long long)w.res.ret);
}

/* Sets *flag after 20 s unless done first: a failing test must not hang. */
struct watchdog {
	pthread_t thread;
	volatile uint64_t *flag;
	volatile int done;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *wd = arg;

	for (int i = 0; i < 2000 && !wd->done; i++)
		sleep_ms(10);
	*wd->flag = 1;
	return NULL;
}

static void watchdog_stop(struct watchdog *wd)
{
	wd->done = 1;
	pthread_join(wd->thread, NULL);
}

void test_parallel(void)
{
	volatile uint64_t abort_flag = 0;
	uint64_t t = new_tcs();
	struct worker w = { .tcs = t,
			    .cmd = T_RENDEZVOUS,
			    .a0 = 2,
			    .a1 = (uint64_t)&abort_flag };
	struct watchdog wd = { .flag = &abort_flag };
	struct res r;

	if (!t || pthread_create(&wd.thread, NULL, watchdog_main, &wd))
		return;
	if (!check(start(&w) == 0, "parallel: a second host thread")) {
		watchdog_stop(&wd);
		return;
	}
	r = ecall_on(tcs(0), T_RENDEZVOUS, 2, (uint64_t)&abort_flag, 0);
	pthread_join(w.thread, NULL);
	watchdog_stop(&wd);
	returned(&r, 1, "parallel: TCS 0 saw the new TCS's thread inside");
	returned(&w.res, 1, "parallel: the new TCS's thread saw TCS 0 inside");
}
