// SPDX-License-Identifier: MIT
/*
 * A TCS left ACTIVE by a holder that vanished (its process was killed
 * inside the enclave): the CPU asks its owner_alive callback about the
 * holder recorded in the TCS and, for one that is gone, takes the AEX that
 * holder's processor would have taken, before EENTER/ERESUME go on.
 */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "arch/enclu.h"
#include "arch/secs.h"
#include "arch/tcs.h"
#include "driver/driver.h"

#define BASE 0x7f0000000000ULL
#define SIZE 0x10000ULL
#define NR_ENCL_PAGES (SIZE / SGX_PAGE_SIZE)

/* Enclave layout: page offsets. */
#define CODE 0x0000
#define TCS 0x2000
#define SSA 0x3000 /* two frames of one page */
#define TLS 0x5000

#define AEP 0x401000ULL
#define HOST_RIP 0x400800ULL
#define HOST_FS 0x7ff000001000ULL
#define HOST_RSP 0x7ffd0000ULL
#define HOST_RBP 0x7ffd0100ULL

#define GP (ENCLS_FAULT_FLAG | X86_TRAP_GP)

/* Owner names: the callback below knows them, not the CPU. */
#define OWNER_A 0x0000006400000065ULL
#define OWNER_B 0x000000c8000000c9ULL
#define STAMP_A 0x1234ULL

struct fixture {
	struct test_env *env;
	struct sgx_secs *secs;
	struct sgx_lp holder; /* the processor that will vanish */
	struct sgx_lp other; /* a processor of another process */
};

/* --- The owner_alive callback: which owners are gone ------------------- */

#define MAX_DEAD 64

static struct {
	uint64_t dead[MAX_DEAD];
	size_t nr_dead;
	uint64_t last_owner, last_stamp;
	atomic_uint calls;
	/* Race mode: hold every caller until `rendezvous` have arrived. */
	unsigned int rendezvous;
	atomic_uint arrived;
} owners;

static bool owner_alive(uint64_t owner, uint64_t stamp)
{
	struct timespec nap = { 0, 100000 };

	atomic_fetch_add(&owners.calls, 1);
	owners.last_owner = owner;
	owners.last_stamp = stamp;
	if (owners.rendezvous) {
		atomic_fetch_add(&owners.arrived, 1);
		for (int i = 0; i < 10000 && atomic_load(&owners.arrived) <
						     owners.rendezvous;
		     i++)
			nanosleep(&nap, NULL);
	}
	for (size_t i = 0; i < owners.nr_dead; i++)
		if (owners.dead[i] == owner)
			return false;
	return true;
}

static void owner_dies(uint64_t owner)
{
	assert_true(owners.nr_dead < MAX_DEAD);
	owners.dead[owners.nr_dead++] = owner;
}

/* --- An enclave with one TCS and two SSA frames ------------------------ */

/* EPC page 0 holds the SECS; enclave page i lives in EPC page i + 1. */
static uintptr_t translate(void *ctx, uint64_t linaddr)
{
	struct test_env *env = ctx;

	if (linaddr < BASE || linaddr - BASE >= SIZE)
		return 0;
	return (uintptr_t)test_epc_page(env, 1 + (linaddr - BASE) / 4096);
}

static void lp_setup(struct fixture *f, struct sgx_lp *lp, struct sgx_cpu *cpu,
		     uint64_t owner, uint64_t stamp)
{
	sgx_lp_init(lp, cpu);
	lp->translate = translate;
	lp->translate_ctx = f->env;
	lp->owner = owner;
	lp->owner_stamp = stamp;
}

