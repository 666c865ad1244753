/* guestmm: the guest kernel's memory manager, written the Linux 3.x/4.x
 * ARMv7 (2-level) way.  Guest-only: the host never includes this.
 *
 * Boot order (fw_main): gmm_setup_arch() = early params, memblock,
 * paging_init (page tables, vectors, devices), bootmem_init (zones,
 * mem_map); then gmm_mm_init() = free_all_bootmem, CMA activation,
 * watermarks, kmalloc caches, vmalloc; it prints the layout and meminfo. */
#ifndef MMUSCOPE_GUESTMM_GMM_H
#define MMUSCOPE_GUESTMM_GMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pgtable.h"
#include "fw.h"

#define __init __attribute__((section(".init.text")))
#define __initdata __attribute__((section(".init.data")))

/* ---- lists (include/linux/list.h) ---- */
struct list_head {
	struct list_head *next, *prev;
};
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l->prev = l; }
static inline void list_add(struct list_head *n, struct list_head *head)
{
	n->next = head->next;
	n->prev = head;
	head->next->prev = n;
	head->next = n;
}
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	list_add(n, head->prev);
}
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = e;
}
static inline bool list_empty(const struct list_head *head) { return head->next == head; }
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)

/* ---- memblock (mm/memblock.c) ---- */
#define INIT_MEMBLOCK_REGIONS 32
struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};
struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	struct memblock_region *regions;
	const char *name;
};
struct memblock {
	phys_addr_t current_limit;
	struct memblock_type memory;
	struct memblock_type reserved;
};
extern struct memblock memblock;

int memblock_add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size);
int memblock_remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size);
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
int memblock_free(phys_addr_t base, phys_addr_t size);
/* Walks memory minus reserved; *idx starts at 0; false when done. */
bool memblock_next_free_range(uint64_t *idx, phys_addr_t *start, phys_addr_t *end);
phys_addr_t memblock_find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				   phys_addr_t align);
phys_addr_t memblock_alloc_base(phys_addr_t size, phys_addr_t align, phys_addr_t max_addr);
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);
void memblock_set_current_limit(phys_addr_t limit);
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
bool memblock_is_memory(phys_addr_t base, phys_addr_t size);
void memblock_dump_all(void);

/* ---- struct page, zones, buddy allocator (mm/page_alloc.c) ---- */
#define MAX_ORDER 11
#define pageblock_order (MAX_ORDER - 1)
#define pageblock_nr_pages (1ul << pageblock_order)

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_MOVABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_RESERVE = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_TYPES
};
extern const char *const migratetype_names[MIGRATE_TYPES];

enum zone_type { ZONE_NORMAL, MAX_NR_ZONES };
enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

/* page->flags: PG_* bits low, the zone index in the top bits. */
/* PG_lru: on an LRU list (vmscan.c); PG_active: the active one;
 * PG_lazyfree: MADV_FREE'd, discarded by reclaim while clean (Linux
 * clears PG_swapbacked instead). */
enum pageflags { PG_reserved, PG_slab, PG_head, PG_lru, PG_active, PG_lazyfree };
#define ZONES_PGSHIFT 30
#define ZONES_MASK 3ul
#define PAGE_BUDDY_MAPCOUNT_VALUE (-128)

struct kmem_cache;
struct page {
	unsigned long flags;
	int _refcount;               /* users; 0 when free */
	int _mapcount;               /* -1 unmapped; PAGE_BUDDY_MAPCOUNT_VALUE when free in buddy */
	union {
		unsigned long private;   /* buddy: order of a free block; PG_head: its order */
		struct kmem_cache *slab_cache; /* PG_slab: the owning cache */
	};
	void *freelist;              /* PG_slab: first free object */
	unsigned int inuse;          /* PG_slab: objects handed out */
	struct list_head lru;        /* buddy free list, the cache's partial list, or an LRU list */
	unsigned long index;         /* PG_lru: the user address it is mapped at */
};

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;       /* blocks of this order, all types */
};

struct pglist_data;
struct zone {
	unsigned long watermark[NR_WMARK];
	struct free_area free_area[MAX_ORDER];
	unsigned char *pageblock_flags; /* migratetype per pageblock */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long nr_free_pages;    /* NR_FREE_PAGES */
	unsigned long nr_free_cma_pages; /* NR_FREE_CMA_PAGES */
	const char *name;
	struct pglist_data *zone_pgdat;
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	int nr_zones;
	struct page *node_mem_map;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
} pg_data_t;
extern pg_data_t contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)

