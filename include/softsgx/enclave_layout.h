/* SPDX-License-Identifier: MIT */
/*
 * The softsgx enclave image convention (docs/enclave-image.md), shared by
 * the loader/signer (tools/image.c) and by code running inside an enclave.
 *
 * An enclave image is an ELF64 x86-64 file linked at address 0 whose PT_LOAD
 * segments are the enclave's code and data, plus one ELF note (name
 * "softsgx", type SOFTSGX_NOTE_LAYOUT) whose descriptor is a
 * struct softsgx_layout_note. From it the loader generates, above the image,
 * the heap and, for every thread, a guard gap, a stack, a TCS, the SSA
 * frames and a thread-data page (struct softsgx_thread_data), which is the
 * thread's FS and GS base inside the enclave.
 *
 * All addresses here are offsets from the enclave base: the base is chosen
 * at load time and must not influence the measurement.
 *
 * This header is also usable from assembly (the SOFTSGX_TD_* offsets).
 */
#ifndef SOFTSGX_ENCLAVE_LAYOUT_H
#define SOFTSGX_ENCLAVE_LAYOUT_H

/* ELF note that carries the layout. */
#define SOFTSGX_NOTE_NAME "softsgx"
#define SOFTSGX_NOTE_LAYOUT 1
#define SOFTSGX_LAYOUT_VERSION 1

/* struct softsgx_layout_note.flags */
#define SOFTSGX_LAYOUT_MEASURE_HEAP (1U << 0) /* EEXTEND the heap pages */
#define SOFTSGX_LAYOUT_MEASURE_STACK (1U << 1) /* EEXTEND the stack pages */
#define SOFTSGX_LAYOUT_FLAGS_MASK \
	(SOFTSGX_LAYOUT_MEASURE_HEAP | SOFTSGX_LAYOUT_MEASURE_STACK)

/* Limits the loader enforces on the note (see docs/enclave-image.md). */
#define SOFTSGX_LAYOUT_MAX_THREADS 1024
#define SOFTSGX_LAYOUT_MAX_NSSA 16
#define SOFTSGX_LAYOUT_MAX_SSA_FRAME_SIZE 64 /* pages */

/* Byte offsets in struct softsgx_thread_data, for the bootstrap assembly. */
#define SOFTSGX_TD_SELF 0
#define SOFTSGX_TD_TCS 8
#define SOFTSGX_TD_STACK_TOP 16
#define SOFTSGX_TD_STACK_BOTTOM 24
#define SOFTSGX_TD_SSA 32
#define SOFTSGX_TD_HEAP 40
#define SOFTSGX_TD_HEAP_SIZE 48
#define SOFTSGX_TD_ENCLAVE_SIZE 56
#define SOFTSGX_TD_THREAD_INDEX 64
#define SOFTSGX_TD_NR_THREADS 68
#define SOFTSGX_TD_NSSA 72
#define SOFTSGX_TD_SSA_FRAME_SIZE 76
#define SOFTSGX_TD_BASE 128
#define SOFTSGX_TD_HOST_RSP 136
#define SOFTSGX_TD_HOST_RBP 144
#define SOFTSGX_TD_EXIT_ADDR 152
#define SOFTSGX_TD_SIZE 192

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

/*
 * Descriptor of the layout note. Sizes are in bytes and multiples of 4096
 * unless said otherwise; reserved fields must be zero.
 */
struct softsgx_layout_note {
	uint32_t version; /* SOFTSGX_LAYOUT_VERSION */
	uint32_t flags; /* SOFTSGX_LAYOUT_* */
	uint32_t nr_threads; /* TCS count, >= 1 */
	uint32_t nssa; /* SSA frames per TCS, >= 1 */
	uint32_t ssa_frame_size; /* pages per SSA frame (SECS.SSAFRAMESIZE) */
	uint32_t reserved1;
	uint64_t stack_size; /* per thread, >= 4096 */
	uint64_t heap_size; /* shared by all threads, may be 0 */
	uint64_t enclave_size; /* SECS.SIZE; 0 = smallest power of two */
	uint64_t reserved2[2];
};

/*
 * The thread-data page: FS and GS base of its thread. The first 128 bytes
 * are written by the loader and measured; the next 64 bytes are 0 in the
 * measured page and belong to the bootstrap at run time; the rest of the
 * page (from SOFTSGX_TD_SIZE) is zero and free for enclave software.
 */
