// SPDX-License-Identifier: MIT
/*
 * The test enclave: freestanding C, no libc. entry.S calls enclave_main()
 * for an operation and enclave_handle_exception() for an EENTER with
 * CSSA > 0. The interface is in testenc.h.
 *
 * This enclave is a test fixture, not an example of good practice: it
 * hands keys to the host so that the host can check them.
 */
#include <stddef.h>
#include <stdint.h>

#include <softsgx/enclave_layout.h>

#include "testenc.h"

/*
 * Eight threads; three SSA frames per TCS, so that even the exception
 * handler (running on frame 1) can be interrupted by a signal.
 */
SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 8, .nssa = 3, .ssa_frame_size = 1,
		       .stack_size = 0x8000, .heap_size = 0x4000);

#define PAGE_SIZE 4096
#define HIDDEN __attribute__((visibility("hidden")))

/* Thread-data page fields, through FS (the page is FS base in here). */
#define TLS(off) (*(volatile uint64_t __seg_fs *)(uintptr_t)(off))
#define TLS32(off) (*(volatile uint32_t __seg_fs *)(uintptr_t)(off))

/* Untrusted memory: every field is read once and written once. */
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* sites.S */
HIDDEN void te_fault_ud(void);
HIDDEN uint64_t te_fault_de(uint64_t x);
HIDDEN void te_fault_bp(void);
HIDDEN void te_fault_gp(void);
HIDDEN uint64_t te_fault_syscall(void);
HIDDEN uint64_t te_fault_read(const uint64_t *p);
HIDDEN void te_fault_write(uint64_t *p, uint64_t v);
HIDDEN uint64_t te_busy(uint64_t n, uint64_t seed, struct te_stop *stop,
			uint64_t *iters);
HIDDEN extern const char te_site_ud[], te_site_ud_end[], te_site_de[],
	te_site_de_end[], te_site_bp[], te_site_read[], te_site_read_end[],
	te_site_write[], te_site_write_end[], te_site_gp[], te_site_gp_end[],
	te_site_syscall[], te_site_syscall_end[];
/* entry.S */
HIDDEN void te_ocall_switch(void);
/* variant_*.c: what makes two builds of this enclave measure differently */
HIDDEN extern const char te_variant[];

uint64_t enclave_main(uint64_t op, struct te_args *args);
uint64_t enclave_handle_exception(uint64_t cssa);

/* A page of constants, alone in its page: the read-only fault target. */
static const uint64_t ro_page[PAGE_SIZE / 8] __attribute__((
	aligned(PAGE_SIZE))) = { [0 ... PAGE_SIZE / 8 - 1] = TE_RO_PATTERN };
/* A writable page used only by the host's mprotect tests. */
static uint64_t rw_page[PAGE_SIZE / 8] __attribute__((
	aligned(PAGE_SIZE))) = { [0 ... PAGE_SIZE / 8 - 1] = TE_RW_PATTERN };

static uint64_t nr_calls;

/* The compiler may emit calls to these for struct copies and clearing. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb"
			 : "+D"(d), "+S"(src), "+c"(n)
			 :
			 : "memory");
	return dst;
}

static uint64_t enclave_base(void)
{
	return TLS(SOFTSGX_TD_BASE);
}

static uint64_t offset_of(const void *p)
{
	return (uint64_t)(uintptr_t)p - enclave_base();
}

/* Host memory must lie wholly outside ELRANGE (and not wrap). */
static int outside_enclave(const void *p, size_t len)
{
	uint64_t start = (uint64_t)(uintptr_t)p, end = start + len;
	uint64_t base = enclave_base();

	return end >= start &&
	       (end <= base || start >= base + TLS(SOFTSGX_TD_ENCLAVE_SIZE));
}

static uint64_t op_busy(struct te_args *args)
{
	struct te_stop *stop = (struct te_stop *)(uintptr_t)LOAD(args->stop);
	uint64_t iters = 0, result;

	if (stop && !outside_enclave(stop, sizeof(*stop)))
		return TE_STATUS_BAD_ARGS;
	STORE(args->started, 1);
	result = te_busy(LOAD(args->n), LOAD(args->seed), stop, &iters);
	STORE(args->iters, iters);
	STORE(args->result, result);
	return TE_STATUS_OK;
}

