/* Descriptor decoding, the FSR and PAR encoders, and names. */
#include <stdio.h>

#include "mmu/mmu.h"

#define BIT(v, n) (((v) >> (n)) & 1u)

mmu_desc mmu_desc_decode(unsigned level, uint32_t v, bool has_pxn)
{
	mmu_desc d = { .kind = MMU_DESC_FAULT };
	if (level == 1) {
		switch (v & 3) {
		case 0:
			return d;
		case 1:
			d.kind = MMU_DESC_TABLE;
			d.base = v & 0xFFFFFC00u;
			d.domain = (v >> 5) & 0xF;
			d.ns = BIT(v, 3);
			d.pxn = has_pxn && BIT(v, 2);
			return d;
		case 3:
			if (!has_pxn) {
				d.kind = MMU_DESC_RESERVED;
				return d;
			}
			d.pxn = true; /* bits [1:0] = 1:PXN */
			break;
		default:
			break;
		}
		d.ap = (uint8_t)(BIT(v, 15) << 2 | ((v >> 10) & 3));
		d.tex = (v >> 12) & 7;
		d.c = BIT(v, 3);
		d.b = BIT(v, 2);
		d.s = BIT(v, 16);
		d.ng = BIT(v, 17);
		d.ns = BIT(v, 19);
		d.xn = BIT(v, 4);
		if (BIT(v, 18)) {
			/* Supersection: PA[39:36] sits where a section's domain is,
			 * and the domain is 0. */
			d.kind = MMU_DESC_SUPERSECTION;
			d.base = (v & 0xFF000000u) | (uint64_t)((v >> 20) & 0xF) << 32 |
				 (uint64_t)((v >> 5) & 0xF) << 36;
		} else {
			d.kind = MMU_DESC_SECTION;
			d.base = v & 0xFFF00000u;
			d.domain = (v >> 5) & 0xF;
		}
		return d;
	}
	if ((v & 3) == 0)
		return d;
	d.ap = (uint8_t)(BIT(v, 9) << 2 | ((v >> 4) & 3));
	d.c = BIT(v, 3);
	d.b = BIT(v, 2);
	d.s = BIT(v, 10);
	d.ng = BIT(v, 11);
	if ((v & 3) == 1) {
		d.kind = MMU_DESC_LARGE;
		d.base = v & 0xFFFF0000u;
		d.tex = (v >> 12) & 7;
		d.xn = BIT(v, 15);
	} else {
		d.kind = MMU_DESC_SMALL;
		d.base = v & 0xFFFFF000u;
		d.tex = (v >> 6) & 7;
		d.xn = BIT(v, 0);
	}
	return d;
}

/* FS[4:0] for each fault class, at level 1 (section) and level 2 (page). */
static const uint8_t fault_status[MMU_FAULT_TYPE_COUNT][2] = {
	[MMU_FAULT_ALIGNMENT] = { 0x01, 0x01 },
	[MMU_FAULT_TRANSLATION] = { 0x05, 0x07 },
	[MMU_FAULT_ACCESS_FLAG] = { 0x03, 0x06 },
	[MMU_FAULT_DOMAIN] = { 0x09, 0x0B },
	[MMU_FAULT_PERMISSION] = { 0x0D, 0x0F },
	[MMU_FAULT_EXT_ABORT_WALK] = { 0x0C, 0x0E },
};

uint32_t mmu_fsr(const mmu_fault *f, mmu_kind kind)
{
	if (f->type == MMU_FAULT_NONE || f->type >= MMU_FAULT_TYPE_COUNT)
		return 0;
	uint32_t fs = fault_status[f->type][f->level == 2];
	uint32_t fsr = (fs & 0xF) | (fs & 0x10) << 6;
	if (kind == MMU_FETCH)
		return fsr; /* IFSR: no domain, no WnR */
	if (f->type != MMU_FAULT_ALIGNMENT)
		fsr |= (f->domain & 0xF) << 4;
	if (kind == MMU_WRITE)
		fsr |= 1u << 11;
	return fsr;
}

