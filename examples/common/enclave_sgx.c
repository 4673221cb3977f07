// SPDX-License-Identifier: MIT
/*
 * Enclave-side helpers shared by the example enclaves (enclave_sgx.h).
 * Freestanding code: linked into enclaves, never into hosts.
 */
#include <softsgx/enclave_layout.h>

#include "enclave_sgx.h"

#define ENCLU ".byte 0x0f, 0x01, 0xd7"
#define EREPORT 0
#define EGETKEY 1

void ex_ereport(const struct ex_targetinfo *ti, const uint8_t *report_data,
		struct ex_report *out)
{
	uint64_t rax = EREPORT;

	__asm__ volatile(ENCLU
			 : "+a"(rax)
			 : "b"(ti), "c"(report_data), "d"(out)
			 : "memory");
}

uint64_t ex_egetkey(const struct ex_keyrequest *req, uint8_t key[16])
{
	uint64_t rax = EGETKEY;

	__asm__ volatile(ENCLU
			 : "+a"(rax)
			 : "b"(req), "c"(key)
			 : "memory", "cc");
	return rax;
}

void ex_self_report(struct ex_report *out)
{
	static const struct ex_targetinfo zero __attribute__((aligned(512)));
	uint8_t data[64] __attribute__((aligned(128))) = { 0 };

	ex_ereport(&zero, data, out);
}

/* Spec 10.3: the fields EREPORT binds the target's report key to. */
void ex_self_targetinfo(struct ex_targetinfo *ti)
{
	struct ex_report self __attribute__((aligned(512)));

	ex_self_report(&self);
	memset(ti, 0, sizeof(*ti));
	memcpy(ti->measurement, self.body.mrenclave, sizeof(ti->measurement));
	ti->attributes = self.body.attributes;
	ti->cet_attributes = self.body.cet_attributes;
	ti->config_svn = self.body.config_svn;
	ti->miscselect = self.body.miscselect;
	memcpy(ti->config_id, self.body.config_id, sizeof(ti->config_id));
}

/* The bootstrap keeps the absolute base in the thread-data page (FS). */
static uint64_t enclave_base(void)
{
	uint64_t v;

	__asm__("mov %%fs:%c1, %0" : "=r"(v) : "i"(SOFTSGX_TD_BASE));
	return v;
}

static uint64_t enclave_size(void)
{
	uint64_t v;

	__asm__("mov %%fs:%c1, %0" : "=r"(v) : "i"(SOFTSGX_TD_ENCLAVE_SIZE));
	return v;
}

/*
 * A host that passes a pointer into the enclave would make the enclave read
 * its own secrets out to it, or overwrite them: every untrusted buffer is
 * checked before it is touched.
 */
bool ex_outside_enclave(uint64_t addr, uint64_t len)
{
	uint64_t base = enclave_base(), end = addr + len;

	if (!len)
		return true; /* nothing will be touched */
	if (!addr || end < addr)
		return false;
	return end <= base || addr >= base + enclave_size();
}

bool ex_copy_from_host(void *dst, uint64_t src, size_t len)
{
	if (!ex_outside_enclave(src, len))
		return false;
	memcpy(dst, (const void *)src, len);
	return true;
}

bool ex_copy_to_host(uint64_t dst, const void *src, size_t len)
{
	if (!ex_outside_enclave(dst, len))
		return false;
	memcpy((void *)dst, src, len);
	return true;
}

void ex_wipe(void *p, size_t len)
{
	memset(p, 0, len);
	/* The buffer "escapes" here, so the stores above must happen. */
	__asm__ volatile("" : : "r"(p) : "memory");
}

int ex_equal_ct(const void *a, const void *b, size_t len)
{
	const uint8_t *x = a, *y = b;
	uint8_t diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

/* Intel's guidance: retry RDRAND a few times before giving up. */
static bool rdrand64(uint64_t *v)
{
	for (int i = 0; i < 10; i++) {
		uint8_t ok;

		__asm__ volatile("rdrand %0; setc %1"
				 : "=r"(*v), "=qm"(ok)
				 :
				 : "cc");
		if (ok)
			return true;
	}
	return false;
}

bool ex_random(void *out, size_t len)
{
	uint8_t *p = out;
	uint64_t v;

	while (len) {
		size_t n = len < sizeof(v) ? len : sizeof(v);

		if (!rdrand64(&v))
			return false;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	ex_wipe(&v, sizeof(v));
	return true;
}

/*
 * The compiler would turn these loops into calls to themselves; the
 * optimisation that does it is switched off for them.
 */
#define NO_LIBCALLS \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (len--)
		*d++ = *s++;
	return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t len)
{
	uint8_t *d = dst;

	while (len--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t len)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < len; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}
