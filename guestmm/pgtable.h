/* ARMv7 2-level (non-LPAE) page tables the way Linux lays them out
 * (arch/arm/include/asm/pgtable-2level*.h): a pgd slot is two L1 words
 * covering 2 MB, and one 4 KB PTE page holds two Linux PTE tables (+0,
 * +1024) followed by the two hardware tables they shadow (+2048, +3072).
 * Guest-only; the Linux PTE bits are abi.h's, and the host has its own
 * copy of set_pte_ext's rule (mmu/linux_pte.c). */
#ifndef MMUSCOPE_GUESTMM_PGTABLE_H
#define MMUSCOPE_GUESTMM_PGTABLE_H

#include <stdint.h>
#include "abi.h"

typedef uint32_t phys_addr_t;
typedef uint32_t pteval_t;
typedef uint32_t pmdval_t;
typedef pteval_t pte_t;
typedef pmdval_t pmd_t;
typedef pmdval_t pgd_t[2];
typedef pteval_t pgprot_t;

#define SZ_1K 0x400u
#define SZ_4K 0x1000u
#define SZ_1M 0x100000u
#define SZ_2M 0x200000u
#define SZ_8M 0x800000u
#define SZ_16M 0x1000000u
#define SZ_32M 0x2000000u
#define SZ_1G 0x40000000u

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define ALIGN(x, a) (((x) + (a) - 1) & ~((a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))

#define SECTION_SHIFT 20
#define SECTION_SIZE (1ul << SECTION_SHIFT)
#define SECTION_MASK (~(SECTION_SIZE - 1))
#define PMD_SHIFT 21
#define PGDIR_SHIFT 21
#define PMD_SIZE (1ul << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))
#define PGDIR_SIZE PMD_SIZE
#define PGDIR_MASK PMD_MASK
#define PTRS_PER_PTE 512
#define PTRS_PER_PGD 2048
#define PTE_HWTABLE_PTRS PTRS_PER_PTE
_Static_assert(PTE_HWTABLE_OFF == PTE_HWTABLE_PTRS * sizeof(pte_t),
	       "the hardware tables follow the page's Linux PTEs");
#define PTE_HWTABLE_SIZE (PTRS_PER_PTE * sizeof(uint32_t))

/* Virtual memory map: the fixed part is abi.h's. */
#define USER_PTRS_PER_PGD (TASK_SIZE / PGDIR_SIZE)
#define VMALLOC_OFFSET SZ_8M
#define VMALLOC_START ((((unsigned long)high_memory) + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1))
#define PHYS_PFN_OFFSET (PHYS_OFFSET >> PAGE_SHIFT)

#define __pa(x) ((phys_addr_t)((unsigned long)(x) - PAGE_OFFSET + PHYS_OFFSET))
#define __va(x) ((void *)((unsigned long)(x) - PHYS_OFFSET + PAGE_OFFSET))
#define __phys_to_pfn(p) ((unsigned long)((p) >> PAGE_SHIFT))
#define __pfn_to_phys(f) ((phys_addr_t)(f) << PAGE_SHIFT)

/* Hardware small-page bits (the word at ptep + 2048). */
#define PTE_TYPE_MASK 3u
#define PTE_TYPE_LARGE 1u
#define PTE_TYPE_SMALL 2u
#define LARGE_PAGE_SIZE (1ul << 16)
#define LARGE_PAGE_MASK (~(LARGE_PAGE_SIZE - 1))
#define SUPERSECTION_SIZE (1ul << 24)
#define SUPERSECTION_MASK (~(SUPERSECTION_SIZE - 1))
#define PTE_EXT_XN (1u << 0)
#define PTE_BUFFERABLE (1u << 2)
#define PTE_CACHEABLE (1u << 3)
#define PTE_EXT_AP0 (1u << 4)
#define PTE_EXT_AP1 (2u << 4)
#define PTE_EXT_TEX(x) ((pteval_t)(x) << 6)
#define PTE_EXT_APX (1u << 9)
#define PTE_EXT_SHARED (1u << 10)
#define PTE_EXT_NG (1u << 11)

/* L1 (pmd) bits. */
#define PMD_TYPE_MASK 3u
#define PMD_TYPE_FAULT 0u
#define PMD_TYPE_TABLE 1u
#define PMD_TYPE_SECT 2u
#define PMD_BIT4 (1u << 4)
#define PMD_DOMAIN(x) ((pmdval_t)(x) << 5)
#define PMD_SECT_BUFFERABLE (1u << 2)
#define PMD_SECT_CACHEABLE (1u << 3)
#define PMD_SECT_XN (1u << 4)
#define PMD_SECT_AP_WRITE (1u << 10)
#define PMD_SECT_AP_READ (1u << 11)
#define PMD_SECT_TEX(x) ((pmdval_t)(x) << 12)
#define PMD_SECT_APX (1u << 15)
#define PMD_SECT_S (1u << 16)
#define PMD_SECT_nG (1u << 17)
#define PMD_SECT_SUPER (1u << 18)
#define PMD_SECT_WB (PMD_SECT_CACHEABLE | PMD_SECT_BUFFERABLE)

#define DOMAIN_KERNEL 0
#define DOMAIN_USER 1
#define DOMAIN_IO 2
#define DOMAIN_VECTORS 3

/* Run-time kernel PTE tables (vmalloc, ioremap, fixmap): domain kernel. */
#define _PAGE_KERNEL_TABLE (PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_KERNEL))

/* The cache policy is write-back (UP; head.S's sections are 0x40E and
 * Linux derives cachepolicy from that initial PMD value). */
#define PAGE_KERNEL (L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN | L_PTE_MT_WRITEBACK)
#define PAGE_KERNEL_IO (L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN | \
			L_PTE_MT_DEV_SHARED | L_PTE_SHARED)

