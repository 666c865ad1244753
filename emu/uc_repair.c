/* Two repairs of unicorn 2.0.1, both through its PLT: the library calls
 * these functions through it, so the definitions here (exported from the
 * executable: emu/meson.build) come first.  Anything they do not cover
 * (other unicorn versions, engines not registered) goes to unicorn's own.
 *
 * Self-modifying-code checks only where there is code.  QEMU remembers
 * which RAM pages hold translated code (a "code dirty" bit per page:
 * tlb_protect_code clears it, tlb_unprotect_code sets it) and sends a
 * store through its self-modifying-code check only when the bit is clear.
 * Unicorn 2.0.1 stubbed the dirty bitmap out
 * (cpu_physical_memory_get_dirty_flag is always false), so every guest
 * store to RAM builds and frees a page collection (a GTree and three
 * allocations) to find no code: a third of a fault-heavy run.  Unicorn
 * fixed it after 2.0.1 (commit d0103576, "notdirty_write: fix
 * store-related performance problems").  Each machine keeps a bitmap of
 * the 1 KB target pages (TARGET_PAGE_BITS is 10 for unicorn's ARM) that
 * ever held a translation block, set from tlb_protect_code, which QEMU
 * calls for a page's first block.  A page without that bit has no
 * PageDesc, so QEMU's page_collection_lock would collect nothing and
 * tb_invalidate_phys_page_fast would return at once: a store to it gets
 * an empty collection marker and skips both.  The bits are never cleared:
 * a page whose code was invalidated is checked the slow way, as before.
 *
 * A region table in front of memory_mapping.  Unicorn looks up the
 * memory region of every slow-path access (with a memory hook, every
 * access) by a binary search over the mapped regions, by virtual address,
 * with a one-entry cache that alternating regions defeat: 8% of a
 * model-on `random`.  The answer depends only on the region set, which the
 * machine builds in emu_create and never changes after (no unmap, no
 * protect, whose splitting would change it), so it is kept per megabyte:
 * a megabyte whose first and last bytes lie in one region lies in it
 * whole (regions are intervals).  Megabytes that hold no region or
 * several ask unicorn every time. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>

#include "emu/internal.h"

#define CODE_PAGE_BITS 10

struct uc_struct;
struct page_collection;

#define REGION_TABLE_SIZE 4096                  /* megabytes of a 32-bit space */

typedef struct repaired {
	const struct uc_struct *uc;
	uint64_t *bits;                         /* pages that held code */
	uint64_t npages;
	void **regions;                         /* per MB: its one region, or NULL */
} repaired;

/* One entry per live machine; a process runs a handful at most. */
static repaired machines[16];
static struct page_collection *const no_code = (struct page_collection *)&machines;

static bool repair_applies(void)
{
	static int applies = -1;
	if (applies < 0)
		applies = uc_version(NULL, NULL) == 0x020001ffu; /* 2.0.1 */
	return applies;
}

static repaired *machine_of(const struct uc_struct *uc)
{
	for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
		if (machines[i].uc == uc)
			return &machines[i];
	return NULL;
}

/* The last machine looked up: hooks of one machine come in long runs. */
static repaired *machine_of_cached(const struct uc_struct *uc)
{
	static repaired *last;
	return last && last->uc == uc ? last : (last = machine_of(uc));
}

void emu_uc_repair_register(uc_engine *uc, uint64_t ram_bytes)
{
	if (!repair_applies())
		return;
	repaired *m = machine_of(NULL);
	if (!m)
		return; /* everything takes unicorn's own path */
	uint64_t npages = ram_bytes >> CODE_PAGE_BITS;
	uint64_t *bits = calloc((npages + 63) / 64, sizeof *bits);
	void **regions = calloc(REGION_TABLE_SIZE, sizeof *regions);
	if (!bits || !regions) {
		free(bits);
		free(regions);
		return;
	}
	*m = (repaired){ .uc = (const struct uc_struct *)uc, .bits = bits, .npages = npages,
			 .regions = regions };
}

