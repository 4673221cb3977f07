// SPDX-License-Identifier: MIT
/*
 * Function ranges from the unwind tables, which the loader maps and strip
 * keeps: the binary search table of .eh_frame_hdr lists every FDE with its
 * function's start, and the FDE gives the function's length. Data embedded
 * in .text (OpenSSL keeps precomputed tables there) has no FDE.
 *
 * Layouts: LSB "Exception Frame Header" and "The .eh_frame section". Only
 * the table encoding every x86-64 linker writes (datarel|sdata4) is read;
 * another gives no ranges and the rewriter falls back to the symbols.
 */
#include "shim/cpuid_priv.h"

#define DW_EH_PE_omit 0xff
#define DW_EH_PE_udata4 0x03
#define DW_EH_PE_datarel_sdata4 0x3b

/* Whether [addr, addr + len) lies in a segment the object has loaded. */
static bool mapped(const struct cpuid_obj *o, uintptr_t addr, size_t len)
{
	for (size_t i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *p = &o->phdr[i];
		uintptr_t lo = o->bias + p->p_vaddr;

		if (p->p_type == PT_LOAD && addr >= lo &&
		    addr - lo <= p->p_filesz &&
		    len <= p->p_filesz - (addr - lo))
			return true;
	}
	return false;
}

/* Size of a value in pointer encoding enc, or 0 if unknown. */
static size_t enc_size(uint8_t enc)
{
	if ((enc & 0x70) == 0x50)
		return 0; /* aligned: not used by x86-64 toolchains */
	switch (enc & 0x0f) {
	case 0x00: /* absptr */
	case 0x04: /* udata8 */
	case 0x0c: /* sdata8 */
		return 8;
	case 0x02: /* udata2 */
	case 0x0a: /* sdata2 */
		return 2;
	case 0x03: /* udata4 */
	case 0x0b: /* sdata4 */
		return 4;
	default:
		return 0;
	}
}

static const uint8_t *skip_leb(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (*p & 0x80))
		p++;
	return p < end ? p + 1 : NULL;
}

static const uint8_t *read_uleb(const uint8_t *p, const uint8_t *end,
				uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	for (; p < end && shift < 64; p++, shift += 7) {
		*v |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p & 0x80))
			return p + 1;
	}
	return NULL;
}

/* Walk the 'z' augmentation data of a CIE for its 'R' (FDE) encoding. */
static int aug_fde_encoding(const char *aug, const uint8_t *p,
			    const uint8_t *end)
{
	int enc = 0; /* absptr unless 'R' says otherwise */

	for (aug++; *aug; aug++) {
		if (p >= end)
			return -1;
		if (*aug == 'R') {
			enc = *p++;
		} else if (*aug == 'P') {
			size_t n = enc_size(*p);

			if (!n)
				return -1;
			p += 1 + n;
		} else if (*aug == 'L') {
			p++;
		} else if (*aug != 'S' && *aug != 'B') {
			return -1;
		}
	}
	return enc;
}

/* The FDE pointer encoding of the CIE at cie, or -1. */
static int cie_fde_encoding(const struct cpuid_obj *o, const uint8_t *cie)
{
	const uint8_t *p, *end;
	const char *aug;
	uint32_t len;
	uint64_t skip;

	if (!mapped(o, (uintptr_t)cie, 8))
		return -1;
	memcpy(&len, cie, 4);
	if (len == 0 || len == 0xffffffff ||
	    !mapped(o, (uintptr_t)cie, 4 + len))
		return -1;
	end = cie + 4 + len;
	aug = (const char *)cie + 9; /* after length, CIE id, version */
	if (cie[8] != 1 && cie[8] != 3)
		return -1;
	if (aug[0] != 'z')
		return aug[0] ? -1 : 0;
	p = (const uint8_t *)memchr(aug, 0, (size_t)(end - (uint8_t *)aug));
	if (!p)
		return -1;
	p = skip_leb(skip_leb(p + 1, end), end); /* code, data alignment */
	if (p && cie[8] == 1)
		p++; /* return address register */
	else if (p)
		p = skip_leb(p, end);
	p = p ? read_uleb(p, end, &skip) : NULL; /* augmentation length */
	return p ? aug_fde_encoding(aug, p, end) : -1;
}

/* Length of the function the FDE at fde describes, or 0. */
static uint64_t fde_range(const struct cpuid_obj *o, const uint8_t *fde,
			  const uint8_t **last_cie, int *last_enc)
{
	uint32_t len, cie_off;
	const uint8_t *cie;
	uint64_t range = 0;
	size_t n;

	if (!mapped(o, (uintptr_t)fde, 8))
		return 0;
	memcpy(&len, fde, 4);
	memcpy(&cie_off, fde + 4, 4);
	if (len == 0xffffffff || cie_off == 0)
		return 0; /* 64-bit DWARF or a CIE: not from a linker table */
	cie = fde + 4 - cie_off;
	if (cie != *last_cie) { /* FDEs share a few CIEs: remember one */
		*last_enc = cie_fde_encoding(o, cie);
		*last_cie = cie;
	}
	n = *last_enc < 0 ? 0 : enc_size((uint8_t)*last_enc);
	if (!n || 4 + len < 8 + 2 * n || !mapped(o, (uintptr_t)fde, 4 + len))
		return 0;
	memcpy(&range, fde + 8 + n, n); /* little endian */
	return range;
}

static int table_functions(const struct cpuid_obj *o, const uint8_t *hdr,
			   uint32_t count, struct grow *sync,
			   struct grow *funcs)
{
	const uint8_t *last_cie = NULL;
	int last_enc = -1;

	for (uint32_t k = 0; k < count; k++) {
		int32_t ent[2];
		struct cpuid_range r;
		uint64_t len;

		memcpy(ent, hdr + 12 + 8 * (size_t)k, sizeof(ent));
		r.lo = (uintptr_t)hdr + ent[0];
		len = fde_range(o, hdr + ent[1], &last_cie, &last_enc);
		r.hi = r.lo + len;
		if (grow_push(sync, &r.lo) || (len && grow_push(funcs, &r)))
			return -1;
	}
	return 0;
}

int cpuid_unwind_functions(const struct cpuid_obj *o, struct grow *sync,
			   struct grow *funcs)
{
	for (size_t i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *p = &o->phdr[i];
		const uint8_t *hdr = (const uint8_t *)(o->bias + p->p_vaddr);
		uint32_t count;

		if (p->p_type != PT_GNU_EH_FRAME || p->p_memsz < 12)
			continue;
		/* version 1, eh_frame_ptr sdata4, count udata4, table */
		if (hdr[0] != 1 || (hdr[1] & 0x0f) != 0x0b ||
		    hdr[2] != DW_EH_PE_udata4 ||
		    hdr[3] != DW_EH_PE_datarel_sdata4)
			return 0;
		memcpy(&count, hdr + 8, sizeof(count));
		if (count > (p->p_memsz - 12) / 8)
			return 0;
		return table_functions(o, hdr, count, sync, funcs);
	}
	return 0;
}
