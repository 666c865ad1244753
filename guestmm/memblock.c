/* memblock: the boot-time physical memory map (mm/memblock.c).  Two sorted
 * lists of non-overlapping regions, "memory" (what RAM exists) and
 * "reserved" (what is taken); allocations are carved top-down out of
 * memory minus reserved, below current_limit, and become reserved. */
#include "fw.h"
#include "gmm.h"

static struct memblock_region memory_regions[INIT_MEMBLOCK_REGIONS];
static struct memblock_region reserved_regions[INIT_MEMBLOCK_REGIONS];

struct memblock memblock = {
	.current_limit = (phys_addr_t)-1,
	.memory = { 0, INIT_MEMBLOCK_REGIONS, memory_regions, "memory" },
	.reserved = { 0, INIT_MEMBLOCK_REGIONS, reserved_regions, "reserved" },
};

static void memblock_remove_region(struct memblock_type *type, unsigned long i)
{
	for (type->cnt--; i < type->cnt; i++)
		type->regions[i] = type->regions[i + 1];
}

static int memblock_insert_region(struct memblock_type *type, unsigned long i,
				  phys_addr_t base, phys_addr_t size)
{
	if (type->cnt == type->max) {
		printk("memblock: %s array full\n", type->name);
		return -1;
	}
	for (unsigned long j = type->cnt; j > i; j--)
		type->regions[j] = type->regions[j - 1];
	type->regions[i].base = base;
	type->regions[i].size = size;
	type->cnt++;
	return 0;
}

/* Adds [base, base+size) to type: the regions it overlaps or touches are
 * merged with it into one, so the list stays sorted and disjoint. */
int memblock_add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	if (!size)
		return 0;
	phys_addr_t end = base + size;
	unsigned long i = 0;
	while (i < type->cnt && type->regions[i].base + type->regions[i].size < base)
		i++;
	while (i < type->cnt && type->regions[i].base <= end) {
		struct memblock_region *r = &type->regions[i];
		if (r->base < base)
			base = r->base;
		if (r->base + r->size > end)
			end = r->base + r->size;
		memblock_remove_region(type, i);
	}
	return memblock_insert_region(type, i, base, end - base);
}

/* Removes [base, base+size) from type, splitting a region it cuts. */
int memblock_remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size;
	for (unsigned long i = 0; i < type->cnt;) {
		struct memblock_region *r = &type->regions[i];
		phys_addr_t rend = r->base + r->size;
		if (rend <= base || r->base >= end) {
			i++;
			continue;
		}
		if (r->base < base && rend > end) {
			r->size = base - r->base;
			return memblock_insert_region(type, i + 1, end, rend - end);
		}
		if (r->base < base) {
			r->size = base - r->base;
			i++;
		} else if (rend > end) {
			r->size = rend - end;
			r->base = end;
			i++;
		} else {
			memblock_remove_region(type, i);
		}
	}
	return 0;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.memory, base, size);
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return memblock_remove_range(&memblock.memory, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.reserved, base, size);
}

int memblock_free(phys_addr_t base, phys_addr_t size)
{
	return memblock_remove_range(&memblock.reserved, base, size);
}

/* __next_mem_range: the free ranges, in address order.  idx packs the
 * memory index (low half) and the index of the reserved gap (high half). */
bool memblock_next_free_range(uint64_t *idx, phys_addr_t *start, phys_addr_t *end)
{
	struct memblock_type *mem = &memblock.memory, *rsv = &memblock.reserved;
	unsigned long a = (uint32_t)*idx, b = (uint32_t)(*idx >> 32);
	for (; a < mem->cnt; a++) {
		phys_addr_t m_start = mem->regions[a].base;
		phys_addr_t m_end = m_start + mem->regions[a].size;
		for (; b < rsv->cnt + 1; b++) {
			phys_addr_t r_start = b ? rsv->regions[b - 1].base + rsv->regions[b - 1].size : 0;
			phys_addr_t r_end = b < rsv->cnt ? rsv->regions[b].base : (phys_addr_t)-1;
			if (r_start >= m_end)
				break;
			if (m_start < r_end) {
				*start = m_start > r_start ? m_start : r_start;
				*end = m_end < r_end ? m_end : r_end;
				if (m_end <= r_end)
					a++;
				else
					b++;
				*idx = (uint64_t)a | ((uint64_t)b << 32);
				return true;
			}
		}
	}
	return false;
}

/* Top-down: the highest align-aligned free block of size inside
 * [start, end); 0 when none fits. */
phys_addr_t memblock_find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				   phys_addr_t align)
{
	phys_addr_t best = 0, fs, fe;
	uint64_t idx = 0;
	while (memblock_next_free_range(&idx, &fs, &fe)) {
		if (fs < start)
			fs = start;
		if (fe > end)
			fe = end;
		if (fe <= fs || fe - fs < size)
			continue;
		phys_addr_t cand = ALIGN_DOWN(fe - size, align);
		if (cand >= fs && cand > best)
			best = cand;
	}
	return best;
}

phys_addr_t memblock_alloc_base(phys_addr_t size, phys_addr_t align, phys_addr_t max_addr)
{
	if (max_addr > memblock.current_limit)
		max_addr = memblock.current_limit;
	phys_addr_t pa = memblock_find_in_range(PAGE_SIZE, max_addr, size, align);
	if (!pa || memblock_reserve(pa, size)) {
		printk("memblock: cannot allocate %lu bytes below %p\n", size, (void *)max_addr);
		fw_exit(3);
	}
	return pa;
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	return memblock_alloc_base(size, align, (phys_addr_t)-1);
}

void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

static phys_addr_t memblock_total(const struct memblock_type *type)
{
	phys_addr_t total = 0;
	for (unsigned long i = 0; i < type->cnt; i++)
		total += type->regions[i].size;
	return total;
}

phys_addr_t memblock_phys_mem_size(void)
{
	return memblock_total(&memblock.memory);
}

phys_addr_t memblock_reserved_size(void)
{
	return memblock_total(&memblock.reserved);
}

bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	for (unsigned long i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.regions[i];
		if (base < r->base + r->size && r->base < base + size)
			return true;
	}
	return false;
}

/* Whether [base, base+size) touches RAM (Linux's pfn_valid test). */
bool memblock_is_memory(phys_addr_t base, phys_addr_t size)
{
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];
		if (base < r->base + r->size && r->base < base + size)
			return true;
	}
	return false;
}

static void memblock_dump(const struct memblock_type *type)
{
	printk(" %s.cnt  = 0x%lx\n", type->name, type->cnt);
	for (unsigned long i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];
		printk(" %s[0x%lx]\t[0x%08lx-0x%08lx], 0x%lx bytes\n", type->name, i,
		       r->base, r->base + r->size - 1, r->size);
	}
}

/* The memblock=debug dump of Linux. */
void memblock_dump_all(void)
{
	printk("MEMBLOCK configuration:\n");
	printk(" memory size = 0x%lx reserved size = 0x%lx\n",
	       memblock_phys_mem_size(), memblock_reserved_size());
	memblock_dump(&memblock.memory);
	memblock_dump(&memblock.reserved);
}
