/* Shared by the two halves of `mmuscope bench`: the engine (bench.c: the
 * sweep's jobs, their record files, the sweep directory, merge) and the
 * report writer (bench_report.c: results.csv, results.json, report.md and
 * its charts).  The report is made from the records alone: this header is
 * all the report knows of a sweep. */
#ifndef MMUSCOPE_CLI_BENCH_H
#define MMUSCOPE_CLI_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlb/tlb.h"

/* Items of one list (--workloads, --presets, --layouts), and so the most
 * of each that a report shows. */
#define MAX_ITEMS 32

/* One job's results.  Every field a record file, the CSV, the JSON and the
 * merge check know is in the field table (bench.c); the counters follow
 * them. */
typedef struct opt_u64 {
	bool given;
	uint64_t value;
} opt_u64;

struct record {
	char sweep[17];         /* the sweep's identity (sweep_id) */
	uint64_t jobs, index;
	char workload[64], args[256], preset[256], layout[128], board[16];
	opt_u64 seed;           /* the seed= argument, read the way the guest does */
	int64_t exit_code;
	double run_time;
	uint64_t counter[TLB_COUNTER_COUNT];
	/* The region of interest: "START..END", or "" when the run reported
	 * no ROI markers, and then roi_counter is the whole run's. */
	char roi[112];
	uint64_t roi_counter[TLB_COUNTER_COUNT];
	char label[330];        /* the workload and its arguments: one report section */
};

typedef enum field_type { FIELD_TEXT, FIELD_UINT, FIELD_OPT_UINT, FIELD_INT, FIELD_REAL } field_type;

typedef struct field {
	const char *name;       /* record key, CSV column, JSON member */
	field_type type;
	size_t offset, size;    /* in struct record; size: a text field's capacity */
	double min, max;        /* range of numbers (FIELD_UINT: max only; none: 0 0) */
	bool column;            /* in results.csv and results.json */
} field;

/* The k-th of the record's fields that are columns of results.csv and
 * results.json, in record file order; NULL past the last.  The whole
 * run's counters follow them there, named as in tlb.h. */
const field *cli_bench_column(size_t k);
/* A record value as text ("" for an absent seed). */
void cli_bench_field_text(const struct record *r, const field *f, char *out, size_t size);

/* Writes results.csv, results.json, report.md and a chart per workload
 * into dir from the n records r (in index order) of a sweep of `jobs`
 * jobs; the names of the charts written go to charts (at most MAX_ITEMS),
 * so that the engine can remove those of an earlier sweep.  0, or 2 after
 * a message. */
int cli_bench_report(const char *dir, const struct record *r, unsigned n, uint64_t jobs,
		     char charts[][256], unsigned *ncharts);

#endif
