// SPDX-License-Identifier: MIT
/*
 * `make bench`: each figure is printed beside the physical limit it is
 * bounded by, measured in the same run on the same machine, so that the
 * ratio (not the absolute number) says how much overhead softsgx adds.
 * Timings are reported, never asserted.
 */
#include <stdio.h>

#include "bench.h"

void bench_report(const char *name, double value, const char *unit,
		  double limit)
{
	printf("BENCH %s %.3f %s limit=%.3f ratio=%.3f\n", name, value, unit,
	       limit, limit > 0 ? value / limit : 0.0);
	fflush(stdout);
}

int main(void)
{
	bench_arch();
	bench_lsm();
	return 0;
}