extern struct page *mem_map;
extern unsigned long min_low_pfn, max_low_pfn;
extern unsigned long totalram_pages, totalcma_pages;
extern int min_free_kbytes;

#define pfn_to_page(pfn) (mem_map + ((pfn) - PHYS_PFN_OFFSET))
#define page_to_pfn(page) ((unsigned long)((page) - mem_map) + PHYS_PFN_OFFSET)
#define virt_to_page(kaddr) pfn_to_page(__pa(kaddr) >> PAGE_SHIFT)
#define page_to_phys(page) __pfn_to_phys(page_to_pfn(page))
static inline void *page_address(const struct page *page)
{
	return __va(__pfn_to_phys((unsigned long)(page - mem_map) + PHYS_PFN_OFFSET));
}
static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(0)->node_zones[(page->flags >> ZONES_PGSHIFT) & ZONES_MASK];
}
static inline bool PageReserved(const struct page *p) { return p->flags & (1ul << PG_reserved); }
static inline bool PageSlab(const struct page *p) { return p->flags & (1ul << PG_slab); }
static inline bool PageHead(const struct page *p) { return p->flags & (1ul << PG_head); }
static inline bool PageBuddy(const struct page *p) { return p->_mapcount == PAGE_BUDDY_MAPCOUNT_VALUE; }
static inline int page_count(const struct page *p) { return p->_refcount; }
static inline void get_page(struct page *p) { p->_refcount++; }

/* gfp flags: the zone is always Normal; these pick the migrate type,
 * zeroing, and access to the emergency reserve. */
typedef unsigned int gfp_t;
#define __GFP_HIGH 0x20u
#define __GFP_ZERO 0x8000u
#define __GFP_RECLAIMABLE 0x80000u
#define __GFP_MOVABLE 0x08u
#define GFP_KERNEL 0u
#define GFP_ATOMIC __GFP_HIGH
#define GFP_HIGHUSER_MOVABLE __GFP_MOVABLE

struct page *alloc_pages(gfp_t gfp_mask, unsigned int order);
/* A block from alloc_pages becomes 2^order pages with a reference each. */
void split_page(struct page *page, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages(page, 0)
unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
#define __get_free_page(gfp) __get_free_pages(gfp, 0)
#define get_zeroed_page(gfp) __get_free_pages((gfp) | __GFP_ZERO, 0)
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages(addr, 0)
unsigned int get_order(unsigned long size);
int get_pageblock_migratetype(const struct page *page);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, gfp_t gfp_mask);
unsigned long nr_free_pages(void);
/* Pages that failed free_pages_check (bad refcount, mapcount or flags). */
extern unsigned long nr_bad_pages;

/* ---- kmalloc (mm/slub.c, simplified) ---- */
#define KMALLOC_MIN_SIZE 32
#define KMALLOC_MAX_CACHE_SIZE 2048
struct kmem_cache {
	const char *name;
	unsigned int size;         /* object size */
	unsigned int objects;      /* objects per slab */
	struct list_head partial;  /* slabs with free objects */
	unsigned long nr_slabs;
	unsigned long active_objs;
};
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *obj);
struct kmem_cache *kmalloc_slab(size_t size);
void *kmalloc(size_t size, gfp_t gfp);
static inline void *kzalloc(size_t size, gfp_t gfp) { return kmalloc(size, gfp | __GFP_ZERO); }
void kfree(const void *obj);
unsigned long slab_pages(void);

/* ---- page tables, paging_init (arch/arm/mm/mmu.c) ---- */
struct vm_area_struct;
struct mm_struct {
	pgd_t *pgd;
	struct vm_area_struct *mmap;   /* VMAs sorted by address (user mms) */
	unsigned int context_id;       /* ASID generation << 8 | ASID; 0: none yet */
	unsigned long start_brk, brk;
	/* ulayout=sections: the PTE page of each user slot, which a section
	 * L1 word hides (Linux deposits a huge pmd's page table the same way). */
	pte_t **pgtable_deposit;
};
extern struct mm_struct init_mm;
extern pgd_t *const swapper_pg_dir;
#define pgd_offset_k(addr) pgd_offset(init_mm.pgd, addr)
#define pmd_off_k(addr) pmd_offset(pgd_offset_k(addr))

enum mem_type_idx {
	MT_DEVICE,
	MT_HIGH_VECTORS,
	MT_MEMORY_RWX,
	MT_MEMORY_RW,
	MT_MEMORY_DMA_READY,
	MT_NR
};
struct map_desc {
	unsigned long virtual;
	unsigned long pfn;
	unsigned long length;
	enum mem_type_idx type;
};
/* How map_lowmem maps lowmem (boot option layout=): 1 MB sections where
 * aligned, small pages only, 16 MB supersections where aligned, or 64 KB
 * large pages where aligned. */
