/* The short-descriptor walk (ARM ARM B3.5) and the permission check (B3.7).
 *
 * Fault priority, highest first: alignment, external abort on the L1 fetch,
 * L1 translation, external abort on the L2 fetch, L2 translation, access
 * flag, domain, permission.  QEMU checks the domain before the L2 fetch and
 * before the access flag; the model follows the architecture (DESIGN.md,
 * "Where QEMU and the architecture part ways"). */
#include <string.h>

#include "mmu/mmu.h"

static mmu_fault fault(mmu_fault_type type, unsigned level, unsigned domain)
{
	return (mmu_fault){ .type = type, .level = level, .domain = domain };
}

static const mmu_fault no_fault = { .type = MMU_FAULT_NONE };

/* The one descriptor read: bounds-checked against RAM, charged through the
 * hooks and recorded in the trace.  Returns false for an address outside
 * RAM (the caller turns that into an external abort on the walk). */
static bool ram_word(const mmu_mem *m, uint32_t pa, uint32_t *value)
{
	*value = 0;
	for (unsigned i = 0; i < m->nram; i++) {
		const mmu_ram *ram = &m->ram[i];
		if (ram->size >= 4 && pa >= ram->pa && pa - ram->pa <= ram->size - 4) {
			const uint8_t *p = ram->host + (pa - ram->pa);
			*value = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				 (uint32_t)p[3] << 24;
			return true;
		}
	}
	return false;
}

static bool read_desc(const mmu_regime *r, const mmu_mem *m, const mmu_hooks *h,
		      mmu_trace *trace, unsigned level, uint32_t pa, uint32_t *value)
{
	bool ok = ram_word(m, pa, value);
	unsigned cycles = 0;
	if (h)
		cycles = h->fetch_cost ? h->fetch_cost(h->ctx, level, pa) : h->mem_latency;
	if (trace) {
		mmu_step *s = &trace->step[trace->nsteps++];
		*s = (mmu_step){ .level = level, .addr = pa, .value = *value, .ok = ok,
				 .cycles = cycles };
		s->desc = mmu_desc_decode(level, *value, r->has_pxn);
		trace->cycles += cycles;
	}
	return ok;
}

/* Memory type, cacheability and shareability from TEX/C/B, directly
 * (TRE = 0) or through PRRR/NMRR (TRE = 1, what Linux uses). */
static void memory_attributes(const mmu_regime *r, mmu_entry *e)
{
	e->inner = e->outer = MMU_CACHE_NC;
	if (r->sctlr & MMU_SCTLR_TRE) {
		unsigned n = (e->tex & 1u) << 2 | (unsigned)e->c << 1 | e->b;
		switch ((r->prrr >> (2 * n)) & 3) {
		case 1:
			e->memtype = MMU_MEM_DEVICE;
			e->shareable = (r->prrr >> (e->s ? 17 : 16)) & 1;
			break;
		case 2:
			e->memtype = MMU_MEM_NORMAL;
			e->inner = (mmu_cache)((r->nmrr >> (2 * n)) & 3);
			e->outer = (mmu_cache)((r->nmrr >> (2 * n + 16)) & 3);
			e->shareable = (r->prrr >> (e->s ? 19 : 18)) & 1;
			break;
		default: /* 00 strongly-ordered; 11 is reserved and treated so */
			e->memtype = MMU_MEM_STRONGLY_ORDERED;
			e->shareable = true;
			break;
		}
		return;
	}
	unsigned cb = (unsigned)e->c << 1 | e->b;
	e->memtype = MMU_MEM_NORMAL;
	e->shareable = e->s;
	if (e->tex & 4) {
		e->inner = (mmu_cache)cb;
		e->outer = (mmu_cache)(e->tex & 3);
		return;
	}
	switch (e->tex << 2 | cb) {
	case 0x0: /* 000/0/0 */
		e->memtype = MMU_MEM_STRONGLY_ORDERED;
		e->shareable = true;
		break;
	case 0x1: /* 000/0/1 */
		e->memtype = MMU_MEM_DEVICE;
		e->shareable = true;
		break;
	case 0x2: /* 000/1/0 */
		e->inner = e->outer = MMU_CACHE_WT;
		break;
	case 0x3: /* 000/1/1 */
		e->inner = e->outer = MMU_CACHE_WB;
		break;
	case 0x7: /* 001/1/1 */
		e->inner = e->outer = MMU_CACHE_WBWA;
		break;
	case 0x8: /* 010/0/0 */
		e->memtype = MMU_MEM_DEVICE;
		e->shareable = false;
		break;
	default: /* 001/0/0 non-cacheable, and the reserved encodings */
		break;
	}
}

