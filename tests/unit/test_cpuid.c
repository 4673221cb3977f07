// SPDX-License-Identifier: MIT
/*
 * CPUID emulation: the model against the real CPU, CPUID faulting (fork,
 * threads, execve) and the rewriter (the program, dlopened libraries with
 * and without symbols, genuine UD2, data that looks like CPUID).
 *
 * The tests run in order and the last ones leave code rewritten: the
 * comparisons with the real CPU come first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/prctl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim/cpuid.h"
#include "shim/cpuid_priv.h"

enum { EAX, EBX, ECX, EDX };

#define SGX_BIT (1U << 2) /* CPUID.(7,0):EBX */
#define SGX_LC_BIT (1U << 30) /* CPUID.(7,0):ECX */

/* A CPUID in the test program itself, at a label the tests can find. */
__attribute__((noinline, noclone)) static void
exe_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	asm volatile(".globl test_exe_cpuid_insn\n"
		     "test_exe_cpuid_insn:\n\t"
		     "cpuid"
		     : "=a"(r[EAX]), "=b"(r[EBX]), "=c"(r[ECX]), "=d"(r[EDX])
		     : "a"(leaf), "c"(subleaf));
}
extern const uint8_t test_exe_cpuid_insn[];

/* CPUID with meaningless prefixes (66, REX.W): three bytes. */
__attribute__((noinline, noclone)) static void exe_cpuid_prefixed(uint32_t leaf,
								  uint32_t r[4])
{
	asm volatile(".byte 0x66, 0x48, 0x0f, 0xa2"
		     : "=a"(r[EAX]), "=b"(r[EBX]), "=c"(r[ECX]), "=d"(r[EDX])
		     : "a"(leaf), "c"(0));
}

/* A genuine UD2, and data in .text that decodes as CPUID. */
asm(".pushsection .text\n"
    ".globl test_genuine_ud2\n"
    ".type test_genuine_ud2, @function\n"
    "test_genuine_ud2:\n\t"
    "ud2\n\t"
    "ret\n"
    ".size test_genuine_ud2, .-test_genuine_ud2\n"
    ".globl test_text_data\n"
    ".type test_text_data, @object\n"
    "test_text_data:\n\t"
    ".byte 0x0f, 0xa2, 0x0f, 0xa2, 0x0f, 0xa2, 0x0f, 0xa2\n"
    ".size test_text_data, .-test_text_data\n"
    ".popsection");
void test_genuine_ud2(void);
extern const uint8_t test_text_data[8];

static const uint8_t rodata_cpuid[8] = { 0x0f, 0xa2, 0x0f, 0xa2,
					 0x0f, 0xa2, 0x0f, 0xa2 };
/* The same bytes, to compare with (the compiler may merge the two). */
static const uint8_t cpuid_pairs[8] = { 0x0f, 0xa2, 0x0f, 0xa2,
					0x0f, 0xa2, 0x0f, 0xa2 };

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	if (sig == SIGSEGV && softsgx_cpuid_handle_sigsegv(si, ctx))
		return;
	if (sig == SIGILL && softsgx_cpuid_handle_sigill(si, ctx))
		return;
	/* Not ours: die of the signal when the instruction runs again. */
	signal(sig, SIG_DFL);
}

/* cmocka installs its own handlers around every test: install ours last. */
static void install_handlers(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGSEGV, &sa, NULL), 0);
	assert_int_equal(sigaction(SIGILL, &sa, NULL), 0);
}

static void assert_sgx_leaf7(const uint32_t r[4])
{
	assert_true(r[EBX] & SGX_BIT);
	assert_true(r[ECX] & SGX_LC_BIT);
}

static void test_model_leaf7(void **state)
{
	uint32_t real[4], emu[4];

	(void)state;
	exe_cpuid(7, 0, real);
	softsgx_cpuid(7, 0, emu);
	assert_int_equal(emu[EAX], real[EAX]);
	assert_int_equal(emu[EBX], real[EBX] | SGX_BIT);
	assert_int_equal(emu[ECX], real[ECX] | SGX_LC_BIT);
	assert_int_equal(emu[EDX], real[EDX]);
	/* Sub-leaf 1 of leaf 7 is not touched. */
	exe_cpuid(7, 1, real);
	softsgx_cpuid(7, 1, emu);
	assert_memory_equal(emu, real, sizeof(real));
}