/* Work, an exception in the middle of it, more work that depends on it. */
static uint64_t op_work(struct te_args *args)
{
	uint64_t n = LOAD(args->n), iters, first, second;

	first = te_busy(n, LOAD(args->seed), NULL, &iters);
	STORE(args->partial, first);
	switch (LOAD(args->kind)) {
	case TE_FAULT_UD:
		te_fault_ud();
		break;
	case TE_FAULT_DE:
		te_fault_de(first);
		break;
	default:
		break;
	}
	second = te_busy(n, first, NULL, &iters);
	STORE(args->result, second);
	return TE_STATUS_OK;
}

static uint64_t op_fault(struct te_args *args)
{
	uint64_t *p = (uint64_t *)(uintptr_t)LOAD(args->addr);
	uint64_t result = 0;

	switch (LOAD(args->kind)) {
	case TE_FAULT_UD:
		te_fault_ud();
		break;
	case TE_FAULT_DE:
		result = te_fault_de(LOAD(args->a));
		break;
	case TE_FAULT_BP:
		te_fault_bp();
		break;
	case TE_FAULT_GP:
		te_fault_gp();
		break;
	case TE_FAULT_SYSCALL:
		result = te_fault_syscall();
		break;
	case TE_FAULT_READ:
		result = te_fault_read(p);
		break;
	case TE_FAULT_WRITE:
		/* Reading first gives the page a present PTE on hardware. */
		result = *(volatile uint64_t *)p;
		te_fault_write(p, LOAD(args->a));
		break;
	case TE_FAULT_WRITE_ONLY:
		te_fault_write(p, LOAD(args->a));
		break;
	default:
		return TE_STATUS_BAD_ARGS;
	}
	STORE(args->result, result);
	return TE_STATUS_OK;
}

static void fill_info(struct te_info *info)
{
	uint64_t td = TLS(SOFTSGX_TD_SELF);

	STORE(info->base, enclave_base());
	STORE(info->enclave_size, TLS(SOFTSGX_TD_ENCLAVE_SIZE));
	STORE(info->thread_index, TLS32(SOFTSGX_TD_THREAD_INDEX));
	STORE(info->nr_threads, TLS32(SOFTSGX_TD_NR_THREADS));
	STORE(info->nssa, TLS32(SOFTSGX_TD_NSSA));
	STORE(info->tcs, TLS(SOFTSGX_TD_TCS));
	STORE(info->td, td);
	STORE(info->ro_page, offset_of(ro_page));
	STORE(info->rw_page, offset_of(rw_page));
	STORE(info->code_page, offset_of(te_site_write) & ~(PAGE_SIZE - 1ULL));
	STORE(info->host_rsp, TLS(SOFTSGX_TD_HOST_RSP));
	STORE(info->host_rbp, TLS(SOFTSGX_TD_HOST_RBP));
	STORE(info->exit_addr, TLS(SOFTSGX_TD_EXIT_ADDR));
	STORE(info->site_ud, offset_of(te_site_ud));
	STORE(info->site_de, offset_of(te_site_de));
	STORE(info->site_bp, offset_of(te_site_bp));
	STORE(info->site_read, offset_of(te_site_read));
	STORE(info->site_write, offset_of(te_site_write));
	STORE(info->site_gp, offset_of(te_site_gp));
	STORE(info->site_syscall, offset_of(te_site_syscall));
}

/* --- EREPORT / EGETKEY ------------------------------------------------ */

#define ENCLU ".byte 0x0f, 0x01, 0xd7"
#define EREPORT 0
#define EGETKEY 1

struct report {
	uint8_t body[TE_REPORT_BODY_SIZE];
	uint8_t keyid[32];
	uint8_t mac[16];
} __attribute__((aligned(512)));