static void take_leaf(mmu_entry *e, const mmu_desc *d, uint32_t va, unsigned size_log2)
{
	uint32_t mask = (uint32_t)((1ull << size_log2) - 1);
	e->kind = d->kind;
	e->size_log2 = size_log2;
	e->va_base = va & ~mask;
	e->pa_base = d->base;
	e->ap = d->ap;
	e->tex = d->tex;
	e->c = d->c;
	e->b = d->b;
	e->s = d->s;
	e->ng = d->ng;
	e->xn = d->xn;
}

static const unsigned leaf_size_log2[MMU_DESC_KIND_COUNT] = {
	[MMU_DESC_SECTION] = 20, [MMU_DESC_SUPERSECTION] = 24,
	[MMU_DESC_LARGE] = 16,   [MMU_DESC_SMALL] = 12,
};

/* TTBCR.N = n > 0 gives TTBR0 the VAs whose top n bits are zero, with a
 * table of 16 KB >> n; TTBR1 the others, with a full 16 KB table. */
static bool uses_ttbr1(const mmu_regime *r, uint32_t va)
{
	unsigned n = r->ttbcr & MMU_TTBCR_N;
	return n && (va >> (32 - n));
}

static uint32_t l1_table(const mmu_regime *r, bool ttbr1)
{
	return ttbr1 ? r->ttbr1 & ~0x3FFFu : r->ttbr0 & ~(0x3FFFu >> (r->ttbcr & MMU_TTBCR_N));
}

/* The index is VA[31:20]: under TTBR0 its top n bits are zero, so it is
 * VA[31-n:20] there. */
uint32_t mmu_l1_addr(const mmu_regime *r, uint32_t va)
{
	return l1_table(r, uses_ttbr1(r, va)) | ((va >> 18) & 0x3FFCu);
}

mmu_fault mmu_walk(const mmu_regime *r, uint32_t va, const mmu_mem *m, const mmu_hooks *h,
		   mmu_entry *e, mmu_trace *trace)
{
	bool use_ttbr1 = uses_ttbr1(r, va);
	uint32_t l1_addr = mmu_l1_addr(r, va);

	memset(e, 0, sizeof *e);
	if (trace)
		*trace = (mmu_trace){ .va = va, .ttbr = use_ttbr1, .table = l1_table(r, use_ttbr1) };
	if (r->ttbcr & (use_ttbr1 ? MMU_TTBCR_PD1 : MMU_TTBCR_PD0))
		return fault(MMU_FAULT_TRANSLATION, 1, 0);

	uint32_t l1;
	if (!read_desc(r, m, h, trace, 1, l1_addr, &l1))
		return fault(MMU_FAULT_EXT_ABORT_WALK, 1, 0);
	e->levels = 1;
	e->l1_addr = l1_addr;
	e->l1_desc = l1;
	mmu_desc d = mmu_desc_decode(1, l1, r->has_pxn);
	if (d.kind == MMU_DESC_FAULT || d.kind == MMU_DESC_RESERVED)
		return fault(MMU_FAULT_TRANSLATION, 1, 0);
	e->domain = d.domain;
	e->ns = d.ns || r->non_secure;
	e->pxn = d.pxn;

	if (d.kind == MMU_DESC_TABLE) {
		uint32_t l2_addr = (uint32_t)d.base | ((va >> 10) & 0x3FCu);
		uint32_t l2;
		if (!read_desc(r, m, h, trace, 2, l2_addr, &l2))
			return fault(MMU_FAULT_EXT_ABORT_WALK, 2, d.domain);
		e->levels = 2;
		e->l2_addr = l2_addr;
		e->l2_desc = l2;
		d = mmu_desc_decode(2, l2, r->has_pxn);
		if (d.kind == MMU_DESC_FAULT)
			return fault(MMU_FAULT_TRANSLATION, 2, e->domain);
	}
	take_leaf(e, &d, va, leaf_size_log2[d.kind]);
	memory_attributes(r, e);
	if ((r->sctlr & MMU_SCTLR_AFE) && !(e->ap & 1))
		return fault(MMU_FAULT_ACCESS_FLAG, e->levels, e->domain);
	return no_fault;
}

