/* Fault injection and dropped TLB maintenance, for scenarios
 * (emu/scenario.h).
 *
 * An injected fault reaches the guest the way DESIGN.md says host-side
 * injection must: the descriptor that maps the target is made invalid, so
 * that QEMU's walker and the model both fault on the next access there;
 * emu_exception_enter then asks emu_inject_take for the fault to report,
 * and the descriptor gets its value back before the guest's handler runs. */
#include "emu/internal.h"
#include "emu/scenario.h"

void emu_skip_tlbi(emu_t *e, unsigned count)
{
	e->inject.skip_tlbi = count;
}

unsigned emu_tlbi_skipped(const emu_t *e)
{
	return e->inject.tlbi_skipped;
}

bool emu_inject_drop_tlbi(emu_t *e)
{
	if (!e->inject.skip_tlbi)
		return false;
	e->inject.skip_tlbi--;
	e->inject.tlbi_skipped++;
	return true;
}

bool emu_inject(emu_t *e, const emu_injection *inj, char *err, size_t errlen)
{
	emu_inject_state *s = &e->inject;
	if (!e->model) {
		snprintf(err, errlen, "fault injection needs the model on");
		return false;
	}
	if (s->armed) {
		snprintf(err, errlen, "an injection at 0x%08x is still waiting for its access",
			 s->want.va);
		return false;
	}
	if (inj->type <= MMU_FAULT_NONE || inj->type >= MMU_FAULT_TYPE_COUNT) {
		snprintf(err, errlen, "no such fault type to inject");
		return false;
	}
	const mmu_regime *r = model_regime(e->model);
	if (!(r->sctlr & MMU_SCTLR_M)) {
		snprintf(err, errlen, "the MMU is off: no descriptor to make fault");
		return false;
	}
	mmu_entry m;
	mmu_fault f = mmu_walk(r, inj->va, &e->mem, NULL, &m, NULL);
	if (f.type != MMU_FAULT_NONE) {
		snprintf(err, errlen, "VA 0x%08x does not translate (%s): it faults already",
			 inj->va, mmu_fault_name(f.type));
		return false;
	}
	unsigned level = inj->level ? inj->level : m.levels;
	if (level > m.levels) {
		snprintf(err, errlen, "VA 0x%08x is mapped by a %s: it has no level-%u descriptor",
			 inj->va, mmu_desc_kind_name(m.kind), level);
		return false;
	}
	*s = (emu_inject_state){
		.armed = true, .want = *inj, .domain = m.domain,
		.desc_pa = level == 1 ? m.l1_addr : m.l2_addr,
		.desc_value = level == 1 ? m.l1_desc : m.l2_desc,
		.region_size = level == 1 ? 1u << 20 : 1u << 12,
		.delivered = s->delivered, .skip_tlbi = s->skip_tlbi, .tlbi_skipped = s->tlbi_skipped,
	};
	s->want.level = level;
	s->want.count = inj->count ? inj->count : 1;
	s->region = inj->va & ~(s->region_size - 1);
	emu_phys_write32(e, s->desc_pa, 0);
	/* No TLB may keep using the descriptor: the L1 word of a page table
	 * feeds every page of its MB, a leaf only the pages it maps. */
	emu_tlb_maintain(e, level == 1 ? TLB_OP_TLBIALL : TLB_OP_TLBIMVAA, inj->va & ~0xFFFu);
	return true;
}

bool emu_inject_take(emu_t *e, const emu_fault *fault, emu_fault *out)
{
	emu_inject_state *s = &e->inject;
	if (!s->armed || fault->va - s->region >= s->region_size)
		return false;
	uint32_t now;
	if (!emu_phys_read32(e, s->desc_pa, &now) || now != 0) {
		s->armed = false; /* the guest rewrote the descriptor: not ours any more */
		return false;
	}
	mmu_fault f = { .type = s->want.type, .domain = s->domain,
			.level = s->want.type == MMU_FAULT_ALIGNMENT ? 0 : s->want.level };
	*out = *fault;
	out->fault = f;
	out->fsr = mmu_fsr(&f, fault->kind);
	s->delivered++;
	if (--s->want.count == 0) {
		emu_phys_write32(e, s->desc_pa, s->desc_value);
		s->armed = false;
	}
	return true;
}

unsigned emu_injected(const emu_t *e)
{
	return e->inject.delivered;
}