struct targetinfo {
	uint8_t mrenclave[32];
	uint8_t attributes[16];
	uint8_t cet_attributes;
	uint8_t reserved1;
	uint16_t config_svn;
	uint32_t miscselect;
	uint8_t reserved2[456];
} __attribute__((aligned(512)));

struct keyrequest {
	uint16_t keyname;
	uint16_t keypolicy;
	uint16_t isv_svn;
	uint8_t cet_attributes_mask;
	uint8_t reserved1;
	uint8_t cpusvn[16];
	uint64_t attribute_mask_flags;
	uint64_t attribute_mask_xfrm;
	uint8_t keyid[32];
	uint32_t misc_mask;
	uint16_t config_svn;
	uint8_t reserved2[434];
} __attribute__((aligned(512)));

_Static_assert(sizeof(struct report) == 512, "REPORT buffer");
_Static_assert(offsetof(struct report, mac) == 416, "REPORT.MAC");
_Static_assert(sizeof(struct targetinfo) == 512, "TARGETINFO");
_Static_assert(offsetof(struct targetinfo, miscselect) == 52, "TI.MISC");
_Static_assert(sizeof(struct keyrequest) == 512, "KEYREQUEST");
_Static_assert(offsetof(struct keyrequest, misc_mask) == 72, "KR.MISCMASK");

static void ereport(const struct targetinfo *ti, const uint8_t *data,
		    struct report *out)
{
	__asm__ volatile(ENCLU
			 :
			 : "a"(EREPORT), "b"(ti), "c"(data), "d"(out)
			 : "memory", "cc");
}

static uint64_t egetkey(const struct keyrequest *req, uint8_t *key)
{
	uint64_t rax = EGETKEY;

	__asm__ volatile(ENCLU
			 : "+a"(rax)
			 : "b"(req), "c"(key)
			 : "memory", "cc");
	return rax;
}

/* A report about this enclave, MACed for this enclave itself. */
static void self_report(const uint8_t *data, struct report *out)
{
	struct targetinfo ti = { 0 };

	ereport(&ti, data, out);
	memcpy(ti.mrenclave, out->body + TE_REPORT_MRENCLAVE, 32);
	memcpy(ti.attributes, out->body + TE_REPORT_ATTRIBUTES, 16);
	memcpy(&ti.miscselect, out->body + TE_REPORT_MISCSELECT, 4);
	ereport(&ti, data, out);
}

/* EGETKEY for this enclave's current CPUSVN and ISVSVN. */
static uint64_t get_key(uint16_t name, uint16_t policy, uint8_t key[16])
{
	static const uint8_t no_data[64] __attribute__((aligned(128)));
	struct keyrequest req = { .keyname = name, .keypolicy = policy };
	struct report self;

	self_report(no_data, &self);
	memcpy(req.cpusvn, self.body + TE_REPORT_CPUSVN, 16);
	memcpy(&req.isv_svn, self.body + TE_REPORT_ISVSVN, 2);
	/* The REPORT key that verifies a report is the one of its KEYID. */
	if (name == TE_KEY_REPORT)
		memcpy(req.keyid, self.keyid, sizeof(req.keyid));
	/* The SDK's defaults: INIT, DEBUG, MODE64BIT and the reserved top. */
	req.attribute_mask_flags = 0xFF0000000000000BULL;
	req.misc_mask = 0xF0000000U;
	return egetkey(&req, key);
}

static uint64_t op_report(struct te_args *args)
{
	uint8_t data[64] __attribute__((aligned(128)));
	uint8_t key[16] __attribute__((aligned(16)));
	struct report report;

	for (int i = 0; i < 64; i++)
		data[i] = LOAD(args->report_data[i]);
	self_report(data, &report);
	for (int i = 0; i < TE_REPORT_SIZE; i++)
		STORE(args->report[i], ((const uint8_t *)&report)[i]);
	/* The key that MACed it, so that the host can check the MAC. */
	STORE(args->key_status, get_key(TE_KEY_REPORT, 0, key));
	for (int i = 0; i < 16; i++)
		STORE(args->key[i], key[i]);
	return TE_STATUS_OK;
}