static void add(struct fixture *f, uint64_t off, uint64_t flags,
		const void *src)
{
	assert_int_equal(test_eadd(f->env, f->secs, 1 + off / SGX_PAGE_SIZE,
				   off, flags, src, 0),
			 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const uint64_t rw = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W;
	uint8_t *src = test_alloc_page(1);
	struct sgx_tcs *tcs = (struct sgx_tcs *)src;

	memset(&owners, 0, sizeof(owners));
	f->env = test_env_new(1 + NR_ENCL_PAGES);
	f->env->cpu.owner_alive = owner_alive;
	f->env->lp.translate = translate;
	f->env->lp.translate_ctx = f->env;
	f->secs = test_ecreate(f->env, 0, BASE, SIZE, 1, SGX_ATTR_MODE64BIT);
	add(f, CODE, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X, src);
	add(f, SSA, rw, src);
	add(f, SSA + 0x1000, rw, src);
	add(f, TLS, rw, src);
	tcs->ssa_offset = SSA;
	tcs->nr_ssa_frames = 2;
	tcs->entry_offset = CODE + 0x10;
	tcs->fs_offset = TLS;
	tcs->gs_offset = TLS;
	add(f, TCS, SGX_SECINFO_TCS, src);
	free(src);
	/* Stand-in for a successful EINIT. */
	f->secs->attributes.flags |= SGX_ATTR_INIT;
	lp_setup(f, &f->holder, &f->env->cpu, OWNER_A, STAMP_A);
	lp_setup(f, &f->other, &f->env->cpu, OWNER_B, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_env_free(f->env);
	free(f);
	return 0;
}

static struct sgx_tcs *tcs_epc(struct fixture *f)
{
	return test_epc_page(f->env, 1 + TCS / SGX_PAGE_SIZE);
}

static struct sgx_gprsgx *ssa_gpr(struct fixture *f, int frame)
{
	return test_ssa_gpr(f->env, 1 + SSA / SGX_PAGE_SIZE, frame);
}

static struct sgx_regs host_regs(unsigned int leaf)
{
	struct sgx_regs r = {
		.rax = leaf,
		.rbx = BASE + TCS,
		.rcx = AEP,
		.rsp = HOST_RSP,
		.rbp = HOST_RBP,
		.rip = HOST_RIP,
		.rflags = 0x246,
		.fsbase = HOST_FS,
	};
	return r;
}

static unsigned int nr_active(struct fixture *f)
{
	return atomic_load(&sgx_secs_hidden(f->secs)->nr_active);
}

static unsigned int active_at(struct fixture *f, int parity)
{
	return atomic_load(&sgx_secs_hidden(f->secs)->active_at[parity]);
}

/* The holder enters and then vanishes without leaving enclave mode. */
static void holder_enters(struct fixture *f)
{
	struct sgx_regs r = host_regs(EENTER);

	assert_int_equal(sgx_eenter(&f->holder, &r), 0);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_ACTIVE);
	assert_int_equal(atomic_load(&sgx_tcs_hidden(tcs_epc(f))->owner),
			 f->holder.owner);
}

static void eexit(struct sgx_lp *lp)
{
	struct sgx_regs r = { .rbx = HOST_RIP + SGX_ENCLU_LEN };

	assert_int_equal(sgx_eexit(lp, &r), 0);
}

/* The frame of the AEX taken for the vanished holder. */
static void assert_lost_frame(struct fixture *f, int frame)
{
	struct sgx_gprsgx *gpr = ssa_gpr(f, frame);
	const uint8_t *xsave =
		test_epc_page(f->env, 1 + SSA / SGX_PAGE_SIZE + frame);
	uint64_t xstate_bv;
	uint32_t mxcsr;
	uint16_t fcw;

	assert_int_equal(gpr->exitinfo, 0); /* an interrupt: not VALID */
	assert_int_equal(gpr->rax, 0);
	assert_int_equal(gpr->r15, 0);
	assert_int_equal(gpr->rip, 0);
	assert_int_equal(gpr->fsbase, BASE + TLS);
	/* AEX leaves URSP/URBP as the holder's EENTER wrote them. */
	assert_int_equal(gpr->ursp, HOST_RSP);
	assert_int_equal(gpr->urbp, HOST_RBP);
	memcpy(&fcw, xsave, sizeof(fcw));
	memcpy(&mxcsr, xsave + 24, sizeof(mxcsr));
	memcpy(&xstate_bv, xsave + 512, sizeof(xstate_bv));
	assert_int_equal(fcw, 0x037F);
	assert_int_equal(mxcsr, 0x1F80);
	assert_int_equal(xstate_bv, 0);
}

/* --- Tests ------------------------------------------------------------- */

static void test_live_holder_busy(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = host_regs(EENTER);

	holder_enters(f);
	assert_int_equal(sgx_eenter(&f->other, &r), GP);
	assert_int_equal(f->other.fault.vector, X86_TRAP_GP);
	/* The callback was asked about the recorded holder. */
	assert_int_equal(atomic_load(&owners.calls), 1);
	assert_int_equal(owners.last_owner, OWNER_A);
	assert_int_equal(owners.last_stamp, STAMP_A);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_ACTIVE);
	assert_int_equal(tcs_epc(f)->ssa_index, 0);
	assert_int_equal(nr_active(f), 1);
	r = host_regs(ERESUME);
	assert_int_equal(sgx_eresume(&f->other, &r, &(const void *){ NULL },
				     &(size_t){ 0 }),
			 GP);

	/* A normal exit clears the record: the bytes are zero again. */
	eexit(&f->holder);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_INACTIVE);
	{
		struct sgx_tcs_hidden zero = { 0 };

		assert_memory_equal(sgx_tcs_hidden(tcs_epc(f)), &zero,
				    sizeof(zero));
	}
	assert_int_equal(nr_active(f), 0);
}

