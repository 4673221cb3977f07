// SPDX-License-Identifier: MIT
/*
 * Runtime of the EDMM example enclaves: the C side of ECALLs and OCALLs.
 * entry.S calls edmm_main() on the thread's own stack; an OCALL parks
 * that stack (edmm_ocall_switch) and the next EENTER on the TCS resumes
 * it.
 */
#include "edmm_rt.h"

uint64_t edmm_main(struct edmm_call *call);
void edmm_ocall_switch(void);

/* Whether [p, p + len) lies entirely outside ELRANGE (untrusted memory). */
static bool outside_enclave(uint64_t p, uint64_t len)
{
	uint64_t base = edmm_base(), end = base + edmm_size();

	if (p + len < p)
		return false;
	return p + len <= base || p >= end;
}

bool edmm_in_dyn(uint64_t addr, uint64_t len)
{
	uint64_t start = edmm_dyn_start(), end = edmm_dyn_end();

	return !(addr & (EDMM_PAGE - 1)) && !(len & (EDMM_PAGE - 1)) &&
	       addr >= start && addr <= end && len <= end - addr;
}

static struct edmm_call *current_call(void)
{
	return (struct edmm_call *)edmm_td_read(EDMM_TD_CALL);
}

static void set_current_call(struct edmm_call *call)
{
	__asm__ volatile("mov %0, %%fs:(%1)"
			 :
			 : "r"(call), "r"((uint64_t)EDMM_TD_CALL)
			 : "memory");
}

int64_t edmm_ocall(enum edmm_ocall req, uint64_t offset, uint64_t len,
		   uint64_t arg)
{
	volatile struct edmm_call *call = current_call();

	call->oarg[0] = offset;
	call->oarg[1] = len;
	call->oarg[2] = arg;
	call->ocall = req;
	edmm_ocall_switch();
	/* Read once: the host may still change it. */
	return __atomic_load_n(&call->oret, __ATOMIC_RELAXED);
}

uint64_t edmm_main(struct edmm_call *call)
{
	volatile struct edmm_call *c = call;
	uint64_t arg[4], out[4] = { 0 }, ret;

	/* The host must not make the enclave write over its own memory. */
	if (!outside_enclave((uint64_t)call, sizeof(*call)))
		return EDMM_ERR_BAD_CALL;
	set_current_call(call);
	for (int i = 0; i < 4; i++)
		arg[i] = c->arg[i]; /* read each input exactly once */
	ret = edmm_ecall(c->cmd, arg, out);
	for (int i = 0; i < 4; i++)
		c->out[i] = out[i];
	c->ret = ret;
	c->ocall = EDMM_OCALL_NONE;
	return 0;
}

/* Byte loops through volatile pointers: never turned back into a call. */
void *memset(void *s, int c, size_t n)
{
	volatile unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}
