/* SPDX-License-Identifier: MIT */
/*
 * The heap example (heap_enclave.c): an enclave whose heap grows on
 * demand. Its allocator hands out memory from the dynamic region and
 * EACCEPTs pages only as allocations reach them (the first touch of each
 * makes the OS EAUG it); freeing gives whole pages back to the OS
 * (MODIFY_TYPES(TRIM), EACCEPT, REMOVE_PAGES by OCALLs). Used by the
 * example host, tests/edmm/edmm_heap.c and bench/bench_edmm.c.
 *
 * Offsets are from the enclave base. The allocator is mark/release: a
 * block is freed together with every block allocated after it, which is
 * what lets it give back the top of the heap.
 */
#ifndef SOFTSGX_EXAMPLE_EDMM_HEAP_H
#define SOFTSGX_EXAMPLE_EDMM_HEAP_H

/* SECS.SIZE: the upper half, 1 GiB, is the heap. */
#define HEAP_ENCLAVE_SIZE 0x80000000ULL

enum heap_cmd {
	/* arg0 bytes -> offset of the block, 0 if none; out0 pages added */
	/* for it, out1 the failing EACCEPT's status when there is one */
	HEAP_ALLOC = 1,
	/* arg0 offset, arg1 bytes, arg2 seed: write the pattern -> 0 */
	HEAP_FILL,
	/* arg0 offset, arg1 bytes, arg2 seed -> qwords that differ */
	HEAP_CHECK,
	/* arg0 offset of a block: free it and every later one -> pages */
	/* given back; out1 the failing EACCEPT's status when there is one */
	HEAP_RELEASE,
	/* arg0 offset, arg1 bytes, arg2 SECINFO R/W bits to keep: */
	/* RESTRICT_PERMISSIONS by OCALL, EACCEPT each page -> 0 or status */
	HEAP_RESTRICT,
	/* arg0 offset, arg1 bytes, arg2 SECINFO R/W bits: EMODPE -> 0 */
	HEAP_EXTEND,
	/* -> 0; out0 heap pages, out1 bytes in use, out2 pages ever added, */
	/* out3 pages ever given back */
	HEAP_STATS,
};

#endif /* SOFTSGX_EXAMPLE_EDMM_HEAP_H */