/* A holder that never said who it is is never presumed gone. */
static void test_anonymous_holder_busy(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = host_regs(EENTER);

	f->holder.owner = 0;
	holder_enters(f);
	owner_dies(0);
	assert_int_equal(sgx_eenter(&f->other, &r), GP);
	assert_int_equal(atomic_load(&owners.calls), 0);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_ACTIVE);
	eexit(&f->holder);
}

/* Without a callback, as for a CPU nobody told: busy, as before. */
static void test_no_callback_busy(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = host_regs(EENTER);

	f->env->cpu.owner_alive = NULL;
	holder_enters(f);
	owner_dies(OWNER_A);
	assert_int_equal(sgx_eenter(&f->other, &r), GP);
	eexit(&f->holder);
}

static void test_dead_holder_reclaimed(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = host_regs(EENTER);
	uint64_t epoch;

	holder_enters(f);
	epoch = f->holder.encl.epoch;
	assert_int_equal(active_at(f, epoch & 1), 1);
	/* A tracking cycle started while it was inside cannot complete. */
	assert_int_equal(sgx_etrack(&f->env->lp, f->secs), 0);
	assert_false(sgx_tracking_done(f->secs, epoch));

	owner_dies(OWNER_A);
	memset(&f->holder, 0, sizeof(f->holder)); /* its process is gone */
	assert_int_equal(sgx_eenter(&f->other, &r), 0);
	/* The enclave's handler runs: RAX = CSSA = 1. */
	assert_int_equal(r.rax, 1);
	assert_int_equal(r.rip, BASE + CODE + 0x10);
	assert_int_equal(tcs_epc(f)->ssa_index, 1);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_ACTIVE);
	assert_int_equal(atomic_load(&sgx_tcs_hidden(tcs_epc(f))->owner),
			 OWNER_B);
	assert_lost_frame(f, 0);
	/* Counted out under its own epoch; only the new holder is in. */
	assert_int_equal(nr_active(f), 1);
	assert_int_equal(active_at(f, epoch & 1), 0);
	assert_int_equal(active_at(f, (epoch + 1) & 1), 1);
	assert_true(sgx_tracking_done(f->secs, epoch));

	eexit(&f->other);
	assert_int_equal(nr_active(f), 0);
	assert_int_equal(active_at(f, 0) + active_at(f, 1), 0);
	/* ERESUME from the lost frame: the state is gone, not invented. */
	r = host_regs(ERESUME);
	{
		const void *xsave = NULL;
		size_t len = 0;

		assert_int_equal(sgx_eresume(&f->other, &r, &xsave, &len), 0);
		assert_int_equal(r.rip, 0);
		assert_int_equal(r.fsbase, BASE + TLS);
		assert_int_equal(tcs_epc(f)->ssa_index, 0);
	}
	eexit(&f->other);
}

