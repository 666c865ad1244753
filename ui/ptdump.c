/* A ptdump-style list of one address space's mappings, in the manner of
 * Linux's /sys/kernel/debug/kernel_page_tables (arch/arm/mm/dump.c):
 * neighbouring pages with the same attributes and contiguous physical
 * addresses merge into one range.  A page whose Linux PTE is present but
 * whose hardware PTE is 0 (an old page: young-bit emulation) is listed as
 * kind "fault" with the PA its Linux PTE names. */
#include <stdio.h>
#include <string.h>

#include "emu/scenario.h"
#include "firmware/abi.h"
#include "ui/ui.h"

/* What makes two neighbouring mappings one range. */
typedef struct range {
	bool open;
	uint32_t va, end;       /* end: one past the last byte (0 at 4 GB) */
	uint64_t pa;
	mmu_desc_kind kind;
	uint8_t ap, domain;
	bool xn, ng, has_linux;
	uint32_t linux_flags;   /* the Linux PTE's bits other than the PFN */
} range;

/* AP[2:0] with SCTLR.AFE = 0 (ARM ARM B3.7.1): kernel/user access. */
static const char *access_name(uint8_t ap)
{
	static const char *const names[8] = { "--/--", "RW/--", "RW/RO", "RW/RW", "resvd", "RO/--",
		"RO/RO", "RO/RO" };
	return names[ap & 7];
}

static void size_name(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (1u << 20) && !(bytes & 0xFFFFF))
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)(bytes >> 10));
}

static void put(const range *r, FILE *out, size_t *lines)
{
	if (!r->open)
		return;
	char size[24];
	size_name((uint64_t)(r->end ? r->end : 0x100000000ull) - r->va, size, sizeof size);
	fprintf(out, "0x%08x-0x%08x -> 0x%09llx %6s %-12s ", r->va, r->end - 1, (unsigned long long)r->pa, size,
		mmu_desc_kind_name(r->kind));
	if (r->kind == MMU_DESC_FAULT)
		fprintf(out, "%-22s", "(hardware PTE 0)");
	else
		fprintf(out, "%s %s %-2s dom %-2u", access_name(r->ap), r->xn ? "NX" : "x ", r->ng ? "nG" : "G",
			r->domain);
	if (r->has_linux) {
		uint32_t l = r->linux_flags;
		fprintf(out, " linux:%s%s%s%s%s%s", l & L_PTE_VALID ? " present" : " none",
			l & L_PTE_YOUNG ? " young" : " old", l & L_PTE_DIRTY ? " dirty" : " clean",
			l & L_PTE_RDONLY ? " rdonly" : "", l & L_PTE_USER ? " user" : "", l & L_PTE_XN ? " xn" : "");
	}
	fputc('\n', out);
	(*lines)++;
}

size_t ui_ptdump(emu_t *e, const mmu_regime *r, FILE *out)
{
	size_t lines = 0;
	range cur = { 0 };
	if (!(r->sctlr & MMU_SCTLR_M))
		return 0;
	fprintf(out, "---[ ASID %u, TTBR0 0x%08x, TTBR1 0x%08x, TTBCR 0x%x ]---\n", r->contextidr & 0xFF,
		r->ttbr0, r->ttbr1, r->ttbcr);
	uint64_t va = 0;
	while (va < (1ull << 32)) {
		mmu_entry m;
		mmu_trace t;
		mmu_fault f = emu_translate(e, r, (uint32_t)va, MMU_READ, false, &m, &t);
		bool walked = f.type == MMU_FAULT_NONE || f.type == MMU_FAULT_DOMAIN || f.type == MMU_FAULT_PERMISSION;
		uint32_t lx = 0;
		if (!walked) {
			/* As emu_dump_pt: a hole in a table skips 4 KB, else the MB. */
			put(&cur, out, &lines);
			cur.open = false;
			/* A page Linux has but the hardware does not (an old one). */
			const mmu_step *l2 = &t.step[1];
			if (f.level == 2 && t.nsteps == 2 && l2->ok && (l2->addr & PTE_HWTABLE_OFF) &&
			    emu_phys_read32(e, l2->addr - PTE_HWTABLE_OFF, &lx) && (lx & L_PTE_VALID)) {
				range old = { .open = true, .va = (uint32_t)va & ~0xFFFu, .end = ((uint32_t)va & ~0xFFFu) + 0x1000,
					      .pa = lx & ~0xFFFu, .kind = MMU_DESC_FAULT, .has_linux = true,
					      .linux_flags = lx & 0xFFF };
				put(&old, out, &lines);
			}
			va = f.level == 2 && f.type == MMU_FAULT_TRANSLATION ? va + 0x1000 : (va | 0xFFFFF) + 1;
			continue;
		}
		bool has_linux = m.kind == MMU_DESC_SMALL && (m.l2_addr & PTE_HWTABLE_OFF) &&
				 emu_phys_read32(e, m.l2_addr - PTE_HWTABLE_OFF, &lx);
		range next = { .open = true, .va = m.va_base, .end = m.va_base + (1u << m.size_log2),
			       .pa = m.pa_base, .kind = m.kind, .ap = m.ap, .domain = m.domain, .xn = m.xn,
			       .ng = m.ng, .has_linux = has_linux, .linux_flags = lx & 0xFFF };
		if (cur.open && cur.end == next.va && cur.pa + (cur.end - cur.va) == next.pa && cur.kind == next.kind &&
		    cur.ap == next.ap && cur.domain == next.domain && cur.xn == next.xn && cur.ng == next.ng &&
		    cur.has_linux == next.has_linux && cur.linux_flags == next.linux_flags) {
			cur.end = next.end;
		} else {
			put(&cur, out, &lines);
			cur = next;
		}
		va = (uint64_t)m.va_base + (1ull << m.size_log2);
	}
	put(&cur, out, &lines);
	return lines;
}
