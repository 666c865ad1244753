/* Linux's 2-level page tables on ARMv7 (ARM_NOTES §5): the hardware form
 * of a Linux PTE.  The guest writes it with its own cpu_v7_set_pte_ext
 * (guestmm/mmu.c); this is the host's statement of the same rule, which
 * the tools hold the guest's tables to. */
#include "firmware/abi.h"
#include "mmu/mmu.h"

/* Fault unless valid, young and not PROT_NONE; otherwise PFN, S, the
 * memory type n = MT[2:0] as TEX[0]:C:B, AP[2:0] = {read-only or clean,
 * user, 1}, XN in bit 0, small-page type, and the caller's ext bits. */
uint32_t mmu_linux_pte_to_hw(uint32_t pte, uint32_t ext)
{
	if ((pte & (L_PTE_VALID | L_PTE_YOUNG | L_PTE_NONE)) != (L_PTE_VALID | L_PTE_YOUNG))
		return 0;
	uint32_t mt = (pte >> 2) & 7;
	uint32_t ap = ((pte & L_PTE_RDONLY) || !(pte & L_PTE_DIRTY) ? 4u : 0) |
		      (pte & L_PTE_USER ? 2u : 0) | 1u;
	return (pte & 0xFFFFF000u) | (pte & L_PTE_SHARED) | ext |
	       ((mt & 3) << 2) | ((mt >> 2) << 6) |
	       ((ap >> 2) << 9) | ((ap & 3) << 4) |
	       (pte & L_PTE_XN ? 1u : 0) | 2u;
}