/* ERESUME finds the dead holder too, and resumes its (lost) frame. */
static void test_dead_holder_eresume(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = host_regs(ERESUME);
	const void *xsave = NULL;
	size_t len = 0;

	holder_enters(f);
	owner_dies(OWNER_A);
	assert_int_equal(sgx_eresume(&f->other, &r, &xsave, &len), 0);
	assert_int_equal(r.rip, 0);
	assert_int_equal(r.rsp, 0);
	assert_int_equal(tcs_epc(f)->ssa_index, 0);
	assert_int_equal(nr_active(f), 1);
	assert_lost_frame(f, 0);
	eexit(&f->other);
	assert_int_equal(nr_active(f), 0);
}

/*
 * The holder was inside on the last frame (CSSA = NSSA - 1): its AEX fills
 * it and leaves CSSA = NSSA, so the EENTER that found it gets #GP, as it
 * would on hardware after that AEX; the TCS is free for ERESUME.
 */
static void test_dead_holder_last_frame(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = host_regs(EENTER);
	struct sgx_regs inside = { .rip = BASE + CODE + 0x40,
				   .rflags = 0x202,
				   .fsbase = BASE + TLS,
				   .gsbase = BASE + TLS };
	struct sgx_aex_event irq = { .exception = false };
	uint8_t image[1024] = { 0 };
	const void *xsave = NULL;
	size_t len = 0;

	/* An earlier AEX left CSSA 1; the holder entered the handler. */
	assert_int_equal(sgx_eenter(&f->holder, &r), 0);
	sgx_aex(&f->holder, &inside, &irq, image, sizeof(image));
	holder_enters(f);
	assert_int_equal(tcs_epc(f)->ssa_index, 1);
	owner_dies(OWNER_A);

	r = host_regs(EENTER);
	assert_int_equal(sgx_eenter(&f->other, &r), GP);
	assert_false(f->other.encl.active);
	assert_int_equal(tcs_epc(f)->ssa_index, 2);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_INACTIVE);
	assert_int_equal(nr_active(f), 0);
	assert_int_equal(active_at(f, 0) + active_at(f, 1), 0);
	assert_lost_frame(f, 1);

	r = host_regs(ERESUME);
	assert_int_equal(sgx_eresume(&f->other, &r, &xsave, &len), 0);
	assert_int_equal(tcs_epc(f)->ssa_index, 1);
	eexit(&f->other);
}

/*
 * A TCS that says CSSA = NSSA while ACTIVE cannot come from EENTER; if
 * one does, the AEX completes without a frame: the TCS is freed and the
 * holder counted out, CSSA stays, and EENTER then gets #GP.
 */
static void test_dead_holder_no_frame(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = host_regs(EENTER);
	uint8_t before[SGX_PAGE_SIZE];

	holder_enters(f);
	tcs_epc(f)->ssa_index = 2;
	memcpy(before, test_epc_page(f->env, 1 + SSA / SGX_PAGE_SIZE + 1),
	       sizeof(before));
	owner_dies(OWNER_A);
	assert_int_equal(sgx_eenter(&f->other, &r), GP);
	assert_int_equal(tcs_epc(f)->ssa_index, 2);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_INACTIVE);
	assert_int_equal(nr_active(f), 0);
	assert_memory_equal(test_epc_page(f->env, 1 + SSA / SGX_PAGE_SIZE + 1),
			    before, sizeof(before));
}

