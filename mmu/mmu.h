/* mmu/: the ARMv7-A short-descriptor translation walker.
 *
 * Pure C: no unicorn, no SDL.  One VA is translated the way an ARMv7-A core
 * without LPAE does it (ARM ARM B3.5), every descriptor fetch is recorded in
 * a trace and charged through a hook, faults come back as data, and one
 * function (mmu_fsr) turns a fault into the architectural FSR value.
 *
 * The walk and the permission check are separate on purpose: a TLB caches
 * what mmu_walk returns and applies mmu_check at every hit, against the DACR
 * and SCTLR of that moment, as the hardware does. */
#ifndef MMUSCOPE_MMU_H
#define MMUSCOPE_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SCTLR bits the walker honours. */
#define MMU_SCTLR_M   (1u << 0)
#define MMU_SCTLR_A   (1u << 1)
#define MMU_SCTLR_TRE (1u << 28)
#define MMU_SCTLR_AFE (1u << 29)

/* TTBCR fields (short-descriptor format; EAE = 0). */
#define MMU_TTBCR_N   0x7u
#define MMU_TTBCR_PD0 (1u << 4)
#define MMU_TTBCR_PD1 (1u << 5)

/* The registers that decide a translation, as the CPU holds them. */
typedef struct mmu_regime {
	uint32_t sctlr, ttbr0, ttbr1, ttbcr, dacr, prrr, nmrr, contextidr;
	bool has_pxn; /* the core implements PXN (Cortex-A7/A15); else L1 type 3 faults */
	bool non_secure; /* SCR.NS: every access is Non-secure, whatever the NS bits say */
} mmu_regime;

typedef enum mmu_kind { MMU_READ, MMU_WRITE, MMU_FETCH } mmu_kind;

/* Physical memory the walker may read: host buffers at physical addresses.
 * A descriptor outside every range is a synchronous external abort on the
 * walk, never a host access. */
typedef struct mmu_ram {
	const uint8_t *host;
	uint32_t pa, size;
} mmu_ram;

typedef struct mmu_mem {
	const mmu_ram *ram;
	unsigned nram;
} mmu_mem;

/* Cost of one descriptor fetch.  fetch_cost, when set, decides it (a TLB
 * model charges its walk cache and counts fetches there); otherwise every
 * fetch costs mem_latency cycles. */
typedef struct mmu_hooks {
	unsigned (*fetch_cost)(void *ctx, unsigned level, uint32_t desc_pa);
	void *ctx;
	unsigned mem_latency;
} mmu_hooks;

/* Fault classes, in no priority order (the walker applies the priority). */
typedef enum mmu_fault_type {
	MMU_FAULT_NONE,
	MMU_FAULT_ALIGNMENT,
	MMU_FAULT_TRANSLATION,
	MMU_FAULT_ACCESS_FLAG,
	MMU_FAULT_DOMAIN,
	MMU_FAULT_PERMISSION,
	MMU_FAULT_EXT_ABORT_WALK,
	MMU_FAULT_TYPE_COUNT
} mmu_fault_type;

/* level: 1 for section/L1 faults, 2 for page/L2 faults (0 for alignment).
 * domain: the domain the FSR reports (0 where the architecture has none). */
typedef struct mmu_fault {
	mmu_fault_type type;
	unsigned level, domain;
} mmu_fault;

typedef enum mmu_desc_kind {
	MMU_DESC_FAULT,        /* L1 or L2 type 00 */
	MMU_DESC_TABLE,        /* L1 type 01: page table */
	MMU_DESC_SECTION,      /* L1 type 10 (or 11 with PXN), bit 18 = 0: 1 MB */
	MMU_DESC_SUPERSECTION, /* the same with bit 18 = 1: 16 MB */
	MMU_DESC_RESERVED,     /* L1 type 11 on a core without PXN: faults */
	MMU_DESC_LARGE,        /* L2 type 01: 64 KB */
	MMU_DESC_SMALL,        /* L2 type 1x: 4 KB */
	MMU_DESC_KIND_COUNT
} mmu_desc_kind;

typedef enum mmu_memtype { MMU_MEM_STRONGLY_ORDERED, MMU_MEM_DEVICE, MMU_MEM_NORMAL } mmu_memtype;

/* Cache policy of normal memory, in NMRR's encoding. */
typedef enum mmu_cache { MMU_CACHE_NC, MMU_CACHE_WBWA, MMU_CACHE_WT, MMU_CACHE_WB } mmu_cache;

/* One descriptor, decoded with no regard to the regime.  base is the output
 * address (or the L2 table address for MMU_DESC_TABLE), with the
 * supersection's extended bits [39:32]. */
typedef struct mmu_desc {
	mmu_desc_kind kind;
	uint64_t base;
	uint8_t domain, ap, tex; /* ap is AP[2:0] */
	bool c, b, s, ng, ns, xn, pxn;
} mmu_desc;