enum lowmem_layout { LAYOUT_SECTIONS, LAYOUT_PAGES, LAYOUT_SUPERSECTIONS, LAYOUT_LARGE };
extern enum lowmem_layout lowmem_layout;
extern phys_addr_t arm_lowmem_limit;
extern phys_addr_t cma_base, cma_size;

void create_mapping(const struct map_desc *md, enum lowmem_layout layout);
pgd_t *pgd_alloc(void);
void pgd_free(pgd_t *pgd);
void cpu_switch_mm(pgd_t *pgd);
pgd_t *cpu_get_pgd(void);
/* A user page's or a whole mm's translations out of the TLB (its ASID). */
void flush_tlb_page(struct mm_struct *mm, unsigned long addr);
void flush_tlb_mm(struct mm_struct *mm);
/* Kernel fixmap slots (kmap_atomic style), FIXADDR_START + idx pages. */
#define FIX_KMAP_NR ((FIXADDR_TOP - FIXADDR_START) >> PAGE_SHIFT)
#define __fix_to_virt(idx) (FIXADDR_START + ((unsigned long)(idx) << PAGE_SHIFT))
void __set_fixmap(unsigned int idx, phys_addr_t phys, pgprot_t prot);
/* The Linux PTE mapping a kernel address, or 0 when it has none. */
pte_t *lookup_kernel_pte(unsigned long addr);

/* ---- vmalloc, ioremap (mm/vmalloc.c, arch/arm/mm/ioremap.c) ---- */
#define VM_IOREMAP 0x1ul
#define VM_ALLOC 0x2ul
#define VM_ARM_STATIC_MAPPING 0x40000000ul
struct vm_struct {
	struct vm_struct *next;
	void *addr;
	unsigned long size;          /* includes the guard page, if any */
	unsigned long flags;
	struct page **pages;
	unsigned int nr_pages;
	phys_addr_t phys_addr;
};
extern struct vm_struct *vmlist;
void vm_area_add_early(struct vm_struct *vm);
struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);
void *vmalloc(unsigned long size);
void vfree(const void *addr);
void *ioremap(phys_addr_t phys, unsigned long size);
void iounmap(void *addr);
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_used_bytes(void);

/* ---- faults (arch/arm/mm/fault.c): 0 = handled, the access retries ---- */
int do_DataAbort(unsigned long addr, unsigned int fsr, struct fw_regs *regs);
int do_PrefetchAbort(unsigned long addr, unsigned int ifsr, struct fw_regs *regs);

/* ---- processes (kernel/fork.c, exit.c, sched; mm/memory.c, mmap.c, mprotect.c,
 * madvise.c, page_idle.c) ---- */
#define VM_READ 0x1ul
#define VM_WRITE 0x2ul
#define VM_EXEC 0x4ul
#define VM_GROWSDOWN 0x100ul
#define VM_HUGEPAGE 0x20000000ul        /* mapped in user_layout's blocks where it can */
struct vm_area_struct {
	unsigned long vm_start, vm_end; /* [start, end), page aligned */
	unsigned long vm_flags;
	struct vm_area_struct *vm_next;
};

struct task_struct {
	int pid;
	enum task_state state;
	struct mm_struct *mm;
	struct task_struct *parent;
	int exit_code;
	struct fw_regs ctx;                 /* user context while not running */
};
extern struct task_struct *current;
/* Every task slot; a task holds an mm from fork until it exits. */
extern struct task_struct tasks[NR_TASKS];

/* The counters (abi.h's MM_STATS) of the memory manager. */
extern struct mm_stats gmm_stats;

extern struct page *empty_zero_page;   /* mmu.c: paging_init's ZERO_PAGE */
static inline bool is_zero_pfn(unsigned long pfn) { return pfn == page_to_pfn(empty_zero_page); }

/* memory.c */
struct mm_struct *mm_alloc(void);
void mmput(struct mm_struct *mm);                        /* exit_mmap + free */
struct mm_struct *dup_mm(struct mm_struct *oldmm);       /* fork: COW copy */
int populate_page(struct mm_struct *mm, unsigned long addr, const void *data, size_t len);
/* 0: fixed, the access retries; else why not (the caller signals or fixes up). */
#define VM_FAULT_OOM 0x1
#define VM_FAULT_SIGSEGV 0x2
#define VM_FAULT_FALLBACK 0x4 /* do_block_fault: not a block, map small pages */
int handle_user_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec);
pte_t *pte_lookup(struct mm_struct *mm, unsigned long addr, bool alloc);
void pmd_populate_mb(struct mm_struct *mm, unsigned long addr);
void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end);

