/* SPDX-License-Identifier: MIT */
#ifndef SOFTSGX_BENCH_H
#define SOFTSGX_BENCH_H

#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One figure beside its physical limit: "BENCH name value unit limit=.. ratio=..". */
void bench_report(const char *name, double value, const char *unit,
		  double limit);

void bench_arch(void);
void bench_lsm(void);

#endif