/* For those who wait for processors to leave (the driver's ETRACK). */
static void test_reclaim_by_address(void **state)
{
	struct fixture *f = *state;
	uintptr_t tcs = (uintptr_t)tcs_epc(f);
	uint64_t epoch;

	/* Nothing to do on an INACTIVE TCS or on a page that is no TCS. */
	assert_false(sgx_tcs_reclaim(&f->other, tcs));
	assert_false(sgx_tcs_reclaim(&f->other,
				     (uintptr_t)test_epc_page(f->env, 1)));

	holder_enters(f);
	epoch = f->holder.encl.epoch;
	assert_int_equal(sgx_etrack(&f->env->lp, f->secs), 0);
	assert_false(sgx_tcs_reclaim(&f->other, tcs)); /* alive */
	owner_dies(OWNER_A);
	assert_false(sgx_tracking_done(f->secs, epoch));
	assert_true(sgx_tcs_reclaim(&f->other, tcs));
	assert_true(sgx_tracking_done(f->secs, epoch));
	assert_false(f->other.encl.active);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_INACTIVE);
	assert_int_equal(tcs_epc(f)->ssa_index, 1);
	assert_int_equal(nr_active(f), 0);
	assert_lost_frame(f, 0);
	assert_false(sgx_tcs_reclaim(&f->other, tcs)); /* once */

	/* The EENTER that follows is an ordinary one on CSSA 1. */
	{
		struct sgx_regs r = host_regs(EENTER);

		assert_int_equal(sgx_eenter(&f->other, &r), 0);
		assert_int_equal(r.rax, 1);
		eexit(&f->other);
	}
}

/* --- Two processes find the dead holder at once ------------------------ */

struct racer {
	struct sgx_lp lp;
	pthread_barrier_t *start;
	int ret;
	uint64_t cssa;
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	struct sgx_regs r = host_regs(EENTER);

	pthread_barrier_wait(rc->start);
	rc->ret = sgx_eenter(&rc->lp, &r);
	rc->cssa = r.rax;
	return NULL;
}

/*
 * Each process has its own EPCM copy after fork(), so the page interlock
 * does not keep them apart: both see the TCS ACTIVE, both ask about the
 * holder (the callback holds them until both have), both find it gone.
 * Exactly one takes its AEX; the holder is counted out once.
 */
static void test_reclaim_race(void **state)
{
	struct fixture *f = *state;
	struct sgx_cpu cpu2;
	struct sgx_platform platform;
	struct sgx_epc_section *s2;
	pthread_barrier_t start;

	test_platform_fill(&platform, 1);
	assert_int_equal(sgx_cpu_init(&cpu2, NULL, &platform), 0);
	cpu2.owner_alive = owner_alive;
	s2 = sgx_epc_add_section(&cpu2, f->env->epc, f->env->nr_pages);
	assert_non_null(s2);
	pthread_barrier_init(&start, NULL, 2);

	for (uint64_t round = 0; round < 32; round++) {
		struct racer rc[2];
		pthread_t t[2];
		int winner;

		f->holder.owner = OWNER_A + round;
		holder_enters(f);
		memcpy(s2->epcm, f->env->section->epcm,
		       f->env->nr_pages * sizeof(*s2->epcm));
		owner_dies(f->holder.owner);
		memset(&f->holder, 0, sizeof(f->holder));
		lp_setup(f, &f->holder, &f->env->cpu, 0, STAMP_A);
		atomic_store(&owners.arrived, 0);
		owners.rendezvous = 2;

		lp_setup(f, &rc[0].lp, &f->env->cpu, OWNER_B, 0);
		lp_setup(f, &rc[1].lp, &cpu2, OWNER_B + 1, 0);
		for (int i = 0; i < 2; i++) {
			rc[i].start = &start;
			assert_int_equal(
				pthread_create(&t[i], NULL, race, &rc[i]), 0);
		}
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		owners.rendezvous = 0;
		/* Both saw the TCS busy and asked about its holder. */
		assert_int_equal(atomic_load(&owners.arrived), 2);

		assert_true((rc[0].ret == 0) != (rc[1].ret == 0));
		winner = rc[0].ret == 0 ? 0 : 1;
		assert_int_equal(rc[!winner].ret, GP);
		assert_int_equal(rc[winner].cssa, 1);
		assert_int_equal(tcs_epc(f)->ssa_index, 1);
		assert_int_equal(nr_active(f), 1);
		assert_int_equal(active_at(f, 0) + active_at(f, 1), 1);
		eexit(&rc[winner].lp);
		assert_int_equal(nr_active(f), 0);
		/* Back to CSSA 0 for the next round. */
		tcs_epc(f)->ssa_index = 0;
	}
	pthread_barrier_destroy(&start);
	sgx_cpu_destroy(&cpu2);
}