/* mmap.c */
pgprot_t vm_get_page_prot(unsigned long vm_flags);
/* calc_vm_prot_bits: the VMA flags of PROT_* bits */
static inline unsigned long prot_to_vm(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE | VM_READ : 0) |
	       (prot & PROT_EXEC ? VM_EXEC | VM_READ : 0);
}
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
int insert_vm_area(struct mm_struct *mm, unsigned long start, unsigned long end,
		   unsigned long flags);
int split_vma(struct mm_struct *mm, unsigned long addr);
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      long fd);
long sys_munmap(unsigned long addr, unsigned long len);
long sys_brk(unsigned long brk);
/* mprotect.c, madvise.c */
long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot);
long sys_madvise(unsigned long addr, unsigned long len, int advice);
/* page_idle.c: the opt-in aging scan */
void age_user_pages(void);

/* vmscan.c: LRU lists, reclaim, swap */
void lru_cache_add_anon(struct page *page, unsigned long addr);
void mark_page_lazyfree(struct page *page);
void put_user_page(struct page *page);
void wakeup_kswapd(void);
unsigned long try_to_free_pages(void);
int swapon(unsigned long pages);
void swapoff(void);
bool is_swap_pte(pte_t pte);
void swap_duplicate(pte_t pte);
void swap_free(pte_t pte);
bool swap_read(pte_t pte, struct page *page);
void swap_usage(unsigned long *total, unsigned long *free);

/* ulayout.c: how large anonymous mappings are mapped (init's ulayout=) */
enum user_layout { ULAYOUT_PAGES, ULAYOUT_LARGE, ULAYOUT_SECTIONS };
extern enum user_layout user_layout;
int set_user_layout(const char *cmdline);
unsigned long user_block_size(void);
bool user_block_mapped(struct mm_struct *mm, unsigned long addr);
int do_block_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		   bool write);
void split_user_block(struct mm_struct *mm, unsigned long addr);
void set_user_block(struct mm_struct *mm, unsigned long addr, pteval_t clear, pteval_t set);

/* firmware/uaccess.S: bytes not copied; a fault the kernel cannot fix
 * resumes at the accessor's fixup (__ex_table, fixup_exception). */
unsigned long __copy_from_user(void *to, const void *from, unsigned long n);
unsigned long __copy_to_user(void *to, const void *from, unsigned long n);
void clear_page(void *page);
void copy_page(void *to, const void *from);
/* fault.c: the user range check, the fixup, and the aborts taken under
 * each ASID (CONTEXTIDR), as the model counts them */
bool access_ok(unsigned long addr, unsigned long len);
bool fixup_exception(struct fw_regs *regs);
extern unsigned long asid_faults[256];

/* process.c */
int run_user_programs(const char *cmdline);  /* init's exit code */
void user_enter(struct fw_regs *regs);        /* a kernel entry from user mode */
void user_return(struct fw_regs *regs);       /* ... and the way back out */
void do_exit(int code);
void force_sig_segv(unsigned long addr, unsigned int fsr, uint32_t pc);
void force_sig_oom(void);
void gmm_syscall(struct fw_regs *regs);
void gmm_timer_tick(struct fw_regs *regs);
void switch_mm(struct mm_struct *mm);

/* ---- boot (arch/arm/kernel/setup.c, arch/arm/mm/init.c) ---- */
void gmm_setup_arch(const char *cmdline);
/* The value after "name=" in a command line, or 0; a size such as "4M". */
const char *early_param(const char *cmdline, const char *name);
unsigned long memparse(const char *p, const char **end);
void gmm_mm_init(void);
/* The steps they run, in order (setup.c calls them). */
void paging_init(void);
void bootmem_init(void);
void free_area_init_node(unsigned long start_pfn, unsigned long end_pfn);
unsigned long free_all_bootmem(void);
void init_cma_reserved_pageblock(struct page *page);
void setup_per_zone_wmarks(void);
void kmem_cache_init(void);
/* Reporting (report.c). */
void show_free_areas(void);
void show_meminfo(void);
void mem_init_print_info(void);
void show_kernel_layout(void);
extern char _text[], _etext[], __init_begin[], __init_end[], _sdata[], _edata[],
	__bss_start[], __bss_end[], _end[];

#endif