int mmu_replica_mismatch(const mmu_entry *e, const mmu_mem *m)
{
	uint32_t addr, desc;
	if (e->kind == MMU_DESC_SUPERSECTION)
		addr = e->l1_addr, desc = e->l1_desc;
	else if (e->kind == MMU_DESC_LARGE)
		addr = e->l2_addr, desc = e->l2_desc;
	else
		return -1;
	uint32_t first = addr & ~0x3Fu; /* 16 words, 64-byte aligned */
	for (int i = 0; i < 16; i++) {
		uint32_t copy;
		if (ram_word(m, first + 4u * (uint32_t)i, &copy) && copy != desc)
			return i;
	}
	return -1;
}

/* AP[2:0] → {PL1 readable, PL1 writable, PL0 readable, PL0 writable}, with
 * SCTLR.AFE = 0 (AP[2:0]) and 1 (AP[2:1], AP[0] being the access flag). */
static const uint8_t ap_rights[2][8] = {
	/*            PL1r PL1w PL0r PL0w as bits 0..3 */
	[0] = { 0x0, 0x3, 0x7, 0xF, 0x0, 0x1, 0x5, 0x5 },
	[1] = { 0x3, 0x3, 0xF, 0xF, 0x1, 0x1, 0x5, 0x5 },
};

mmu_fault mmu_check(const mmu_entry *e, const mmu_regime *r, mmu_kind kind, bool user)
{
	switch ((r->dacr >> (2 * e->domain)) & 3) {
	case 0: /* no access */
	case 2: /* reserved: faults like no access */
		return fault(MMU_FAULT_DOMAIN, e->levels, e->domain);
	case 3: /* manager: no AP or XN check */
		return no_fault;
	default: /* client */
		break;
	}
	unsigned rights = ap_rights[(r->sctlr & MMU_SCTLR_AFE) != 0][e->ap & 7];
	if (user)
		rights >>= 2;
	bool allowed;
	switch (kind) {
	case MMU_WRITE:
		allowed = rights & 2;
		break;
	case MMU_FETCH:
		allowed = (rights & 1) && !e->xn && !(e->pxn && !user);
		break;
	default:
		allowed = rights & 1;
		break;
	}
	return allowed ? no_fault : fault(MMU_FAULT_PERMISSION, e->levels, e->domain);
}

mmu_fault mmu_translate(const mmu_regime *r, uint32_t va, mmu_kind kind, bool user,
			unsigned size, const mmu_mem *m, const mmu_hooks *h, mmu_entry *e,
			mmu_trace *trace)
{
	memset(e, 0, sizeof *e);
	if (trace)
		*trace = (mmu_trace){ .va = va };
	if ((r->sctlr & MMU_SCTLR_A) && size > 1 && (va & (size - 1)))
		return fault(MMU_FAULT_ALIGNMENT, 0, 0);
	if (!(r->sctlr & MMU_SCTLR_M)) {
		/* Flat: data accesses are strongly-ordered, fetches normal memory. */
		e->va_base = va & ~0xFFFu;
		e->pa_base = e->va_base;
		e->size_log2 = 12;
		e->kind = MMU_DESC_FAULT;
		e->memtype = kind == MMU_FETCH ? MMU_MEM_NORMAL : MMU_MEM_STRONGLY_ORDERED;
		return no_fault;
	}
	mmu_fault f = mmu_walk(r, va, m, h, e, trace);
	if (f.type != MMU_FAULT_NONE)
		return f;
	return mmu_check(e, r, kind, user);
}