uint32_t mmu_par(const mmu_fault *f, const mmu_entry *e, uint32_t va)
{
	if (f->type != MMU_FAULT_NONE) {
		uint32_t fsr = mmu_fsr(f, MMU_READ);
		uint32_t fs = (fsr & 0xF) | BIT(fsr, 10) << 4;
		return 1u | fs << 1 | BIT(fsr, 12) << 6;
	}
	uint64_t pa = mmu_entry_pa(e, va);
	uint32_t par = e->kind == MMU_DESC_SUPERSECTION ? ((uint32_t)pa & 0xFF000000u) | 2u
							: (uint32_t)pa & 0xFFFFF000u;
	return par | (uint32_t)e->ns << 9;
}

const char *mmu_desc_kind_name(mmu_desc_kind k)
{
	static const char *const names[MMU_DESC_KIND_COUNT] = {
		[MMU_DESC_FAULT] = "fault",     [MMU_DESC_TABLE] = "table",
		[MMU_DESC_SECTION] = "section", [MMU_DESC_SUPERSECTION] = "supersection",
		[MMU_DESC_RESERVED] = "reserved", [MMU_DESC_LARGE] = "large",
		[MMU_DESC_SMALL] = "small",
	};
	return k < MMU_DESC_KIND_COUNT ? names[k] : "?";
}

const char *mmu_fault_name(mmu_fault_type t)
{
	static const char *const names[MMU_FAULT_TYPE_COUNT] = {
		[MMU_FAULT_NONE] = "none",
		[MMU_FAULT_ALIGNMENT] = "alignment",
		[MMU_FAULT_TRANSLATION] = "translation",
		[MMU_FAULT_ACCESS_FLAG] = "access-flag",
		[MMU_FAULT_DOMAIN] = "domain",
		[MMU_FAULT_PERMISSION] = "permission",
		[MMU_FAULT_EXT_ABORT_WALK] = "external-abort-on-walk",
	};
	return t < MMU_FAULT_TYPE_COUNT ? names[t] : "?";
}

const char *mmu_memtype_name(mmu_memtype t)
{
	static const char *const names[] = { "strongly-ordered", "device", "normal" };
	return t <= MMU_MEM_NORMAL ? names[t] : "?";
}

const char *mmu_cache_name(mmu_cache c)
{
	static const char *const names[] = { "non-cacheable", "write-back-allocate",
					     "write-through", "write-back" };
	return c <= MMU_CACHE_WB ? names[c] : "?";
}

int mmu_desc_format(const mmu_desc *d, char *buf, size_t len)
{
	switch (d->kind) {
	case MMU_DESC_FAULT:
	case MMU_DESC_RESERVED:
		return snprintf(buf, len, "%s", mmu_desc_kind_name(d->kind));
	case MMU_DESC_TABLE:
		return snprintf(buf, len, "table l2=0x%08llx dom=%u%s%s",
				(unsigned long long)d->base, d->domain, d->ns ? " ns" : "",
				d->pxn ? " pxn" : "");
	default:
		break;
	}
	char dom[16] = "";
	if (d->kind == MMU_DESC_SECTION)
		snprintf(dom, sizeof dom, " dom=%u", d->domain);
	return snprintf(buf, len, "%s pa=0x%0*llx ap=%u%u%u tex=%u%u%u%s%s%s%s%s%s%s%s",
			mmu_desc_kind_name(d->kind), d->base >> 32 ? 10 : 8,
			(unsigned long long)d->base, BIT(d->ap, 2), BIT(d->ap, 1), BIT(d->ap, 0),
			BIT(d->tex, 2), BIT(d->tex, 1), BIT(d->tex, 0), dom, d->c ? " c" : "",
			d->b ? " b" : "", d->s ? " s" : "", d->ng ? " ng" : "",
			d->ns ? " ns" : "", d->xn ? " xn" : "", d->pxn ? " pxn" : "");
}