static void test_model_leaf12(void **state)
{
	struct softsgx_cpuid_params p, def;
	uint32_t r[4];

	(void)state;
	softsgx_cpuid_default_params(&def);
	p = def;
	p.miscselect = 1;
	p.attributes = 0x12300000036ULL;
	p.xfrm = 0x60000001fULL;
	p.max_enclave_log2_32 = 31;
	p.max_enclave_log2_64 = 47;
	p.epc_bytes = (6ULL << 30) + 0x1234; /* rounded down to 4 KiB */
	softsgx_cpuid_config(&p);

	softsgx_cpuid(0x12, 0, r);
	assert_int_equal(r[EAX], SOFTSGX_CPUID_SGX1 | SOFTSGX_CPUID_SGX2);
	assert_int_equal(r[EBX], 1);
	assert_int_equal(r[ECX], 0);
	assert_int_equal(r[EDX], 31 | 47 << 8);
	softsgx_cpuid(0x12, 1, r);
	assert_int_equal(r[EAX], 0x36);
	assert_int_equal(r[EBX], 0x123);
	assert_int_equal(r[ECX], 0x1f);
	assert_int_equal(r[EDX], 6);
	softsgx_cpuid(0x12, 2, r);
	assert_int_equal(r[EAX], 0x80000001); /* base 0x80000000, valid */
	assert_int_equal(r[EBX], 0);
	assert_int_equal(r[ECX], 0x80001001); /* size[31:12], confidential */
	assert_int_equal(r[EDX], 1); /* size[51:32]: 6 GiB */
	for (uint32_t sub = 3; sub < 10; sub++) {
		softsgx_cpuid(0x12, sub, r);
		assert_int_equal(r[EAX] | r[EBX] | r[ECX] | r[EDX], 0);
	}

	softsgx_cpuid_config(&def);
	softsgx_cpuid(0x12, 2, r);
	assert_int_equal(r[ECX], (128U << 20) | 1);
	assert_int_equal(r[EDX], 0);
}

static void expect_real(uint32_t leaf, uint32_t subleaf)
{
	uint32_t real[4], emu[4];

	exe_cpuid(leaf, subleaf, real);
	softsgx_cpuid(leaf, subleaf, emu);
	if (leaf == 1) {
		/* The initial APIC ID names the CPU the thread ran on. */
		real[EBX] &= 0x00ffffff;
		emu[EBX] &= 0x00ffffff;
	}
	assert_memory_equal(emu, real, sizeof(real));
}

static void test_model_other_leaves(void **state)
{
	uint32_t real[4], emu[4];

	(void)state;
	exe_cpuid(0, 0, real);
	softsgx_cpuid(0, 0, emu);
	assert_int_equal(emu[EAX], real[EAX] < 0x12 ? 0x12 : real[EAX]);
	assert_memory_equal(&emu[EBX], &real[EBX], 3 * sizeof(real[0]));
	expect_real(1, 0);
	for (uint32_t sub = 0; sub < 4; sub++)
		expect_real(4, sub);
	expect_real(0xd, 0);
	expect_real(0xd, 1);
	expect_real(0x80000000, 0);
	expect_real(0x80000001, 0);
}

/* The model on CPUs whose highest basic leaf is below 7 or 0x12. */
static void test_model_low_max_leaf(void **state)
{
	uint32_t r[4] = { 0x10, 1, 2, 3 };

	(void)state;
	softsgx_cpuid_apply(0, 0, 0x10, r);
	assert_int_equal(r[EAX], 0x12);
	assert_int_equal(r[EBX], 1);
	/* A leaf the CPU lacks answers zeros, not its highest leaf's data. */
	memset(r, 0xa5, sizeof(r));
	softsgx_cpuid_apply(0x11, 0, 0x10, r);
	assert_int_equal(r[EAX] | r[EBX] | r[ECX] | r[EDX], 0);
	memset(r, 0xa5, sizeof(r));
	softsgx_cpuid_apply(7, 0, 5, r);
	assert_int_equal(r[EAX], 0);
	assert_int_equal(r[EBX], SGX_BIT);
	assert_int_equal(r[ECX], SGX_LC_BIT);
	assert_int_equal(r[EDX], 0);
	memset(r, 0xa5, sizeof(r));
	softsgx_cpuid_apply(0x12, 0, 0x10, r);
	assert_int_equal(r[EAX], SOFTSGX_CPUID_SGX1 | SOFTSGX_CPUID_SGX2);
	/* Above 0x12 the CPU's own answer stays. */
	memset(r, 0xa5, sizeof(r));
	softsgx_cpuid_apply(0x13, 0, 0x10, r);
	assert_int_equal(r[EAX], 0xa5a5a5a5);
}

static bool faulting_available(void)
{
	if (softsgx_cpuid_enable_faulting() == 0)
		return true;
	print_message("CPUID faulting not offered by this CPU: skipped\n");
	return false;
}

static int child_status(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void *thread_leaf7(void *arg)
{
	uint32_t *r = arg;

	exe_cpuid(7, 0, r);
	return NULL;
}

static void fault_fork_and_thread(void)
{
	uint32_t r[4] = { 0 };
	pthread_t t;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		exe_cpuid(7, 0, r);
		_exit(syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0) == 0 &&
				      (r[EBX] & SGX_BIT) ?
			      0 :
			      1);
	}
	assert_int_equal(child_status(pid), 0);
	assert_int_equal(pthread_create(&t, NULL, thread_leaf7, r), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_sgx_leaf7(r);
}