/* --- The driver's answer: threads and processes, asked of the kernel --- */

static char platform_path[PATH_MAX];

static void platform_cleanup(void)
{
	if (platform_path[0])
		unlink(platform_path);
}

/* The driver, on a throw-away platform: never the user's. */
static struct sgx_cpu *driver_cpu(void)
{
	const char *tmp = getenv("SOFTSGX_TEST_TMPDIR");
	char err[512];

	if (!platform_path[0]) {
		snprintf(platform_path, sizeof(platform_path),
			 "%s/dead_tcs-%d.platform", tmp && *tmp ? tmp : "/tmp",
			 (int)getpid());
		setenv("SOFTSGX_PLATFORM", platform_path, 1);
		atexit(platform_cleanup);
	}
	if (sgx_driver_init(err, sizeof(err)))
		fail_msg("sgx_driver_init: %s", err);
	return sgx_driver_cpu();
}

static void *name_thread(void *arg)
{
	sgx_driver_lp_set_owner(arg);
	return NULL;
}

static void test_driver_owner_alive(void **state)
{
	struct sgx_cpu *cpu = driver_cpu();
	struct sgx_lp me, gone, child;
	int pipefd[2];
	siginfo_t info;
	pthread_t t;
	pid_t pid;

	(void)state;
	assert_non_null(cpu->owner_alive);
	sgx_lp_init(&me, cpu);
	sgx_driver_lp_set_owner(&me);
	assert_int_equal(me.owner >> 32, getpid());
	assert_int_equal((uint32_t)me.owner, syscall(SYS_gettid));
	assert_int_not_equal(me.owner_stamp, 0);
	assert_true(cpu->owner_alive(me.owner, me.owner_stamp));
	/* The stamp is optional, but must match when given. */
	assert_true(cpu->owner_alive(me.owner, 0));
	assert_false(cpu->owner_alive(me.owner, me.owner_stamp + 1));
	/* Nothing the kernel can be asked about: presumed alive. */
	assert_true(cpu->owner_alive(0, 0));

	/* A thread that has exited. */
	sgx_lp_init(&gone, cpu);
	assert_int_equal(pthread_create(&t, NULL, name_thread, &gone), 0);
	pthread_join(t, NULL);
	assert_int_equal(gone.owner >> 32, getpid());
	assert_int_not_equal(gone.owner, me.owner);
	assert_false(cpu->owner_alive(gone.owner, gone.owner_stamp));

	/* A process killed while running: a zombie, then nothing. */
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sgx_lp lp;

		sgx_lp_init(&lp, cpu);
		sgx_driver_lp_set_owner(&lp);
		if (write(pipefd[1], &lp, sizeof(lp)) != sizeof(lp))
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &child, sizeof(child)), sizeof(child));
	close(pipefd[0]);
	assert_int_equal(child.owner, (uint64_t)pid << 32 | (uint32_t)pid);
	assert_true(cpu->owner_alive(child.owner, child.owner_stamp));
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT), 0);
	assert_false(cpu->owner_alive(child.owner, child.owner_stamp));
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_false(cpu->owner_alive(child.owner, child.owner_stamp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_holder_busy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_anonymous_holder_busy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_callback_busy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dead_holder_reclaimed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_holder_eresume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dead_holder_last_frame,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_holder_no_frame,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_by_address, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_race, setup,
						teardown),
		cmocka_unit_test(test_driver_owner_alive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
