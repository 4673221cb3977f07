// SPDX-License-Identifier: MIT
/*
 * Exceptions inside the enclave, reported through struct sgx_enclave_run
 * exactly as the kernel's vDSO fixup does (linux-sgx-uapi spec 4.6):
 * function = ERESUME (the AEX's RAX), the vector, the error code (bit 15
 * for EPCM faults), and the fault address for #PF only, page-aligned.
 * #BP is never fixed up: the program's SIGTRAP handler runs instead.
 *
 * Every fault is then handled the SDK's way: an EENTER with CSSA = 1 lets
 * the enclave inspect its SSA (EXITINFO, and EXINFO when MISCSELECT.EXINFO
 * is set) and skip the instruction, or the host repairs its mprotect();
 * then ERESUME, and the operation finishes with the exact result. All of
 * it runs twice: with MISCSELECT 0 and with EXINFO.
 *
 * Usage: it_faults ENCLAVE ENCLAVE.sig
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "testhost.h"

#define PAGE 4096UL
#define GP 13
#define PF 14
#define PF_P 0x1
#define PF_W 0x2
#define PF_U 0x4
#define PF_SGX 0x8000
#define EXINFO 1U /* MISCSELECT bit 0 */

enum target { TGT_NONE, TGT_RW, TGT_RO, TGT_CODE, TGT_TCS };

struct fault_case {
	const char *name;
	uint64_t kind; /* TE_FAULT_* */
	enum target target;
	uint64_t offset; /* of the access in its page: EXINFO shows it */
	int prot; /* mprotect the target page to this first; -1: no */
	bool restrict_ro; /* SGX2: EMODPR the target page to R first */
	uint16_t vector, error_code;
	bool skip; /* the enclave skips the instruction, else host repairs */
	uint64_t site; /* TE_SITE_* the saved RIP must be at */
};

#define EPCM_W (PF_SGX | PF_U | PF_W | PF_P) /* 0x8007 */
#define EPCM_R (PF_SGX | PF_U | PF_P) /* 0x8005 */
#define PTE_W (PF_U | PF_W | PF_P) /* 0x7 */

