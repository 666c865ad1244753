#ifndef MMUSCOPE_FW_WORKLOADS_H
#define MMUSCOPE_FW_WORKLOADS_H

#include "fw.h"

unsigned parse_uint(const char **s, unsigned fallback);
int workload_sweep(const char *args);
int workload_selftest(const char *args);
/* scen_probe.c */
int workload_probe(const char *args);
/* guestmm/mmtests.c */
int workload_layout(const char *args);
int workload_test_buddy(const char *args);
int workload_test_memblock(const char *args);
int workload_test_layout(const char *args);
int workload_test_pte(const char *args);
int workload_test_vmalloc(const char *args);
int workload_test_stale_tlb(const char *args);
/* selftest_thumb.c, compiled as Thumb-2: returns the number of failures. */
int selftest_thumb(void);

#endif

/* Shared by the ARM and Thumb halves of the self-test. */
struct abort_record {
	unsigned count;
	uint32_t far, fsr;
};
extern struct abort_record selftest_dabt, selftest_undef;
extern unsigned selftest_failures;
void selftest_expect(bool ok, const char *what, uint32_t got, uint32_t want);
/* Installs the data-abort hook that maps the faulting MB onto the test
 * section and lets the access retry. */
void selftest_map_on_fault(void);
uint32_t selftest_alias(uint32_t offset);
