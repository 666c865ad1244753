/* Shared by the tlb/ sources; not part of the public interface. */
#ifndef MMUSCOPE_TLB_INTERNAL_H
#define MMUSCOPE_TLB_INTERNAL_H

#include "tlb/tlb.h"

/* The index of the slot of level l that translates key under asid, or -1. */
int tlb_level_search(const tlb_level *l, uint32_t key, unsigned asid);
void tlb_drop_translation(tlb_t *t, uint32_t va, unsigned asid);
void tlb_slot_clear(tlb_level *l, unsigned index);
void tlb_entry_view_of(const tlb_t *t, tlb_level_id id, unsigned index, tlb_entry_view *v);

#endif