struct softsgx_thread_data {
	/* Measured: offsets from the enclave base. */
	uint64_t self; /* this page (= TCS.OFSBASE = TCS.OGSBASE) */
	uint64_t tcs; /* this thread's TCS */
	uint64_t stack_top; /* initial RSP: one past the highest stack byte */
	uint64_t stack_bottom; /* lowest stack byte; guard gap below */
	uint64_t ssa; /* SSA frame 0 (= TCS.OSSA) */
	uint64_t heap; /* heap start, shared by all threads */
	uint64_t heap_size;
	uint64_t enclave_size; /* SECS.SIZE */
	uint32_t thread_index; /* 0 .. nr_threads - 1 */
	uint32_t nr_threads;
	uint32_t nssa;
	uint32_t ssa_frame_size; /* pages */
	uint64_t reserved1[6];
	/* Run time, owned by the bootstrap (0 when measured). */
	uint64_t base; /* absolute enclave base, = RBX - tcs at EENTER */
	uint64_t host_rsp; /* untrusted RSP/RBP saved at EENTER */
	uint64_t host_rbp;
	uint64_t exit_addr; /* RCX at EENTER: where EEXIT returns */
	uint64_t reserved2[4];
};

#define SOFTSGX_TD_ASSERT(field, off)                                        \
	_Static_assert(offsetof(struct softsgx_thread_data, field) == (off), \
		       "softsgx_thread_data." #field)

_Static_assert(sizeof(struct softsgx_layout_note) == 64, "layout note");
_Static_assert(sizeof(struct softsgx_thread_data) == SOFTSGX_TD_SIZE,
	       "thread data");
SOFTSGX_TD_ASSERT(self, SOFTSGX_TD_SELF);
SOFTSGX_TD_ASSERT(tcs, SOFTSGX_TD_TCS);
SOFTSGX_TD_ASSERT(stack_top, SOFTSGX_TD_STACK_TOP);
SOFTSGX_TD_ASSERT(stack_bottom, SOFTSGX_TD_STACK_BOTTOM);
SOFTSGX_TD_ASSERT(ssa, SOFTSGX_TD_SSA);
SOFTSGX_TD_ASSERT(heap, SOFTSGX_TD_HEAP);
SOFTSGX_TD_ASSERT(heap_size, SOFTSGX_TD_HEAP_SIZE);
SOFTSGX_TD_ASSERT(enclave_size, SOFTSGX_TD_ENCLAVE_SIZE);
SOFTSGX_TD_ASSERT(thread_index, SOFTSGX_TD_THREAD_INDEX);
SOFTSGX_TD_ASSERT(nr_threads, SOFTSGX_TD_NR_THREADS);
SOFTSGX_TD_ASSERT(nssa, SOFTSGX_TD_NSSA);
SOFTSGX_TD_ASSERT(ssa_frame_size, SOFTSGX_TD_SSA_FRAME_SIZE);
SOFTSGX_TD_ASSERT(base, SOFTSGX_TD_BASE);
SOFTSGX_TD_ASSERT(host_rsp, SOFTSGX_TD_HOST_RSP);
SOFTSGX_TD_ASSERT(host_rbp, SOFTSGX_TD_HOST_RBP);
SOFTSGX_TD_ASSERT(exit_addr, SOFTSGX_TD_EXIT_ADDR);

/*
 * The whole note as it appears in the ELF file (4-byte aligned note
 * format: 12-byte header, name padded to 8, descriptor).
 */
struct softsgx_elf_note {
	uint32_t namesz; /* sizeof(SOFTSGX_NOTE_NAME) = 8 */
	uint32_t descsz; /* sizeof(struct softsgx_layout_note) */
	uint32_t type; /* SOFTSGX_NOTE_LAYOUT */
	char name[8];
	struct softsgx_layout_note desc;
} __attribute__((packed, aligned(4)));

_Static_assert(sizeof(struct softsgx_elf_note) == 84, "ELF note");

/*
 * Enclave code declares its layout once, e.g.
 *   SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 2, .nssa = 2, .ssa_frame_size = 1,
 *                          .stack_size = 0x10000, .heap_size = 0x100000);
 * The linker script must keep the ".note.softsgx" section and put it in a
 * PT_NOTE segment.
 */
#define SOFTSGX_ENCLAVE_LAYOUT(...)                                      \
	__attribute__((section(".note.softsgx"), used,                   \
		       aligned(4))) static const struct softsgx_elf_note \
		softsgx_layout_note_ = {                                 \
			.namesz = sizeof(SOFTSGX_NOTE_NAME),             \
			.descsz = sizeof(struct softsgx_layout_note),    \
			.type = SOFTSGX_NOTE_LAYOUT,                     \
			.name = SOFTSGX_NOTE_NAME,                       \
			.desc = { .version = SOFTSGX_LAYOUT_VERSION,     \
				  __VA_ARGS__ },                         \
		}

#endif /* !__ASSEMBLER__ */

#endif /* SOFTSGX_ENCLAVE_LAYOUT_H */