/* A successful walk: what a TLB entry holds. */
typedef struct mmu_entry {
	uint32_t va_base;   /* VA aligned to the page size */
	uint64_t pa_base;   /* PA of va_base (up to 40 bits for supersections) */
	unsigned size_log2; /* 12, 16, 20 or 24 */
	mmu_desc_kind kind;
	uint8_t domain, ap, tex;
	bool c, b, s, ng, ns, xn, pxn;
	mmu_memtype memtype; /* after TEX/C/B or the TRE remap */
	mmu_cache inner, outer;
	bool shareable;      /* after the TRE remap of S */
	unsigned levels;     /* descriptors read: 1 (section) or 2 (page) */
	uint32_t l1_addr, l1_desc, l2_addr, l2_desc;
} mmu_entry;

/* One descriptor fetch. ok is false when the address was outside RAM. */
typedef struct mmu_step {
	unsigned level;
	uint32_t addr, value;
	bool ok;
	mmu_desc desc;
	unsigned cycles;
} mmu_step;

typedef struct mmu_trace {
	uint32_t va;
	unsigned ttbr;      /* 0 or 1: the base register the VA selected */
	uint32_t table;     /* that L1 table's base address */
	unsigned nsteps;
	mmu_step step[2];
	unsigned cycles;    /* sum of the steps' cycles */
} mmu_trace;

/* The address of va's L1 descriptor (ARM ARM B3.5.4).  With TTBCR.N = n,
 * a VA whose top n bits are zero uses TTBR0: table base TTBR0[31:14-n],
 * index VA[31-n:20]; any other uses TTBR1: base TTBR1[31:14], index
 * VA[31:20].  N = 0 gives every VA to TTBR0. */
uint32_t mmu_l1_addr(const mmu_regime *r, uint32_t va);

/* Walks the tables for va.  On success fills *e and returns a NONE fault.
 * Returns external-abort, translation and access-flag faults (the ones a TLB
 * never caches); domain and permission are mmu_check's.  trace may be NULL.
 * The caller has checked that SCTLR.M is set. */
mmu_fault mmu_walk(const mmu_regime *r, uint32_t va, const mmu_mem *m, const mmu_hooks *h,
		   mmu_entry *e, mmu_trace *trace);

/* Supersections and large pages are written as 16 consecutive descriptors
 * that the architecture requires to be identical: which copy a walk reads
 * depends on VA[23:20] (VA[15:12]), so a copy that differs makes the
 * translation depend on the address inside the block and on which copy a
 * TLB was filled from.  For a walked entry of either kind, returns the
 * index (0-15) of the first copy of its group that differs from the one
 * the walk read, or -1 (also for other kinds; copies outside RAM are not
 * compared).  A peek: no cycles, no trace. */
int mmu_replica_mismatch(const mmu_entry *e, const mmu_mem *m);

/* Domain and permission check of a walked (or cached) entry under the
 * current DACR and SCTLR, for an access at PL0 (user) or PL1. */
mmu_fault mmu_check(const mmu_entry *e, const mmu_regime *r, mmu_kind kind, bool user);

/* The whole translation of one access: MMU off (flat), alignment (SCTLR.A
 * and size > 1), walk, check.  *e is valid when the walk succeeded, even if
 * the check faulted. */
mmu_fault mmu_translate(const mmu_regime *r, uint32_t va, mmu_kind kind, bool user,
			unsigned size, const mmu_mem *m, const mmu_hooks *h, mmu_entry *e,
			mmu_trace *trace);

static inline uint64_t mmu_entry_pa(const mmu_entry *e, uint32_t va)
{
	return e->pa_base + (va - e->va_base);
}

/* The short-descriptor FSR of a fault (DFSR for reads/writes, with WnR and
 * the domain; IFSR for fetches).  The only place FSR values are built. */
uint32_t mmu_fsr(const mmu_fault *f, mmu_kind kind);

/* The PAR value an ATS1C** operation leaves: the success form from the
 * entry (va is the translated address) or the fault form from f.  (An
 * external abort on the walk is not reported in the PAR: the operation
 * takes a Data Abort instead; the value returned then is the fault form
 * the FSR would carry.) */
uint32_t mmu_par(const mmu_fault *f, const mmu_entry *e, uint32_t va);

/* Linux's page tables (ARM_NOTES §5; its PTE bits are firmware/abi.h's):
 * the hardware small-page entry cpu_v7_set_pte_ext writes for a Linux
 * PTE, with ext the extra hardware bits set_pte_at passes (MMU_PTE_EXT_NG
 * for a valid, young user page below TASK_SIZE, else none). */
#define MMU_PTE_EXT_NG (1u << 11)
uint32_t mmu_linux_pte_to_hw(uint32_t linux_pte, uint32_t ext);

/* Decoding and names, shared by the walker, the CLI, the UI and tests. */
mmu_desc mmu_desc_decode(unsigned level, uint32_t desc, bool has_pxn);
const char *mmu_desc_kind_name(mmu_desc_kind k);
const char *mmu_fault_name(mmu_fault_type t);
const char *mmu_memtype_name(mmu_memtype t);
const char *mmu_cache_name(mmu_cache c);
/* "section pa=0x40000000 dom=0 ap=001 tex=001 c b xn" and so on. */
int mmu_desc_format(const mmu_desc *d, char *buf, size_t len);

#endif
