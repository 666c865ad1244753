/* Dumps of the guest's memory for tools outside the run: the page tables as
 * JSON lines (one object per mapping) and raw RAM for `mmuscope walk`. */
#include <errno.h>
#include <string.h>

#include "emu/internal.h"
#include "firmware/abi.h"

static bool ram_word(emu_t *e, uint32_t pa, uint32_t *v)
{
	if (pa < e->board->ram_base || pa - e->board->ram_base > e->ram_size - 4)
		return false;
	const uint8_t *p = e->ram + (pa - e->board->ram_base);
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return true;
}

/* Linux keeps each hardware PTE table 2 KB above its Linux PTE table in
 * the same page (ARM_NOTES §5); a table elsewhere is not Linux's. */
static bool linux_pte(emu_t *e, uint32_t hw_addr, uint32_t *v)
{
	return (hw_addr & PTE_HWTABLE_OFF) && ram_word(e, hw_addr - PTE_HWTABLE_OFF, v);
}

void emu_dump_pt(emu_t *e, FILE *out)
{
	mmu_regime r;
	emu_read_regime(e, &r);
	if (!(r.sctlr & MMU_SCTLR_M))
		return;
	/* Every mapping, found by the walker itself: walk a VA, report the
	 * page it lands in, move past it (or past the hole). */
	uint64_t va = 0;
	while (va < (1ull << 32)) {
		mmu_entry m;
		mmu_trace t;
		mmu_fault f = mmu_walk(&r, (uint32_t)va, &e->mem, NULL, &m, &t);
		if (f.type != MMU_FAULT_NONE && f.type != MMU_FAULT_ACCESS_FLAG) {
			/* A missing page inside a table skips 4 KB, anything else
			 * the whole MB. */
			va = f.level == 2 && f.type == MMU_FAULT_TRANSLATION ? va + 0x1000
									      : (va | 0xFFFFF) + 1;
			continue;
		}
		fprintf(out, "{\"asid\": %u, \"ttbr\": %u, \"va\": %u, \"kind\": \"%s\", \"size\": %u, "
			"\"pa\": %llu, \"hw\": %u, \"global\": %s, \"l1_addr\": %u",
			r.contextidr & 0xFF, t.ttbr, m.va_base, mmu_desc_kind_name(m.kind),
			1u << m.size_log2, (unsigned long long)m.pa_base,
			m.levels == 2 ? m.l2_desc : m.l1_desc, m.ng ? "false" : "true", m.l1_addr);
		uint32_t lx;
		if (m.levels == 2) {
			fprintf(out, ", \"l1\": %u, \"l2_addr\": %u", m.l1_desc, m.l2_addr);
			if (m.kind == MMU_DESC_SMALL && linux_pte(e, m.l2_addr, &lx))
				fprintf(out, ", \"linux\": %u", lx);
		}
		fprintf(out, "}\n");
		va = (uint64_t)m.va_base + (1ull << m.size_log2);
	}
}

bool emu_dump_ram(emu_t *e, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(e->ram, 1, e->ram_size, f) == e->ram_size;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	return ok;
}

uint32_t emu_ram_base(const emu_t *e)
{
	return e->board->ram_base;
}