extern void *high_memory;

#define pgd_index(addr) ((unsigned long)(addr) >> PGDIR_SHIFT)
#define pgd_offset(pgdir, addr) ((pgdir) + pgd_index(addr))
/* pmd_offset: the even L1 word of the slot; pmd_none/present test it only. */
static inline pmd_t *pmd_offset(pgd_t *pgd) { return (pmd_t *)pgd; }
static inline int pmd_none(pmd_t pmd) { return pmd == 0; }
static inline int pmd_table(pmd_t pmd) { return (pmd & PMD_TYPE_MASK) == PMD_TYPE_TABLE; }
static inline unsigned long pte_index(unsigned long addr)
{
	return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}
/* The Linux PTE of addr inside the PTE page a table pmd points into. */
static inline pte_t *pte_offset_kernel(pmd_t *pmd, unsigned long addr)
{
	return (pte_t *)__va(*pmd & PAGE_MASK) + pte_index(addr);
}
static inline unsigned long pgd_addr_end(unsigned long addr, unsigned long end)
{
	unsigned long boundary = (addr + PGDIR_SIZE) & PGDIR_MASK;
	return boundary - 1 < end - 1 ? boundary : end;
}

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot) { return (pfn << PAGE_SHIFT) | prot; }
static inline unsigned long pte_pfn(pte_t pte) { return pte >> PAGE_SHIFT; }
static inline int pte_none(pte_t pte) { return pte == 0; }
static inline int pte_present(pte_t pte) { return (pte & L_PTE_PRESENT) != 0; }
static inline int pte_valid_user(pte_t pte)
{
	return (pte & (L_PTE_VALID | L_PTE_USER | L_PTE_YOUNG)) ==
	       (L_PTE_VALID | L_PTE_USER | L_PTE_YOUNG);
}

/* The hardware twin of a Linux PTE. */
static inline pte_t *pte_hw(pte_t *ptep) { return ptep + PTE_HWTABLE_PTRS; }

/* Cache and TLB maintenance (UP ARMv7: table walks are not coherent with
 * the D-cache, so descriptors are cleaned to the point of coherency). */
static inline void clean_dcache_line(const void *p)
{
	__asm__ volatile("mcr p15, 0, %0, c7, c10, 1" :: "r"(p) : "memory");
}
static inline void flush_pmd_entry(pmd_t *pmd)
{
	clean_dcache_line(pmd);
	__asm__ volatile("dsb" ::: "memory");
}
void clean_dcache_area(const void *start, unsigned long size);
void flush_tlb_all(void);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

/* proc-v7-2level: store pte and its hardware form, clean the hw word. */
void cpu_v7_set_pte_ext(pte_t *ptep, pte_t pte, unsigned int ext);
#define set_pte_ext(ptep, pte, ext) cpu_v7_set_pte_ext(ptep, pte, ext)
/* set_pte_at: user PTEs of a user address get nG, everything else global. */
static inline void set_pte_at(unsigned long addr, pte_t *ptep, pte_t pte)
{
	unsigned int ext = (addr < TASK_SIZE && pte_valid_user(pte)) ? PTE_EXT_NG : 0;
	set_pte_ext(ptep, pte, ext);
}
static inline void pte_clear(pte_t *ptep) { set_pte_ext(ptep, 0, 0); }
/* Both words of a slot are cleared (pmd_clear) or copied (copy_pmd). */
static inline void pmd_clear(pmd_t *pmdp)
{
	pmdp[0] = 0;
	pmdp[1] = 0;
	flush_pmd_entry(pmdp);
}
static inline void copy_pmd(pmd_t *dst, const pmd_t *src)
{
	dst[0] = src[0];
	dst[1] = src[1];
	flush_pmd_entry(dst);
}
/* Points both L1 words of a slot at the hardware halves of a PTE page. */
static inline void __pmd_populate(pmd_t *pmdp, phys_addr_t pte_pa, pmdval_t prot)
{
	pmdval_t pmdval = (pte_pa + PTE_HWTABLE_OFF) | prot;
	pmdp[0] = pmdval;
	pmdp[1] = pmdval + 256 * sizeof(pte_t);
	flush_pmd_entry(pmdp);
}

#endif
