/* A tiny guest for the TLB tests: 4 MB of RAM at 0x40000000, L1 tables where
 * TTBR0 points (0x40004000 at first; TTBCR.N = 0), level-2 tables allocated
 * from 0x40100000,
 * plus helpers that write ARMv7 short descriptors the way ARM_NOTES §2 lays
 * them out.  Data pages are never touched: only descriptors live in RAM. */
#ifndef MMUSCOPE_TESTS_TLB_GUEST_PT_H
#define MMUSCOPE_TESTS_TLB_GUEST_PT_H

#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"

#define GUEST_RAM_PA 0x40000000u
#define GUEST_RAM_SIZE (4u << 20)
#define GUEST_L1_PA 0x40004000u
#define GUEST_L2_FIRST 0x40100000u

/* Descriptor options. */
#define PT_NG 0x1u              /* not global: tagged with the ASID at fill */
#define PT_KERNEL_ONLY 0x2u     /* AP = 001 (PL1 RW, PL0 none) instead of 011 */
#define PT_XN 0x4u

typedef struct guest {
	uint8_t *ram;
	mmu_ram ram_view;
	mmu_mem mem;
	mmu_regime regime;
	uint32_t next_l2;
} guest;

static inline void guest_init(guest *g)
{
	memset(g, 0, sizeof *g);
	g->ram = calloc(1, GUEST_RAM_SIZE);
	g->ram_view = (mmu_ram){ .host = g->ram, .pa = GUEST_RAM_PA, .size = GUEST_RAM_SIZE };
	g->mem = (mmu_mem){ .ram = &g->ram_view, .nram = 1 };
	g->regime.sctlr = 0x1;          /* M */
	g->regime.ttbr0 = GUEST_L1_PA;
	g->regime.dacr = 0x55;          /* domains 0-3 client */
	g->next_l2 = GUEST_L2_FIRST;
}

static inline void guest_free(guest *g)
{
	free(g->ram);
}

static inline void guest_poke(guest *g, uint32_t pa, uint32_t value)
{
	uint8_t *p = g->ram + (pa - GUEST_RAM_PA);
	p[0] = (uint8_t)value;
	p[1] = (uint8_t)(value >> 8);
	p[2] = (uint8_t)(value >> 16);
	p[3] = (uint8_t)(value >> 24);
}

static inline uint32_t guest_peek(const guest *g, uint32_t pa)
{
	const uint8_t *p = g->ram + (pa - GUEST_RAM_PA);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint32_t guest_l1_addr(const guest *g, uint32_t va)
{
	return (g->regime.ttbr0 & 0xFFFFC000u) | (va >> 20) << 2;
}

/* AP[2:0] = 011 full access, or 001 kernel only. */
static inline uint32_t pt_section_desc(uint32_t pa, unsigned opts, unsigned domain)
{
	return (pa & 0xFFF00000u) | ((opts & PT_NG) ? 1u << 17 : 0) |
	       ((opts & PT_KERNEL_ONLY) ? 0x400u : 0xC00u) | domain << 5 |
	       ((opts & PT_XN) ? 0x10u : 0) | 0x2u;
}

static inline void guest_map_section(guest *g, uint32_t va, uint32_t pa, unsigned opts)
{
	guest_poke(g, guest_l1_addr(g, va), pt_section_desc(pa, opts, 0));
}

/* 16 identical, 16-aligned L1 words (ARM_NOTES §2 "Replication"). */
static inline void guest_map_supersection(guest *g, uint32_t va, uint32_t pa, unsigned opts)
{
	uint32_t d = (pt_section_desc(pa, opts, 0) & ~0x00F00000u) | 1u << 18;
	for (unsigned i = 0; i < 16; i++)
		guest_poke(g, guest_l1_addr(g, (va & 0xFF000000u) + (i << 20)), d);
}

/* The L2 table of va's MB, created (in domain `domain`) if the L1 word is not one. */
static inline uint32_t guest_l2_table(guest *g, uint32_t va, unsigned domain)
{
	uint32_t l1 = guest_peek(g, guest_l1_addr(g, va));
	if ((l1 & 3) == 1)
		return l1 & 0xFFFFFC00u;
	uint32_t table = g->next_l2;
	g->next_l2 += 1024;
	guest_poke(g, guest_l1_addr(g, va), table | domain << 5 | 0x1u);
	return table;
}

static inline uint32_t guest_l2_addr(guest *g, uint32_t va)
{
	return guest_l2_table(g, va, 0) | ((va >> 12) & 0xFF) << 2;
}

static inline uint32_t pt_small_desc(uint32_t pa, unsigned opts)
{
	return (pa & 0xFFFFF000u) | ((opts & PT_NG) ? 1u << 11 : 0) |
	       ((opts & PT_KERNEL_ONLY) ? 0x10u : 0x30u) | 0x2u | ((opts & PT_XN) ? 1u : 0);
}

static inline void guest_map_page(guest *g, uint32_t va, uint32_t pa, unsigned opts)
{
	guest_poke(g, guest_l2_addr(g, va), pt_small_desc(pa, opts));
}

/* 16 identical, 16-aligned L2 words. */
static inline void guest_map_large(guest *g, uint32_t va, uint32_t pa, unsigned opts)
{
	uint32_t d = (pa & 0xFFFF0000u) | ((opts & PT_NG) ? 1u << 11 : 0) |
		     ((opts & PT_KERNEL_ONLY) ? 0x10u : 0x30u) | ((opts & PT_XN) ? 1u << 15 : 0) | 0x1u;
	for (unsigned i = 0; i < 16; i++)
		guest_poke(g, guest_l2_addr(g, (va & 0xFFFF0000u) + (i << 12)), d);
}

static inline void guest_set_asid(guest *g, unsigned asid)
{
	g->regime.contextidr = asid & 0xFF;
}

#endif