static uint64_t op_getkey(struct te_args *args)
{
	uint8_t key[16] __attribute__((aligned(16))) = { 0 };
	uint64_t ret = get_key((uint16_t)LOAD(args->keyname),
			       (uint16_t)LOAD(args->keypolicy), key);

	STORE(args->key_status, ret);
	for (int i = 0; i < 16; i++)
		STORE(args->key[i], key[i]);
	return TE_STATUS_OK;
}

/* --- OCALLs ----------------------------------------------------------- */

static uint64_t ocall(struct te_args *args, uint64_t code, uint64_t arg)
{
	STORE(args->ocall_code, code);
	STORE(args->ocall_arg, arg);
	STORE(args->status, TE_STATUS_OCALL);
	te_ocall_switch();
	return LOAD(args->ocall_ret);
}

static uint64_t op_ocall(struct te_args *args)
{
	uint64_t n = LOAD(args->n), acc = LOAD(args->seed);

	for (uint64_t i = 0; i < n; i++) {
		acc = ((acc << 7) | (acc >> 57)) ^
		      ocall(args, TE_OCALL_MIX, acc + i);
		STORE(args->ocalls, i + 1);
	}
	STORE(args->result, acc);
	return TE_STATUS_OK;
}

/* --- Dispatch --------------------------------------------------------- */

static uint64_t op_exit_regs(struct te_args *args)
{
	uint64_t a = LOAD(args->a);

	TLS(TE_TLS_OUT_RSI) = a;
	TLS(TE_TLS_OUT_RDX) = a + 1;
	TLS(TE_TLS_OUT_R8) = a + 2;
	TLS(TE_TLS_OUT_R9) = a + 3;
	fill_info(&args->info);
	return TE_STATUS_OK;
}

static uint64_t dispatch(uint64_t op, struct te_args *args)
{
	switch (op) {
	case TE_OP_ADD:
		STORE(args->result, LOAD(args->a) + LOAD(args->b));
		return TE_STATUS_OK;
	case TE_OP_BUSY:
		return op_busy(args);
	case TE_OP_FAULT:
		return op_fault(args);
	case TE_OP_INFO:
		fill_info(&args->info);
		return TE_STATUS_OK;
	case TE_OP_REPORT:
		return op_report(args);
	case TE_OP_GETKEY:
		return op_getkey(args);
	case TE_OP_OCALL:
		return op_ocall(args);
	case TE_OP_EXIT_REGS:
		return op_exit_regs(args);
	case TE_OP_WORK:
		return op_work(args);
	case TE_OP_COUNT:
		STORE(args->result,
		      __atomic_load_n(&nr_calls, __ATOMIC_SEQ_CST));
		return TE_STATUS_OK;
	default:
		return TE_STATUS_BAD_OP;
	}
}

uint64_t enclave_main(uint64_t op, struct te_args *args)
{
	uint64_t status;

	TLS(TE_TLS_OUT_RSI) = 0;
	TLS(TE_TLS_OUT_RDX) = 0;
	TLS(TE_TLS_OUT_R8) = 0;
	TLS(TE_TLS_OUT_R9) = 0;
	if (op == TE_OP_NOP)
		return TE_STATUS_OK;
	if (!args || !outside_enclave(args, sizeof(*args)))
		return TE_STATUS_BAD_ARGS;
	__atomic_add_fetch(&nr_calls, 1, __ATOMIC_SEQ_CST);
	TLS(TE_TLS_CUR_ARGS) = (uint64_t)(uintptr_t)args;
	/* Hosts compare it with what the vDSO gives a user handler. */
	STORE(args->info.host_rsp, TLS(SOFTSGX_TD_HOST_RSP));
	status = dispatch(op, args);
	TLS(TE_TLS_CUR_ARGS) = 0;
	STORE(args->status, status);
	return status;
}

/* --- The exception handler (EENTER with CSSA > 0) --------------------- */

