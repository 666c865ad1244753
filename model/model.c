/* The model behind model/model.h: a shadow of the CP15 registers that
 * matter, kept in program order from the CP15 writes the machine decodes,
 * and the TLB hierarchy (tlb/) that every access goes through. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model/internal.h"

uint8_t *model_ram_map(uint32_t size)
{
	void *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return NULL;
	madvise(ram, size, MADV_HUGEPAGE);
	return ram;
}

void model_ram_unmap(uint8_t *ram, uint32_t size)
{
	if (ram)
		munmap(ram, size);
}

/* The per-MB heatmap and the event sink are fed from the TLB's observer. */
static void observe_walk(void *ctx, uint32_t va, const mmu_fault *fault, const mmu_entry *entry,
			 const mmu_trace *trace)
{
	model_t *m = ctx;
	m->heat.walks[va >> 20]++;
	if (m->events.on_walk)
		m->events.on_walk(m->events.ctx, va, fault, entry, trace);
}

static void observe_fault(void *ctx, uint32_t va, mmu_kind kind, const mmu_fault *fault,
			  uint32_t fsr)
{
	(void)kind, (void)fault, (void)fsr;
	model_t *m = ctx;
	m->heat.faults[va >> 20]++;
}

static void observe_miss(void *ctx, tlb_level_id level, uint32_t va)
{
	(void)level;
	model_t *m = ctx;
	m->heat.misses[va >> 20]++;
}

static void observe_hazard(void *ctx, const tlb_hazard *h)
{
	model_t *m = ctx;
	m->heat.hazards[h->va >> 20]++;
	if (m->events.on_hazard)
		m->events.on_hazard(m->events.ctx, h);
}

model_t *model_new(const char *preset, const mmu_regime *reset, const mmu_ram *ram, char *err,
		   size_t errlen)
{
	tlb_config cfg;
	if (tlb_preset_load(preset, &cfg, err, errlen) != 0)
		return NULL;
	model_t *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->regime = *reset;
	m->ram = *ram;
	m->mem = (mmu_mem){ .ram = &m->ram, .nram = 1 };
	m->tlb = tlb_new(&cfg);
	if (!m->tlb) {
		snprintf(err, errlen, "cannot create the TLB model for preset %s", preset);
		free(m);
		return NULL;
	}
	tlb_observer obs = { .ctx = m, .on_walk = observe_walk, .on_miss = observe_miss,
			     .on_hazard = observe_hazard, .on_fault = observe_fault };
	tlb_set_observer(m->tlb, &obs);
	return m;
}

void model_free(model_t *m)
{
	if (!m)
		return;
	model_roi_free(m->roi);
	tlb_free(m->tlb);
	free(m);
}

void model_set_events(model_t *m, const model_events *events)
{
	m->events = events ? *events : (model_events){ 0 };
}

void model_cp15(model_t *m, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		uint32_t value)
{
	if (m->trace)
		model_trace_cp15(m->trace, crn, opc1, crm, opc2, value);
	if (m->events.on_cp15)
		m->events.on_cp15(m->events.ctx, crn, opc1, crm, opc2, value);
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

void model_set_trace(model_t *m, model_trace *t)
{
	m->trace = t;
}

void model_ram_written(model_t *m, uint32_t pa, const void *data, size_t len)
{
	if (m->trace)
		model_trace_write(m->trace, pa, data, len);
}

const mmu_regime *model_regime(const model_t *m)
{
	return &m->regime;
}

const tlb_t *model_tlb(const model_t *m)
{
	return m->tlb;
}

const model_heat *model_heatmap(const model_t *m)
{
	return &m->heat;
}

void model_marker(model_t *m, const char *name)
{
	if (m->trace)
		model_trace_marker(m->trace, name);
	if (m->roi)
		model_roi_marker(m->roi, m->tlb, name);
}

void model_set_roi(model_t *m, model_roi *roi)
{
	model_roi_free(m->roi);
	m->roi = roi;
}

const model_roi *model_get_roi(const model_t *m)
{
	return m->roi;
}