/* execve() clears faulting: the new image runs CPUID without a handler. */
static void fault_exec(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/proc/self/exe", "test_cpuid", "--exec-probe", NULL);
		_exit(127);
	}
	assert_int_equal(child_status(pid), 0);
}

static void test_fault_path(void **state)
{
	uint32_t r[4], emu[4];

	(void)state;
	if (!faulting_available())
		skip();
	install_handlers();
	assert_int_equal(softsgx_cpuid_mode(), SOFTSGX_CPUID_FAULT);
	exe_cpuid(7, 0, r);
	assert_sgx_leaf7(r);
	exe_cpuid(0x12, 0, r);
	assert_int_equal(r[EAX], SOFTSGX_CPUID_SGX1 | SOFTSGX_CPUID_SGX2);
	exe_cpuid(0xd, 0, r);
	softsgx_cpuid(0xd, 0, emu);
	assert_memory_equal(r, emu, sizeof(r));
	exe_cpuid_prefixed(7, r);
	assert_sgx_leaf7(r);
	fault_fork_and_thread();
	fault_exec();
	assert_int_equal(softsgx_cpuid_disable_faulting(), 0);
	assert_int_equal(syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0), 1);
}

/* The SIGSEGV hook declines faults that are not a faulting CPUID. */
static void test_fault_not_cpuid(void **state)
{
	siginfo_t si = { .si_signo = SIGSEGV, .si_code = SEGV_MAPERR };
	ucontext_t uc = { 0 };

	(void)state;
	uc.uc_mcontext.gregs[REG_RIP] = (greg_t)test_exe_cpuid_insn;
	assert_false(softsgx_cpuid_handle_sigsegv(&si, &uc));
	si.si_code = SI_KERNEL;
	uc.uc_mcontext.gregs[REG_RIP] = (greg_t)test_genuine_ud2;
	assert_false(softsgx_cpuid_handle_sigsegv(&si, &uc));
	assert_int_equal(uc.uc_mcontext.gregs[REG_RIP],
			 (greg_t)test_genuine_ud2);
	/* A CPUID at RIP with SI_KERNEL is one; RIP moves past it. */
	uc.uc_mcontext.gregs[REG_RAX] = 7;
	uc.uc_mcontext.gregs[REG_RIP] = (greg_t)test_exe_cpuid_insn;
	assert_true(softsgx_cpuid_handle_sigsegv(&si, &uc));
	assert_int_equal(uc.uc_mcontext.gregs[REG_RIP],
			 (greg_t)test_exe_cpuid_insn + 2);
	assert_true(uc.uc_mcontext.gregs[REG_RBX] & SGX_BIT);
}

static void test_rewrite_program(void **state)
{
	uint32_t r[4];
	int n;

	(void)state;
	install_handlers();
	n = softsgx_cpuid_enable_rewrite();
	assert_true(n >= 2);
	assert_int_equal(softsgx_cpuid_mode(), SOFTSGX_CPUID_REWRITE);
	assert_true(softsgx_cpuid_is_patched((uintptr_t)test_exe_cpuid_insn));
	assert_int_equal(test_exe_cpuid_insn[0], 0x0f);
	assert_int_equal(test_exe_cpuid_insn[1], 0x0b);
	exe_cpuid(7, 0, r);
	assert_sgx_leaf7(r);
	exe_cpuid(0x12, 1, r);
	assert_int_equal(r[EAX], 0xb6);
	exe_cpuid_prefixed(7, r);
	assert_sgx_leaf7(r);
	/* softsgx's own CPUID stays, or the model could not reach the CPU. */
	assert_int_equal((uint8_t)softsgx_cpuid_real_insn[1], 0xa2);
}

static void test_rewrite_leaves_data(void **state)
{
	(void)state;
	assert_memory_equal(rodata_cpuid, cpuid_pairs, sizeof(cpuid_pairs));
	assert_memory_equal(test_text_data, cpuid_pairs, sizeof(cpuid_pairs));
	assert_false(softsgx_cpuid_is_patched((uintptr_t)test_text_data));
	assert_false(softsgx_cpuid_is_patched((uintptr_t)rodata_cpuid));
}