static const struct fault_case cases[] = {
	{ "#UD (ud2)", TE_FAULT_UD, TGT_NONE, 0, -1, false, 6, 0, true,
	  TE_SITE_UD },
	{ "#DE (div by 0)", TE_FAULT_DE, TGT_NONE, 0, -1, false, 0, 0, true,
	  TE_SITE_DE },
	/* SYSCALL is #UD in enclave mode (the call is not made). */
	{ "#UD (syscall)", TE_FAULT_SYSCALL, TGT_NONE, 0, -1, false, 6, 0, true,
	  TE_SITE_SYSCALL },
	/* Reported in the SSA only with EXINFO, like #PF. */
	{ "#GP (hlt at CPL 3)", TE_FAULT_GP, TGT_NONE, 0, -1, false, 13, 0,
	  true, TE_SITE_GP },
	/* PROT_NONE: the PTE is not present, whatever it was before. */
	{ "#PF read, page mprotect(PROT_NONE)", TE_FAULT_READ, TGT_RW, 0x238,
	  PROT_NONE, false, PF, PF_U, false, TE_SITE_READ },
	/* The enclave reads first, so the read-only PTE is present. */
	{ "#PF write, page mprotect(PROT_READ)", TE_FAULT_WRITE, TGT_RW, 0x5f8,
	  PROT_READ, false, PF, PTE_W, true, TE_SITE_WRITE },
	/* The PTE allows it (TCS pages map RW); the EPCM refuses PT_TCS. */
	{ "#PF EPCM write to a TCS page", TE_FAULT_WRITE_ONLY, TGT_TCS, 0x100,
	  -1, false, PF, EPCM_W, true, TE_SITE_WRITE },
	{ "#PF EPCM read of a TCS page", TE_FAULT_READ, TGT_TCS, 0x28, -1,
	  false, PF, EPCM_R, true, TE_SITE_READ },
	/*
	 * Pages whose EPCM permissions lack W are never mapped writable (the
	 * driver refuses), so the PTE refuses the write too, and the CPU
	 * checks paging before the EPCM (sgx-architecture spec 8.1): an
	 * ordinary protection fault, 0x7, without PF_SGX.
	 */
	{ "#PF write to a read-only enclave page", TE_FAULT_WRITE, TGT_RO, 0x10,
	  -1, false, PF, PTE_W, true, TE_SITE_WRITE },
	{ "#PF write to the enclave's own code page", TE_FAULT_WRITE, TGT_CODE,
	  0x8, -1, false, PF, PTE_W, true, TE_SITE_WRITE },
	/* SGX2: EMODPR leaves the PTE writable; only the EPCM refuses. */
	{ "#PF EPCM write to a page restricted to R", TE_FAULT_WRITE, TGT_RW,
	  0x400, -1, true, PF, EPCM_W, true, TE_SITE_WRITE },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* Cases run on TCS 0, one after the other; #BP on the last TCS. */
static struct th_enclave enclave, *encl = &enclave;
static struct te_info info;
static const char *image, *sigfile;
static uint32_t misc;

static uint64_t target_page(enum target t)
{
	switch (t) {
	case TGT_RW:
		return th_addr(encl, info.rw_page);
	case TGT_RO:
		return th_addr(encl, info.ro_page);
	case TGT_CODE:
		return th_addr(encl, info.code_page);
	case TGT_TCS:
		return th_addr(encl, info.tcs);
	default:
		return 0;
	}
}

static uint64_t site_offset(uint64_t site)
{
	switch (site) {
	case TE_SITE_UD:
		return info.site_ud;
	case TE_SITE_DE:
		return info.site_de;
	case TE_SITE_BP:
		return info.site_bp;
	case TE_SITE_READ:
		return info.site_read;
	case TE_SITE_GP:
		return info.site_gp;
	case TE_SITE_SYSCALL:
		return info.site_syscall;
	default:
		return info.site_write;
	}
}

/* The word the enclave reads at offset in the target page at load time. */
static uint64_t initial_word(enum target t, uint64_t offset)
{
	uint64_t word = 0;

	if (t == TGT_RW)
		return TE_RW_PATTERN;
	if (t == TGT_RO)
		return TE_RO_PATTERN;
	for (size_t i = 0; t == TGT_CODE && i < encl->img.nr_pages; i++)
		if (encl->img.pages[i].offset == info.code_page)
			memcpy(&word,
			       (const char *)encl->img.pages[i].data + offset,
			       sizeof(word));
	return word;
}

/* The word at addr, as the enclave reads it (host reads are not). */
static uint64_t enclave_read(uint64_t addr)
{
	struct te_args args = { .kind = TE_FAULT_READ, .addr = addr };

	th_ecall_ok(encl, 0, TE_OP_FAULT, &args);
	return args.result;
}

static void protect(uint64_t page, int prot)
{
	if (mprotect((void *)(uintptr_t)page, PAGE, prot))
		TH_FAIL("mprotect(0x%llx, %d): %m", (unsigned long long)page,
			prot);
}

/* SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS to R; false without SGX2. */
static bool restrict_ro(uint64_t offset)
{
	struct sgx_enclave_restrict_permissions rp = {
		.offset = offset,
		.length = PAGE,
		.permissions = SGX_SECINFO_R,
	};

	if (ioctl(encl->fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp)) {
		if (errno == ENODEV || errno == ENOTTY)
			return false;
		TH_FAIL("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS: %m");
	}
	CHECK_EQ(rp.result, 0);
	CHECK_EQ(rp.count, PAGE);
	return true;
}

struct cycle {
	struct sgx_enclave_run fault, handler, resume;
	int ret_fault, ret_handler, ret_resume;
};

/*
 * Fault, handle, resume: three vDSO calls from one frame. ERESUME brings
 * back the enclave's registers, and its EEXIT goes back to the untrusted
 * RSP/RBP of the first EENTER, so the ERESUME must come from a vDSO frame
 * at the same stack address (what upstream's own selftests rely on too).
 */
static __attribute__((noinline)) void
cycle(const struct fault_case *c, struct te_args *args, struct cycle *out)
{
	memset(out, 0, sizeof(*out));
	out->ret_fault =
		th_enter(encl, 0, TH_EENTER, TE_OP_FAULT, args, &out->fault);
	out->ret_handler =
		th_enter(encl, 0, TH_EENTER, TE_OP_NOP, NULL, &out->handler);
	if (c->prot >= 0 && !c->skip)
		protect(target_page(c->target), PROT_READ | PROT_WRITE);
	out->ret_resume = th_enter(encl, 0, TH_ERESUME, 0, NULL, &out->resume);
}

static void check_error_code(const struct fault_case *c, uint32_t got)
{
	if (got == c->error_code)
		return;
	if (!(c->error_code & PF_SGX) && got == (c->error_code | PF_SGX))
		th_known_bug(TH_BUG_PTE_ORDER, "%s: error code 0x%x, want 0x%x",
			     c->name, got, c->error_code);
	else
		TH_FAIL("%s: error code 0x%x, want 0x%x", c->name, got,
			c->error_code);
}

static void check_report(const struct fault_case *c, const struct cycle *r)
{
	uint64_t addr = c->vector == PF ? target_page(c->target) : 0;

	CHECK_EQ(r->ret_fault, 0);
	if (r->fault.function != TH_ERESUME ||
	    r->fault.exception_vector != c->vector)
		TH_FAIL("%s: function %u vector %u, want 3 and %u", c->name,
			r->fault.function, r->fault.exception_vector,
			c->vector);
	check_error_code(c, r->fault.exception_error_code);
	if (r->fault.exception_addr != addr && c->vector != PF)
		th_known_bug(TH_BUG_EXC_ADDR, "%s: exception_addr 0x%llx",
			     c->name,
			     (unsigned long long)r->fault.exception_addr);
	else
		CHECK_EQ(r->fault.exception_addr, addr);
}

/* SSA EXITINFO: #PF and #GP are reported inside only with EXINFO. */
static void check_ssa(const struct fault_case *c, const struct te_exc *x)
{
	bool exinfo = c->vector == PF || c->vector == GP;
	bool reported = !exinfo || (misc & EXINFO);
	uint64_t exitinfo =
		reported ? (TE_EXITINFO_VALID | 3U << 8 | c->vector) : 0;

	CHECK_EQ(x->count, 1);
	CHECK_EQ(x->cssa, 1);
	CHECK_EQ(x->exitinfo, exitinfo);
	CHECK_EQ(x->rip, site_offset(c->site));
	CHECK_EQ(x->site, c->site);
	CHECK_EQ(x->skipped, c->skip);
	if (exinfo && reported) {
		/* Inside, the page offset is not hidden; #GP has none. */
		CHECK_EQ(x->exinfo_maddr,
			 c->vector == PF ? target_page(c->target) + c->offset :
					   0);
		if (x->exinfo_errcd != c->error_code)
			check_error_code(c, (uint32_t)x->exinfo_errcd);
	} else {
		CHECK_EQ(x->exinfo_maddr, 0);
		CHECK_EQ(x->exinfo_errcd, 0);
	}
}

/* What TE_OP_FAULT returns once resumed. */
static uint64_t expected_result(const struct fault_case *c)
{
	uint64_t before = initial_word(c->target, c->offset);

	if (c->kind == TE_FAULT_DE)
		return 77; /* the dividend, left alone by the skipped div */
	if (c->kind == TE_FAULT_READ)
		return c->skip ? TE_READ_SKIPPED : before;
	if (c->kind == TE_FAULT_WRITE)
		return before; /* the read before the write */
	return 0;
}

static void check_resume(const struct fault_case *c, const struct cycle *r,
			 const struct te_args *args)
{
	CHECK_EQ(r->ret_resume, 0);
	if (r->resume.function != TH_EEXIT)
		TH_FAIL("%s: ERESUME ended with function %u vector %u error "
			"0x%x addr 0x%llx",
			c->name, r->resume.function, r->resume.exception_vector,
			r->resume.exception_error_code,
			(unsigned long long)r->resume.exception_addr);
	CHECK_EQ(args->status, TE_STATUS_OK);
	CHECK_EQ(args->result, expected_result(c));
	if (c->prot >= 0 && c->skip)
		protect(target_page(c->target), PROT_READ | PROT_WRITE);
	/* A skipped write wrote nothing. */
	if (c->target != TGT_TCS && c->target != TGT_NONE)
		CHECK_EQ(enclave_read(args->addr),
			 initial_word(c->target, c->offset));
}

static void run_case(const struct fault_case *c)
{
	uint64_t page;
	struct te_args args = { .kind = c->kind, .a = 77, .skip = c->skip };
	struct cycle r;

	page = target_page(c->target);
	if (page)
		args.addr = page + c->offset;
	if (c->restrict_ro && !restrict_ro(info.rw_page)) {
		printf("  --  %-45s skipped: no SGX2\n", c->name);
		return;
	}
	if (c->prot >= 0)
		protect(page, c->prot);
	cycle(c, &args, &r);
	check_report(c, &r);
	CHECK_EQ(r.ret_handler, 0);
	CHECK_EQ(r.handler.function, TH_EEXIT);
	check_ssa(c, &args.exc);
	check_resume(c, &r, &args);
	printf("  ok  %-45s vector %2u error 0x%04x addr %s\n", c->name,
	       c->vector, c->error_code, c->vector == PF ? "page" : "0");
}

/* --- #BP: no fixup; the program's SIGTRAP handler runs at the AEP ------- */

static volatile sig_atomic_t traps;
static struct te_args bp_args;
static greg_t trap_regs[4]; /* RIP, RAX, RBX, RCX */
static struct sgx_enclave_run trap_run;
static int trap_ret;
static size_t bp_tcs;

static void on_sigtrap(int sig, siginfo_t *si, void *ctx)
{
	const greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;

	(void)sig;
	(void)si;
	traps++;
	trap_regs[0] = g[REG_RIP];
	trap_regs[1] = g[REG_RAX];
	trap_regs[2] = g[REG_RBX];
	trap_regs[3] = g[REG_RCX];
	/* CSSA is 1 now: this EENTER runs the enclave's handler. */
	trap_ret =
		th_enter(encl, bp_tcs, TH_EENTER, TE_OP_NOP, NULL, &trap_run);
}

static void breakpoint(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigtrap,
				.sa_flags = SA_SIGINFO };
	struct sgx_enclave_run run = { 0 };
	int ret;

	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(SIGTRAP, &sa, NULL));
	traps = 0;
	memset(&bp_args, 0, sizeof(bp_args));
	bp_args.kind = TE_FAULT_BP;
	ret = th_enter(encl, bp_tcs, TH_EENTER, TE_OP_FAULT, &bp_args, &run);
	CHECK_EQ(ret, 0);
	CHECK_EQ(traps, 1);
	CHECK_EQ(trap_regs[1], TH_ERESUME);
	CHECK_EQ(trap_regs[2], encl->tcs[bp_tcs]);
	CHECK_EQ(trap_regs[3], trap_regs[0]); /* RCX = AEP = RIP */
	CHECK_EQ(trap_ret, 0);
	CHECK_EQ(trap_run.function, TH_EEXIT);
	/* INT3 is a software exception (type 6); the trap's RIP is after it. */
	CHECK_EQ(bp_args.exc.exitinfo, TE_EXITINFO_VALID | 6U << 8 | 3);
	CHECK_EQ(bp_args.exc.rip, info.site_bp);
	CHECK_EQ(bp_args.exc.site, TE_SITE_BP);
	/* The handler returned to the AEP, which resumed: a plain EEXIT. */
	CHECK_EQ(run.function, TH_EEXIT);
	CHECK_EQ(bp_args.status, TE_STATUS_OK);
	printf("  ok  %-45s SIGTRAP at the AEP, EXITINFO type 6\n",
	       "#BP (int3)");
}

