/* The model behind emu/model.h: a shadow of the CP15 registers that matter,
 * kept in program order from the MCRs the machine decodes, and the TLB
 * hierarchy (tlb/) that every access goes through. */
#include <stdlib.h>
#include <string.h>

#include "emu/model.h"

/* The per-MB heatmap is fed from the TLB model's observer. */
static void heat_walk(void *ctx, uint32_t va, const mmu_fault *fault, const mmu_entry *entry,
		      const mmu_trace *trace)
{
	emu_t *e = ctx;
	e->heat.walks[va >> 20]++;
	if (e->events.on_walk)
		e->events.on_walk(e->events.ctx, va, fault, entry, trace);
}

static void heat_fault(void *ctx, uint32_t va, mmu_kind kind, const mmu_fault *fault,
		       uint32_t fsr)
{
	(void)kind, (void)fault, (void)fsr;
	emu_t *e = ctx;
	e->heat.faults[va >> 20]++;
}

static void heat_miss(void *ctx, tlb_level_id level, uint32_t va)
{
	(void)level;
	emu_t *e = ctx;
	e->heat.misses[va >> 20]++;
}

static void heat_hazard(void *ctx, const tlb_hazard *h)
{
	emu_t *e = ctx;
	e->heat.hazards[h->va >> 20]++;
	if (e->events.on_hazard)
		e->events.on_hazard(e->events.ctx, h);
}

emu_model *emu_model_new(emu_t *e, const char *preset, const mmu_regime *reset, char *err,
			 size_t errlen)
{
	tlb_config cfg;
	if (tlb_preset_load(preset, &cfg, err, errlen) != 0)
		return NULL;
	emu_model *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->e = e;
	m->regime = *reset;
	m->tlb = tlb_new(&cfg);
	if (!m->tlb) {
		snprintf(err, errlen, "cannot create the TLB model for preset %s", preset);
		free(m);
		return NULL;
	}
	tlb_observer obs = { .ctx = e, .on_walk = heat_walk, .on_miss = heat_miss,
			     .on_hazard = heat_hazard, .on_fault = heat_fault };
	tlb_set_observer(m->tlb, &obs);
	return m;
}

void emu_model_free(emu_model *m)
{
	emu_roi_free(m->roi);
	tlb_free(m->tlb);
	free(m);
}

void emu_model_cp15(emu_model *m, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		    uint32_t value)
{
	const emu_events *ev = &m->e->events;
	if (crn == 8 && emu_inject_drop_tlbi(m->e))
		return; /* a scenario's skip_tlbi: the model never hears of it */
	if (m->trace)
		emu_trace_cp15(m->trace, crn, opc1, crm, opc2, value);
	if (ev->on_cp15)
		ev->on_cp15(ev->ctx, crn, opc1, crm, opc2, value);
	if (opc1 != 0)
		return;
	uint32_t *reg = NULL;
	tlb_context_reg which = TLB_CTX_NONE;
	switch (crn << 8 | crm << 4 | opc2) {
	case 0x100: reg = &m->regime.sctlr; which = TLB_CTX_SCTLR; break;
	case 0x200: reg = &m->regime.ttbr0; which = TLB_CTX_TTBR0; break;
	case 0x201: reg = &m->regime.ttbr1; which = TLB_CTX_TTBR1; break;
	case 0x202: reg = &m->regime.ttbcr; which = TLB_CTX_TTBCR; break;
	case 0x300: reg = &m->regime.dacr; which = TLB_CTX_DACR; break;
	case 0xA20: reg = &m->regime.prrr; which = TLB_CTX_PRRR; break;
	case 0xA21: reg = &m->regime.nmrr; which = TLB_CTX_NMRR; break;
	case 0xD01: reg = &m->regime.contextidr; which = TLB_CTX_CONTEXTIDR; break;
	default:
		if (crn == 8)
			tlb_maint_mcr(m->tlb, crm, opc2, value);
		return;
	}
	*reg = value;
	tlb_context_write(m->tlb, which);
}

void emu_model_set_trace(emu_model *m, emu_trace *t)
{
	m->trace = t;
}

void emu_model_ram_written(emu_model *m, uint32_t pa, const void *data, size_t len)
{
	if (m->trace)
		emu_trace_write(m->trace, pa, data, len);
}

const mmu_regime *emu_model_regime(const emu_model *m)
{
	return &m->regime;
}

const tlb_t *emu_model_tlb(const emu_model *m)
{
	return m->tlb;
}

void emu_model_marker(emu_model *m, const char *name)
{
	if (m->trace)
		emu_trace_marker(m->trace, name);
	if (m->roi)
		emu_roi_marker(m->roi, m->tlb, name);
}

void emu_model_set_roi(emu_model *m, emu_roi *roi)
{
	emu_roi_free(m->roi);
	m->roi = roi;
}

const emu_roi *emu_model_roi(const emu_model *m)
{
	return m->roi;
}