void emu_uc_repair_unregister(uc_engine *uc)
{
	repaired *m = uc ? machine_of((const struct uc_struct *)uc) : NULL;
	if (m) {
		free(m->bits);
		free(m->regions);
		*m = (repaired){ 0 };
	}
}

typedef uintptr_t ram_addr_t;

/* Unicorn's own definitions, looked up on first use. */
static struct {
	void (*protect)(struct uc_struct *, ram_addr_t);
	struct page_collection *(*lock)(struct uc_struct *, ram_addr_t, ram_addr_t);
	void (*unlock)(struct page_collection *);
	void (*invalidate)(struct uc_struct *, struct page_collection *, ram_addr_t, int,
			   uintptr_t);
	void *(*memory_mapping)(struct uc_struct *, uint64_t);
} real;

static void *unicorn_symbol(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);
	if (!f)
		abort(); /* unicorn calls ours only because it has its own */
	return f;
}

static void find_real(void)
{
	if (real.protect)
		return;
	*(void **)&real.lock = unicorn_symbol("page_collection_lock_arm");
	*(void **)&real.unlock = unicorn_symbol("page_collection_unlock_arm");
	*(void **)&real.invalidate = unicorn_symbol("tb_invalidate_phys_page_fast_arm");
	*(void **)&real.memory_mapping = unicorn_symbol("memory_mapping");
	*(void **)&real.protect = unicorn_symbol("tlb_protect_code_arm");
}

#define EXPORTED __attribute__((visibility("default")))
EXPORTED void tlb_protect_code_arm(struct uc_struct *uc, ram_addr_t ram_addr);
EXPORTED struct page_collection *page_collection_lock_arm(struct uc_struct *uc, ram_addr_t start,
							  ram_addr_t end);
EXPORTED void page_collection_unlock_arm(struct page_collection *set);
EXPORTED void tb_invalidate_phys_page_fast_arm(struct uc_struct *uc, struct page_collection *pages,
					       ram_addr_t start, int len, uintptr_t retaddr);
EXPORTED void *memory_mapping(struct uc_struct *uc, uint64_t address);

void tlb_protect_code_arm(struct uc_struct *uc, ram_addr_t ram_addr)
{
	find_real();
	repaired *m = machine_of(uc);
	uint64_t page = ram_addr >> CODE_PAGE_BITS;
	if (m && page < m->npages)
		m->bits[page / 64] |= 1ull << (page % 64);
	real.protect(uc, ram_addr);
}

struct page_collection *page_collection_lock_arm(struct uc_struct *uc, ram_addr_t start,
						 ram_addr_t end)
{
	find_real();
	repaired *m = machine_of_cached(uc);
	/* QEMU's range takes in the page of `end` as well. */
	uint64_t first = start >> CODE_PAGE_BITS, final = end >> CODE_PAGE_BITS;
	if (m && final < m->npages && start <= end) {
		bool code = false;
		for (uint64_t p = first; p <= final && !code; p++)
			code = m->bits[p / 64] >> (p % 64) & 1;
		if (!code)
			return no_code;
	}
	return real.lock(uc, start, end);
}

void page_collection_unlock_arm(struct page_collection *set)
{
	find_real();
	if (set != no_code)
		real.unlock(set);
}

void tb_invalidate_phys_page_fast_arm(struct uc_struct *uc, struct page_collection *pages,
				      ram_addr_t start, int len, uintptr_t retaddr)
{
	find_real();
	if (pages != no_code)
		real.invalidate(uc, pages, start, len, retaddr);
}

void *memory_mapping(struct uc_struct *uc, uint64_t address)
{
	repaired *m = machine_of_cached(uc);
	if (m && address >> 32 == 0) {
		void **slot = &m->regions[address >> 20];
		if (*slot)
			return *slot;
		find_real();
		void *region = real.memory_mapping(uc, address);
		uint64_t first = address & ~0xFFFFFull;
		if (region && real.memory_mapping(uc, first) == region &&
		    real.memory_mapping(uc, first + 0xFFFFF) == region)
			*slot = region;
		return region;
	}
	find_real();
	return real.memory_mapping(uc, address);
}