/*
 * In a child (sharing the enclave), on a TCS of its own: known bug
 * nested_entry kills the process that enters from the SIGTRAP handler.
 */
static void run_breakpoint(void)
{
	pid_t pid;
	int status;

	bp_tcs = encl->nr_tcs - 1;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		breakpoint();
		exit(th_bugs_mask() ? TH_BUGS_EXIT + (int)th_bugs_mask() : 0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) >= TH_BUGS_EXIT)
		th_bugs_merge((unsigned int)WEXITSTATUS(status) - TH_BUGS_EXIT);
	else if (th_child_crashed(status))
		th_known_bug(TH_BUG_NESTED_ENTRY,
			     "#BP: EENTER from the SIGTRAP handler: the child "
			     "crashed (wait status 0x%x)",
			     status);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		TH_FAIL("#BP: child wait status 0x%x", status);
}

static void run_all(void)
{
	struct te_args args = { .a = 20, .b = 22 };

	th_load(encl, image, sigfile, misc);
	th_info(encl, 0, &info);
	printf("MISCSELECT 0x%x:\n", misc);
	for (size_t i = 0; i < NR_CASES; i++)
		run_case(&cases[i]);
	run_breakpoint();
	/* The TCS is as good as new. */
	th_ecall_ok(encl, 0, TE_OP_ADD, &args);
	CHECK_EQ(args.result, 42);
	th_unload(encl);
}

int main(int argc, char **argv)
{
	th_init(argc, argv, 3, NULL);
	image = argv[1];
	sigfile = argv[2];
	for (misc = 0; misc <= EXINFO; misc++)
		run_all();
	return th_exit();
}