/* GPRSGX, the last 184 bytes of an SSA frame (sgx-architecture 2.5.1). */
struct gprsgx {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rflags, rip, ursp, urbp;
	uint32_t exitinfo;
	uint8_t reserved[3];
	uint8_t aexnotify;
	uint64_t fsbase, gsbase;
};

/* EXINFO, just below GPRSGX when MISCSELECT.EXINFO is set. */
struct exinfo {
	uint64_t maddr;
	uint32_t errcd;
	uint32_t reserved;
};

_Static_assert(sizeof(struct gprsgx) == 184, "GPRSGX");
_Static_assert(offsetof(struct gprsgx, exitinfo) == 160, "EXITINFO");

static struct gprsgx *ssa_gpr(uint64_t frame)
{
	uint64_t frame_size =
		(uint64_t)TLS32(SOFTSGX_TD_SSA_FRAME_SIZE) * PAGE_SIZE;
	uint64_t end =
		enclave_base() + TLS(SOFTSGX_TD_SSA) + (frame + 1) * frame_size;

	return (struct gprsgx *)(uintptr_t)(end - sizeof(struct gprsgx));
}

struct site {
	const char *at, *end; /* end = at: nothing to skip */
	uint64_t id;
};

/* The known site RIP is at; end is where execution may continue. */
static struct site site_of(uint64_t rip)
{
	const struct site sites[] = {
		{ te_site_ud, te_site_ud_end, TE_SITE_UD },
		{ te_site_de, te_site_de_end, TE_SITE_DE },
		{ te_site_bp, te_site_bp, TE_SITE_BP },
		{ te_site_read, te_site_read_end, TE_SITE_READ },
		{ te_site_write, te_site_write_end, TE_SITE_WRITE },
		{ te_site_gp, te_site_gp_end, TE_SITE_GP },
		{ te_site_syscall, te_site_syscall_end, TE_SITE_SYSCALL },
	};

	for (size_t i = 0; i < sizeof(sites) / sizeof(sites[0]); i++)
		if ((uint64_t)(uintptr_t)sites[i].at == rip)
			return sites[i];
	return (struct site){ 0, 0, TE_SITE_NONE };
}

/* EXINFO is there only when EXITINFO reports a #PF or #GP. */
static void report_exinfo(struct te_exc *exc, const struct gprsgx *gpr)
{
	const struct exinfo *ex = (const struct exinfo *)gpr - 1;
	uint32_t vector = TE_EXITINFO_VECTOR(gpr->exitinfo);

	if (!(gpr->exitinfo & TE_EXITINFO_VALID) ||
	    (vector != 13 && vector != 14))
		return;
	STORE(exc->exinfo_maddr, ex->maddr);
	STORE(exc->exinfo_errcd, ex->errcd);
}

uint64_t enclave_handle_exception(uint64_t cssa)
{
	struct te_args *args =
		(struct te_args *)(uintptr_t)TLS(TE_TLS_CUR_ARGS);
	struct gprsgx *gpr = ssa_gpr(cssa - 1);
	struct site site = site_of(gpr->rip);
	uint64_t skipped = 0;

	TLS(TE_TLS_HANDLED) = TLS(TE_TLS_HANDLED) + 1;
	if (!args)
		return TE_STATUS_HANDLED;
	STORE(args->exc.rip, offset_of((const void *)(uintptr_t)gpr->rip));
	if (LOAD(args->skip) && site.end != site.at) {
		gpr->rip = (uint64_t)(uintptr_t)site.end;
		skipped = 1;
	}
	STORE(args->exc.count, LOAD(args->exc.count) + 1);
	STORE(args->exc.cssa, cssa);
	STORE(args->exc.exitinfo, gpr->exitinfo);
	report_exinfo(&args->exc, gpr);
	STORE(args->exc.site, site.id);
	STORE(args->exc.skipped, skipped);
	return TE_STATUS_HANDLED;
}

/* Keeps the variant in the image even if nothing else refers to it. */
const char *te_variant_name(void);
const char *te_variant_name(void)
{
	return te_variant;
}