static void probe_library(const char *path)
{
	void (*leaves)(uint32_t out[3][4]);
	const uint8_t *data;
	uint32_t r[3][4];
	size_t before = softsgx_cpuid_patched_count();
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	assert_non_null(lib);
	*(void **)&leaves = dlsym(lib, "cpuid_probe_leaves");
	data = dlsym(lib, "cpuid_probe_text_data");
	assert_non_null(leaves);
	assert_non_null(data);
	softsgx_cpuid_rescan();
	assert_int_equal(softsgx_cpuid_patched_count(), before + 3);
	assert_memory_equal(data, cpuid_pairs, sizeof(cpuid_pairs));
	leaves(r);
	assert_sgx_leaf7(r[0]);
	assert_int_equal(r[1][EAX], SOFTSGX_CPUID_SGX1 | SOFTSGX_CPUID_SGX2);
	assert_int_equal(r[2][EAX], 0x80000001);
	assert_int_equal(r[2][ECX], (128U << 20) | 1);
	assert_int_equal(dlclose(lib), 0);
	softsgx_cpuid_rescan(); /* forgets the unloaded library */
	assert_int_equal(softsgx_cpuid_patched_count(), before);
}

static void test_rewrite_dlopen(void **state)
{
	(void)state;
	install_handlers();
	probe_library(CPUID_PROBE);
	/* Loaded again, possibly at the same address: patched again. */
	probe_library(CPUID_PROBE);
}

/* Without .symtab; and written through /proc/self/mem, as under W^X. */
static void test_rewrite_dlopen_stripped(void **state)
{
	(void)state;
	install_handlers();
	cpuid_poke_method = CPUID_POKE_PROCMEM;
	probe_library(CPUID_PROBE_STRIPPED);
	cpuid_poke_method = CPUID_POKE_AUTO;
}

static void test_rewrite_fork_and_thread(void **state)
{
	uint32_t r[4] = { 0 };
	pthread_t t;
	pid_t pid;

	(void)state;
	install_handlers();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		exe_cpuid(7, 0, r);
		_exit(r[EBX] & SGX_BIT ? 0 : 1);
	}
	assert_int_equal(child_status(pid), 0);
	assert_int_equal(pthread_create(&t, NULL, thread_leaf7, r), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_sgx_leaf7(r);
}

/* A UD2 the rewriter did not make stays an invalid opcode. */
static void test_rewrite_genuine_ud2(void **state)
{
	siginfo_t si = { .si_signo = SIGILL, .si_code = ILL_ILLOPN };
	ucontext_t uc = { 0 };
	int status;
	pid_t pid;

	(void)state;
	uc.uc_mcontext.gregs[REG_RIP] = (greg_t)test_genuine_ud2;
	assert_false(softsgx_cpuid_handle_sigill(&si, &uc));
	assert_int_equal(uc.uc_mcontext.gregs[REG_RIP],
			 (greg_t)test_genuine_ud2);
	install_handlers();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		test_genuine_ud2();
		_exit(0);
	}
	status = child_status(pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGILL);
}

/* softsgx_cpuid_start() in a child with SOFTSGX_CPUID=want (NULL: unset). */
static int start_in_child(const char *want)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (want)
			setenv("SOFTSGX_CPUID", want, 1);
		else
			unsetenv("SOFTSGX_CPUID");
		_exit(softsgx_cpuid_start() & 0xff);
	}
	status = child_status(pid);
	assert_true(WIFEXITED(status));
	return (signed char)WEXITSTATUS(status);
}

static void test_start_modes(void **state)
{
	bool can_fault = syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1) == 0;

	(void)state;
	install_handlers(); /* the children rewrite or fault */
	assert_int_equal(start_in_child("off"), SOFTSGX_CPUID_OFF);
	assert_int_equal(start_in_child("rewrite"), SOFTSGX_CPUID_REWRITE);
	assert_int_equal(start_in_child("fault"),
			 can_fault ? SOFTSGX_CPUID_FAULT : -1);
	assert_int_equal(start_in_child(NULL), can_fault ?
						       SOFTSGX_CPUID_FAULT :
						       SOFTSGX_CPUID_REWRITE);
}

/* The image execve()d by test_fault_path: faulting must be off here. */
static int exec_probe(void)
{
	uint32_t r[4];

	if (syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0) != 1)
		return 2;
	exe_cpuid(7, 0, r);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_leaf7),
		cmocka_unit_test(test_model_leaf12),
		cmocka_unit_test(test_model_other_leaves),
		cmocka_unit_test(test_model_low_max_leaf),
		cmocka_unit_test(test_fault_path),
		cmocka_unit_test(test_fault_not_cpuid),
		cmocka_unit_test(test_start_modes),
		cmocka_unit_test(test_rewrite_program),
		cmocka_unit_test(test_rewrite_leaves_data),
		cmocka_unit_test(test_rewrite_dlopen),
		cmocka_unit_test(test_rewrite_dlopen_stripped),
		cmocka_unit_test(test_rewrite_fork_and_thread),
		cmocka_unit_test(test_rewrite_genuine_ud2),
	};

	if (argc > 1 && !strcmp(argv[1], "--exec-probe"))
		return exec_probe();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
