/* SPDX-License-Identifier: MIT */
/*
 * Who is still there: the holders of a TCS (threads) and of an enclave
 * (processes), across processes. All of it is async-signal-safe.
 */
#ifndef SOFTSGX_DRIVER_TASK_H
#define SOFTSGX_DRIVER_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The CPU's owner_alive callback: is the thread named by owner and stamp
 * (sgx_driver_lp_set_owner) still there? When /proc cannot tell, yes.
 */
bool sgx_task_owner_alive(uint64_t owner, uint64_t stamp);

/* A process's start time (ticks since boot), or 0 if /proc cannot tell. */
uint64_t sgx_task_proc_stamp(pid_t pid);
/* Is pid still the process that had stamp (0: any process with that pid)? */
bool sgx_task_proc_alive(pid_t pid, uint64_t stamp);

#endif /* SOFTSGX_DRIVER_TASK_H */
