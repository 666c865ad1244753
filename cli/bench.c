/* mmuscope bench: sweeps of workloads x TLB presets x lowmem layouts, one
 * guest per job in its own process, and the results as CSV, JSON and a
 * Markdown report with charts.  `bench merge` joins the output directories
 * of sharded sweeps.
 *
 * Each job leaves DIR/runs/NNNN.rec ("key value" lines); every output file
 * is made from those records alone, so a merge of shards writes exactly
 * what the whole sweep would have (run times apart). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emu/emu.h"
#include "ui/ui.h"

#define MAX_ITEMS 32
#define MAX_JOBS 4096

static void bench_help(void)
{
	printf(
		"usage: mmuscope bench --workloads LIST [--presets LIST] [--layouts LIST]\n"
		"                      [--args \"ARGS\"] [--board B] [--jobs N] [--out DIR]\n"
		"                      [--shard I/N] [--quiet]\n"
		"       mmuscope bench merge --out DIR SHARD_DIR...  (joins the shards' runs/)\n"
		"\n"
		"Runs every combination of workload, TLB preset and lowmem layout, one guest\n"
		"per job, N jobs at a time, and writes DIR/results.csv, DIR/results.json and\n"
		"DIR/report.md with a chart per workload (DIR/walks-WORKLOAD.png).  Lists are\n"
		"comma-separated; a workload may carry its own arguments as NAME:ARGS\n"
		"(e.g. chase:ws=1024), and a layout arguments for every workload, also as\n"
		"NAME:ARGS (e.g. pages:ulayout=large, user memory in 64 KB pages).  Results\n"
		"are deterministic: the counters of a job do not depend on N, the shard or\n"
		"the machine.\n"
		"\n"
		"options:\n"
		"  --workloads LIST   guest workloads ('mmuscope run --workload list')\n"
		"  --presets LIST     TLB presets (default cortex-a5,cortex-a7,cortex-a9,cortex-a15)\n"
		"  --layouts LIST     lowmem layouts (default sections,pages,supersections,large)\n"
		"  --args \"ARGS\"      arguments for workloads that carry none of their own\n"
		"  --board B          q3f (default) or vexpress\n"
		"  --jobs N           parallel jobs (default: the number of processors)\n"
		"  --out DIR          output directory (default bench-out)\n"
		"  --shard I/N        run only jobs I, I+N, I+2N... (0 <= I < N): one slice of the\n"
		"                     sweep; join the slices with 'mmuscope bench merge'\n"
		"                     (docs/benchmarks.md has a Slurm job array)\n"
		"  --quiet            no progress bar (it is drawn only on a terminal anyway)\n"
		"\n"
		"Every row: the job, its seed (the seed= argument; empty: the workload's own\n"
		"default), exit code, run time; then the figures of its region of interest,\n"
		"the workload's NAME-start..NAME-done markers (roi; empty: none reported,\n"
		"the whole run): accesses, instructions, walks per 1000 accesses, misses per\n"
		"1000 instructions and hit rate of each level, walk steps, translation\n"
		"cycles as a share of all cycles, faults; then the whole run's, prefixed\n"
		"run_: walks per 1000 instructions, translation share, hit rates and every\n"
		"TLB counter.  The report names, per workload, the layout and the preset\n"
		"with the fewest ROI walks per 1000 accesses.\n"
		"\n"
		"Exit status: 0 every job ran and exited 0, 1 a guest failed, 2 bad input.\n");
}

struct sweep {
	char *workloads[MAX_ITEMS], *presets[MAX_ITEMS], *layouts[MAX_ITEMS];
	unsigned nworkloads, npresets, nlayouts;
	const char *args, *board, *out;
	unsigned jobs, shard, nshards;
	bool quiet;
};

/* Splits a comma list in place (the string is the caller's copy). */
static int split_list(const char *opt, char *text, char **items, unsigned *n)
{
	*n = 0;
	for (char *tok = strtok(text, ","); tok; tok = strtok(NULL, ",")) {
		if (*n == MAX_ITEMS)
			return cli_usage_error("bench", "%s: at most %d items", opt, MAX_ITEMS);
		items[(*n)++] = tok;
	}
	return *n ? -1 : cli_usage_error("bench", "%s needs at least one item", opt);
}

/* Splits a list item NAME[:ARGS] into name and arguments (NULL if none). */
static const char *item_name(const char *item, char *name, size_t size)
{
	const char *colon = strchr(item, ':');
	snprintf(name, size, "%.*s", (int)(colon ? (size_t)(colon - item) : strlen(item)), item);
	return colon ? colon + 1 : NULL;
}

static int parse(int argc, char **argv, struct sweep *s)
{
	static char default_presets[] = "cortex-a5,cortex-a7,cortex-a9,cortex-a15";
	static char default_layouts[] = "sections,pages,supersections,large";
	char *workloads = NULL, *presets = default_presets, *layouts = default_layouts;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*s = (struct sweep){ .board = "q3f", .out = "bench-out", .jobs = cpus > 0 ? (unsigned)cpus : 1,
			     .nshards = 1, .args = "" };
	static const char *const flags[] = { "--help", "-h", "--quiet", NULL };
	static const char *const valued[] = { "--workloads", "--presets", "--layouts", "--args",
		"--board", "--out", "--jobs", "--shard", NULL };
	cli_args args = { .cmd = "bench", .argc = argc, .argv = argv, .flags = flags, .valued = valued };
	char *opt, *val;
	int more;
	while ((more = cli_next_option(&args, &opt, &val)) == 1) {
		uint64_t n;
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			bench_help();
			return 0;
		}
		if (!strcmp(opt, "--quiet")) s->quiet = true;
		else if (!strcmp(opt, "--workloads")) workloads = val;
		else if (!strcmp(opt, "--presets")) presets = val;
		else if (!strcmp(opt, "--layouts")) layouts = val;
		else if (!strcmp(opt, "--args")) s->args = val;
		else if (!strcmp(opt, "--board")) s->board = val;
		else if (!strcmp(opt, "--out")) s->out = val;
		else if (!strcmp(opt, "--jobs")) {
			if (!cli_parse_u64("--jobs", val, 256, &n) || !n)
				return n ? 2 : cli_usage_error("bench", "--jobs must be at least 1");
			s->jobs = (unsigned)n;
		} else if (!strcmp(opt, "--shard")) {
			unsigned i0, n0;
			char tail;
			if (sscanf(val, "%u/%u%c", &i0, &n0, &tail) != 2 || !n0 || i0 >= n0)
				return cli_usage_error("bench", "--shard takes I/N with 0 <= I < N, not '%s'", val);
			s->shard = i0, s->nshards = n0;
		}
	}
	if (more)
		return more;
	if (!workloads)
		return cli_usage_error("bench", "--workloads is required");
	int st;
	if ((st = split_list("--workloads", workloads, s->workloads, &s->nworkloads)) >= 0 ||
	    (st = split_list("--presets", presets, s->presets, &s->npresets)) >= 0 ||
	    (st = split_list("--layouts", layouts, s->layouts, &s->nlayouts)) >= 0)
		return st;
	/* Presets, the board and layouts are checked here, so a bad one stops the
	 * sweep before it starts (a machine is built, not run, for each layout). */
	char err[512];
	for (unsigned i = 0; i < s->npresets; i++) {
		tlb_config cfg;
		if (tlb_preset_load(s->presets[i], &cfg, err, sizeof err)) {
			fprintf(stderr, "mmuscope bench: %s\n", err);
			return 2;
		}
	}
	for (unsigned i = 0; i < s->nlayouts; i++) {
		char layout[64];
		item_name(s->layouts[i], layout, sizeof layout);
		emu_t *e = emu_create(&(emu_options){ .board = s->board, .layout = layout }, err, sizeof err);
		if (!e) {
			fprintf(stderr, "mmuscope bench: %s\n", err);
			return 2;
		}
		emu_destroy(e);
	}
	return -1;
}

/* ---- records ---- */

struct record {
	unsigned index;
	char workload[64], args[128], preset[256], layout[64], board[16], seed[16];
	char label[200];        /* the workload and its arguments: one report section */
	int exit_code;
	double run_time;
	uint64_t counter[TLB_COUNTER_COUNT];
	/* The region of interest: "START..END", or "" when the run reported
	 * no ROI markers, and then roi_counter is the whole run's. */
	char roi[112];
	uint64_t roi_counter[TLB_COUNTER_COUNT];
};

static const char *preset_label(const char *preset)
{
	const char *base = strrchr(preset, '/');
	return base ? base + 1 : preset;
}

/* The value of a "key=value" word of guest arguments, or "" if absent. */
static void arg_value(const char *args, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	*out = 0;
	for (const char *p = args; (p = strstr(p, key)); p += klen)
		if ((p == args || p[-1] == ' ' || p[-1] == ',') && p[klen] == '=') {
			snprintf(out, size, "%.*s", (int)strcspn(p + klen + 1, " ,"), p + klen + 1);
			return;
		}
}

/* The record's ROI lines: "roi START..END" and roi_COUNTER for every
 * counter, the whole run's when the workload reported no ROI ("roi "). */
static void write_roi(FILE *f, const emu_t *e)
{
	const char *start, *end;
	const tlb_t *t = emu_tlb(e);
	const tlb_stats *roi = emu_roi_result(e, &start, &end);
	if (roi)
		fprintf(f, "roi %s..%s\n", start, end);
	else
		fprintf(f, "roi \n");
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		fprintf(f, "roi_%s %llu\n", tlb_counter_name((tlb_counter)c),
			(unsigned long long)(roi ? tlb_stats_counter(t, roi, (tlb_counter)c)
					     : tlb_counter_get(t, (tlb_counter)c)));
}

/* One job, in a child process: boot, run, write the record. */
static int run_job(const struct sweep *s, unsigned index, const char *workload_item,
		   const char *preset, const char *layout_item)
{
	char workload[64], layout[64], guest_args[512], seed[16];
	const char *own_args = item_name(workload_item, workload, sizeof workload);
	const char *args = own_args ? own_args : s->args;
	const char *layout_args = item_name(layout_item, layout, sizeof layout);
	snprintf(guest_args, sizeof guest_args, "%s%s%s", args, *args && layout_args ? " " : "",
		 layout_args ? layout_args : "");
	arg_value(guest_args, "seed", seed, sizeof seed);
	FILE *devnull = fopen("/dev/null", "w");
	char err[512];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	emu_t *e = emu_create(&(emu_options){ .board = s->board, .workload = workload,
					      .args = guest_args, .layout = layout, .preset = preset,
					      .model = true, .console = devnull },
			      err, sizeof err);
	if (!e) {
		fprintf(stderr, "mmuscope bench: %s\n", err);
		return 2;
	}
	emu_stop stop = emu_run(e, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int code = stop == EMU_STOP_EXIT ? emu_exit_code(e) : 1;
	char path[4096];
	snprintf(path, sizeof path, "%s/runs/%04u.rec", s->out, index);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mmuscope bench: cannot write %s: %s\n", path, strerror(errno));
		emu_destroy(e);
		return 2;
	}
	fprintf(f, "index %u\nworkload %s\nargs %s\npreset %s\nlayout %s\nboard %s\nseed %s\n"
		"exit_code %d\nrun_time %.3f\n", index, workload, args, preset_label(preset),
		layout_item, s->board, seed, code,
		(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
	const tlb_t *t = emu_tlb(e);
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		fprintf(f, "%s %llu\n", tlb_counter_name((tlb_counter)c),
			(unsigned long long)tlb_counter_get(t, (tlb_counter)c));
	write_roi(f, e);
	fclose(f);
	fclose(devnull);
	emu_destroy(e);
	return code;
}

static bool read_record(const char *path, struct record *r)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	memset(r, 0, sizeof *r);
	char line[512];
	unsigned seen = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *val = strchr(line, ' ');
		if (!val)
			continue;
		*val++ = 0;
		static const struct { const char *key; size_t off, len; } text[] = {
			{ "workload", offsetof(struct record, workload), sizeof r->workload },
			{ "args", offsetof(struct record, args), sizeof r->args },
			{ "preset", offsetof(struct record, preset), sizeof r->preset },
			{ "layout", offsetof(struct record, layout), sizeof r->layout },
			{ "board", offsetof(struct record, board), sizeof r->board },
			{ "seed", offsetof(struct record, seed), sizeof r->seed },
			{ "roi", offsetof(struct record, roi), sizeof r->roi },
		};
		bool done = false;
		for (size_t k = 0; k < sizeof text / sizeof text[0] && !done; k++)
			if (!strcmp(line, text[k].key)) {
				snprintf((char *)r + text[k].off, text[k].len, "%s", val);
				done = true;
			}
		if (done)
			continue;
		if (!strcmp(line, "index"))
			r->index = (unsigned)strtoul(val, NULL, 10), seen++;
		else if (!strcmp(line, "exit_code"))
			r->exit_code = atoi(val);
		else if (!strcmp(line, "run_time"))
			r->run_time = strtod(val, NULL);
		else
			for (int c = 0; c < TLB_COUNTER_COUNT; c++) {
				const char *name = tlb_counter_name((tlb_counter)c);
				if (!strcmp(line, name))
					r->counter[c] = strtoull(val, NULL, 10);
				else if (!strncmp(line, "roi_", 4) && !strcmp(line + 4, name))
					r->roi_counter[c] = strtoull(val, NULL, 10);
			}
	}
	fclose(f);
	snprintf(r->label, sizeof r->label, "%s%s%s", r->workload, *r->args ? " " : "", r->args);
	return seen == 1 && r->counter[TLB_CNT_instructions] && r->roi_counter[TLB_CNT_instructions];
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

/* The figures the outputs give, from one set of counters (a record's
 * ROI or its whole run). */
#define C(c, name) ((double)(c)[TLB_CNT_##name])
static double per_thousand(double events, double of)
{
	return of > 0 ? 1000.0 * events / of : 0;
}

static double accesses(const uint64_t *c) { return C(c, accesses); }
static double instructions(const uint64_t *c) { return C(c, instructions); }
static double walks_per_kaccess(const uint64_t *c)
{
	return per_thousand(C(c, walks_i) + C(c, walks_d), C(c, accesses));
}
static double walks_per_kinsn(const uint64_t *c)
{
	return per_thousand(C(c, walks_i) + C(c, walks_d), C(c, instructions));
}
static double itlb_mpki(const uint64_t *c) { return per_thousand(C(c, itlb_misses), C(c, instructions)); }
static double dtlb_mpki(const uint64_t *c) { return per_thousand(C(c, dtlb_misses), C(c, instructions)); }
static double main_mpki(const uint64_t *c)
{
	return per_thousand(C(c, main_i_misses) + C(c, main_d_misses), C(c, instructions));
}
static double walk_cache_mpki(const uint64_t *c)
{
	return per_thousand(C(c, walk_cache_misses), C(c, instructions));
}
static double itlb_hit_rate(const uint64_t *c) { return ratio(C(c, itlb_hits), C(c, itlb_lookups)); }
static double dtlb_hit_rate(const uint64_t *c) { return ratio(C(c, dtlb_hits), C(c, dtlb_lookups)); }
static double main_hit_rate(const uint64_t *c)
{
	return ratio(C(c, main_i_hits) + C(c, main_d_hits), C(c, main_i_lookups) + C(c, main_d_lookups));
}
static double walk_cache_hit_rate(const uint64_t *c)
{
	return ratio(C(c, walk_cache_hits), C(c, walk_cache_lookups));
}
static double walk_steps(const uint64_t *c) { return C(c, walk_steps_l1) + C(c, walk_steps_l2); }
static double translation_share(const uint64_t *c)
{
	return ratio(C(c, translation_cycles), C(c, cycles));
}
static double faults(const uint64_t *c)
{
	return C(c, faults_alignment) + C(c, faults_translation) + C(c, faults_access_flag) +
	       C(c, faults_domain) + C(c, faults_permission) + C(c, faults_ext_abort_walk);
}
#undef C

/* The computed columns of results.csv and results.json, in order: the
 * ROI's figures (what the sweep compares), then the whole run's (run_).
 * Rates are 0 where a level had no lookups. */
static const struct figure {
	const char *name;
	double (*value)(const uint64_t *counters);
	const char *format;
	bool whole_run;         /* from the record's counter[], else roi_counter[] */
} figures[] = {
	{ "accesses", accesses, "%.0f", false },
	{ "instructions", instructions, "%.0f", false },
	{ "walks_per_kaccess", walks_per_kaccess, "%.4f", false },
	{ "itlb_mpki", itlb_mpki, "%.4f", false },
	{ "dtlb_mpki", dtlb_mpki, "%.4f", false },
	{ "main_mpki", main_mpki, "%.4f", false },
	{ "walk_cache_mpki", walk_cache_mpki, "%.4f", false },
	{ "itlb_hit_rate", itlb_hit_rate, "%.6f", false },
	{ "dtlb_hit_rate", dtlb_hit_rate, "%.6f", false },
	{ "main_hit_rate", main_hit_rate, "%.6f", false },
	{ "walk_cache_hit_rate", walk_cache_hit_rate, "%.6f", false },
	{ "walk_steps", walk_steps, "%.0f", false },
	{ "translation_share", translation_share, "%.6f", false },
	{ "faults", faults, "%.0f", false },
	{ "run_walks_per_kinsn", walks_per_kinsn, "%.4f", true },
	{ "run_translation_share", translation_share, "%.6f", true },
	{ "run_itlb_hit_rate", itlb_hit_rate, "%.6f", true },
	{ "run_dtlb_hit_rate", dtlb_hit_rate, "%.6f", true },
	{ "run_main_hit_rate", main_hit_rate, "%.6f", true },
};
#define NFIGURES (sizeof figures / sizeof figures[0])

static double figure_of(const struct record *r, const struct figure *f)
{
	return f->value(f->whole_run ? r->counter : r->roi_counter);
}

/* ---- outputs ---- */

static void write_csv(FILE *f, const struct record *r, unsigned n)
{
	fprintf(f, "index,workload,args,preset,layout,board,seed,exit_code,run_time_s,roi");
	for (size_t k = 0; k < NFIGURES; k++)
		fprintf(f, ",%s", figures[k].name);
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		fprintf(f, ",run_%s", tlb_counter_name((tlb_counter)c));
	fprintf(f, "\n");
	for (unsigned i = 0; i < n; i++, r++) {
		fprintf(f, "%u,%s,\"%s\",%s,\"%s\",%s,%s,%d,%.3f,\"%s\"", r->index,
			r->workload, r->args, r->preset, r->layout, r->board, r->seed, r->exit_code,
			r->run_time, r->roi);
		for (size_t k = 0; k < NFIGURES; k++) {
			fputc(',', f);
			fprintf(f, figures[k].format, figure_of(r, &figures[k]));
		}
		for (int c = 0; c < TLB_COUNTER_COUNT; c++)
			fprintf(f, ",%llu", (unsigned long long)r->counter[c]);
		fprintf(f, "\n");
	}
}

static void write_json(FILE *f, const struct record *r, unsigned n)
{
	fprintf(f, "{\n  \"version\": \"%s\",\n  \"runs\": [", MMUSCOPE_VERSION);
	for (unsigned i = 0; i < n; i++, r++) {
		fprintf(f, "%s\n    {\"index\": %u, \"workload\": \"%s\", \"args\": \"%s\", "
			   "\"preset\": \"%s\", \"layout\": \"%s\", \"board\": \"%s\", \"seed\": %s, "
			   "\"exit_code\": %d, \"run_time_s\": %.3f, \"roi\": \"%s\"",
			i ? "," : "", r->index, r->workload, r->args, r->preset, r->layout, r->board,
			*r->seed ? r->seed : "null", r->exit_code, r->run_time, r->roi);
		for (size_t k = 0; k < NFIGURES; k++) {
			fprintf(f, ", \"%s\": ", figures[k].name);
			fprintf(f, figures[k].format, figure_of(r, &figures[k]));
		}
		fprintf(f, ", \"run_counters\": {");
		for (int c = 0; c < TLB_COUNTER_COUNT; c++)
			fprintf(f, "%s\"%s\": %llu", c ? ", " : "", tlb_counter_name((tlb_counter)c),
				(unsigned long long)r->counter[c]);
		fprintf(f, "}}");
	}
	fprintf(f, "\n  ]\n}\n");
}

/* Distinct values of one text field, in record order. */
static unsigned distinct(const struct record *r, unsigned n, size_t off, const char **out)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *v = (const char *)&r[i] + off;
		bool known = false;
		for (unsigned j = 0; j < k && !known; j++)
			known = !strcmp(out[j], v);
		if (!known && k < MAX_ITEMS)
			out[k++] = v;
	}
	return k;
}

static const struct record *find(const struct record *r, unsigned n, const char *w,
				 const char *p, const char *l)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(r[i].label, w) && !strcmp(r[i].preset, p) && !strcmp(r[i].layout, l))
			return &r[i];
	return NULL;
}

static const unsigned char bar_colours[][3] = {
	{ 0x1f, 0x77, 0xb4 }, { 0xff, 0x7f, 0x0e }, { 0x2c, 0xa0, 0x2c }, { 0xd6, 0x27, 0x28 },
	{ 0x94, 0x67, 0xbd }, { 0x8c, 0x56, 0x4b }, { 0xe3, 0x77, 0xc2 }, { 0x7f, 0x7f, 0x7f },
};
#define NCOLOURS (sizeof bar_colours / sizeof bar_colours[0])

/* What the report compares: the ROI's walks per 1000 accesses. */
static double roi_walks(const struct record *r)
{
	return walks_per_kaccess(r->roi_counter);
}

/* A grouped bar chart: one group per preset, one bar per layout, height
 * proportional to the ROI's walks per 1000 accesses. */
static int write_chart(const char *path, const struct record *r, unsigned n, const char *w,
		       const char **presets, unsigned np, const char **layouts, unsigned nl)
{
	enum { H = 240, BAR = 14, GAP = 24, MARGIN = 16 };
	unsigned width = MARGIN * 2 + np * (nl * BAR + GAP);
	unsigned char *px = malloc((size_t)width * H * 3);
	if (!px)
		return -1;
	memset(px, 0xFF, (size_t)width * H * 3);
	double top = 0;
	for (unsigned p = 0; p < np; p++)
		for (unsigned l = 0; l < nl; l++) {
			const struct record *rec = find(r, n, w, presets[p], layouts[l]);
			if (rec && roi_walks(rec) > top)
				top = roi_walks(rec);
		}
	for (unsigned x = MARGIN; x < width - MARGIN; x++) /* baseline */
		memset(px + ((size_t)(H - MARGIN) * width + x) * 3, 0x40, 3);
	for (unsigned p = 0; p < np; p++)
		for (unsigned l = 0; l < nl; l++) {
			const struct record *rec = find(r, n, w, presets[p], layouts[l]);
			unsigned h = rec && top > 0 ? (unsigned)(roi_walks(rec) / top * (H - 2 * MARGIN)) : 0;
			unsigned x0 = MARGIN + p * (nl * BAR + GAP) + GAP / 2 + l * BAR;
			for (unsigned y = H - MARGIN - h; y < H - MARGIN; y++)
				for (unsigned x = x0; x < x0 + BAR - 2; x++)
					memcpy(px + ((size_t)y * width + x) * 3, bar_colours[l % NCOLOURS], 3);
		}
	char err[512];
	int rc = ui_png_write(path, px, width, H, err, sizeof err);
	if (rc)
		fprintf(stderr, "mmuscope bench: %s\n", err);
	free(px);
	return rc;
}

/* walks-LABEL.png, with what a file name should not hold made '_'. */
static void chart_name(const char *label, char *out, size_t size)
{
	snprintf(out, size, "walks-%s.png", label);
	for (char *c = out + 6; c < out + strlen(out) - 4; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
			*c = '_';
}

/* The mean ROI walks per 1000 accesses of workload w for each of the k
 * items (layouts or presets, item_off into a record), over the records
 * that have it; which item has the fewest and the runner-up. */
static void rank(const struct record *r, unsigned n, const char *w, size_t item_off,
		 const char **items, unsigned k, double *mean, unsigned *best, unsigned *next)
{
	*best = *next = 0;
	for (unsigned i = 0; i < k; i++) {
		double sum = 0;
		unsigned count = 0;
		for (unsigned j = 0; j < n; j++)
			if (!strcmp(r[j].label, w) && !strcmp((const char *)&r[j] + item_off, items[i]))
				sum += roi_walks(&r[j]), count++;
		mean[i] = count ? sum / count : 0;
	}
	for (unsigned i = 1; i < k; i++)
		if (mean[i] < mean[*best])
			*best = i;
	*next = *best == 0 ? 1 : 0;
	for (unsigned i = 0; i < k; i++)
		if (i != *best && mean[i] < mean[*next])
			*next = i;
}

/* "layout L (mean over presets 1.23), ahead of M (4.56, 3.71x as many)". */
static void write_winner(FILE *f, const struct record *r, unsigned n, const char *w,
			 const char *what, const char *over, size_t item_off, const char **items,
			 unsigned k)
{
	double mean[MAX_ITEMS] = { 0 };
	unsigned best, next;
	rank(r, n, w, item_off, items, k, mean, &best, &next);
	fprintf(f, "%s **%s** (mean over the %s: %.2f)", what, items[best], over, mean[best]);
	if (k < 2)
		fprintf(f, ", the only one");
	else if (mean[next] == mean[best])
		fprintf(f, ", tied with %s", items[next]);
	else if (mean[best] > 0)
		fprintf(f, ", ahead of %s (%.2f: %.2fx as many, %.2f more)", items[next], mean[next],
			mean[next] / mean[best], mean[next] - mean[best]);
	else
		fprintf(f, ", ahead of %s (%.2f; %s walks none)", items[next], mean[next],
			items[best]);
}

static int write_report(const char *dir, const struct record *r, unsigned n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/report.md", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mmuscope bench: cannot write %s: %s\n", path, strerror(errno));
		return 2;
	}
	const char *workloads[MAX_ITEMS], *presets[MAX_ITEMS], *layouts[MAX_ITEMS];
	unsigned nw = distinct(r, n, offsetof(struct record, label), workloads);
	unsigned np = distinct(r, n, offsetof(struct record, preset), presets);
	unsigned nl = distinct(r, n, offsetof(struct record, layout), layouts);
	static const char *const colour_names[NCOLOURS] = { "blue", "orange", "green", "red",
							    "purple", "brown", "pink", "grey" };
	fprintf(f, "# mmuscope bench report\n\nmmuscope %s, board %s, %u runs. Figures are of each "
		   "run's region of interest (ROI: from the workload's NAME-start marker to its "
		   "NAME-done; the whole run when it reports none). Each cell: page-table walks per "
		   "1000 accesses, then translation cycles as a share of all cycles. The winner of "
		   "each workload has the fewest walks per 1000 accesses.\n",
		MMUSCOPE_VERSION, n ? r[0].board : "-", n);
	int status = 0;
	for (unsigned w = 0; w < nw; w++) {
		const struct record *first = find(r, n, workloads[w], presets[0], layouts[0]);
		fprintf(f, "\n## %s\n\nROI: %s.\n\n| preset |", workloads[w],
			first && *first->roi ? first->roi : "none reported, the whole run");
		for (unsigned l = 0; l < nl; l++)
			fprintf(f, " %s |", layouts[l]);
		fprintf(f, "\n|---|");
		for (unsigned l = 0; l < nl; l++)
			fprintf(f, "---|");
		fprintf(f, "\n");
		for (unsigned p = 0; p < np; p++) {
			fprintf(f, "| %s |", presets[p]);
			for (unsigned l = 0; l < nl; l++) {
				const struct record *rec = find(r, n, workloads[w], presets[p], layouts[l]);
				if (rec)
					fprintf(f, " %.2f (%.1f%%)%s |", roi_walks(rec),
						100 * translation_share(rec->roi_counter),
						rec->exit_code ? " FAILED" : "");
				else
					fprintf(f, " - |");
			}
			fprintf(f, "\n");
		}
		char chart[256], png[4096];
		chart_name(workloads[w], chart, sizeof chart);
		snprintf(png, sizeof png, "%s/%s", dir, chart);
		if (write_chart(png, r, n, workloads[w], presets, np, layouts, nl))
			status = 2;
		fprintf(f, "\nFewest walks per 1000 accesses: ");
		write_winner(f, r, n, workloads[w], "layout", "presets", offsetof(struct record, layout),
			     layouts, nl);
		fprintf(f, "; ");
		write_winner(f, r, n, workloads[w], "preset", "layouts", offsetof(struct record, preset),
			     presets, np);
		fprintf(f, ".\n");
		fprintf(f, "\n![ROI walks per 1000 accesses, %s](%s)\n\nBars: ROI walks per 1000 "
			   "accesses, grouped by preset (in table order); colours:", workloads[w], chart);
		for (unsigned l = 0; l < nl; l++)
			fprintf(f, "%s %s = %s", l ? "," : "", colour_names[l % NCOLOURS], layouts[l]);
		fprintf(f, ".\n");
	}
	fclose(f);
	return status;
}

static int cmp_index(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	return (x->index > y->index) - (x->index < y->index);
}

/* Reads DIR/runs/ of every directory and writes the three outputs to out. */
static int write_outputs(const char *out, char **dirs, unsigned ndirs)
{
	struct record *r = calloc(MAX_JOBS, sizeof *r);
	unsigned n = 0;
	int status = 0;
	for (unsigned d = 0; d < ndirs && r; d++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/runs", dirs[d]);
		DIR *dir = opendir(path);
		if (!dir) {
			fprintf(stderr, "mmuscope bench: %s has no runs/ directory\n", dirs[d]);
			free(r);
			return 2;
		}
		for (struct dirent *de; (de = readdir(dir)) && n < MAX_JOBS;) {
			size_t len = strlen(de->d_name);
			if (len < 5 || strcmp(de->d_name + len - 4, ".rec"))
				continue;
			snprintf(path, sizeof path, "%s/runs/%s", dirs[d], de->d_name);
			if (!read_record(path, &r[n])) {
				fprintf(stderr, "mmuscope bench: %s is not a complete run record\n", path);
				status = 2;
				continue;
			}
			bool dup = false;
			for (unsigned i = 0; i < n && !dup; i++)
				dup = r[i].index == r[n].index;
			n += !dup;
		}
		closedir(dir);
	}
	if (!r)
		return 2;
	qsort(r, n, sizeof *r, cmp_index);
	char path[4096];
	static const char *const names[] = { "results.csv", "results.json" };
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/%s", out, names[k]);
		FILE *f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "mmuscope bench: cannot write %s: %s\n", path, strerror(errno));
			free(r);
			return 2;
		}
		(k ? write_json : write_csv)(f, r, n);
		fclose(f);
	}
	int rs = write_report(out, r, n);
	free(r);
	return status ? status : rs;
}

static bool make_dirs(const char *out)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/runs", out);
	if ((mkdir(out, 0777) && errno != EEXIST) || (mkdir(path, 0777) && errno != EEXIST)) {
		fprintf(stderr, "mmuscope bench: cannot create %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

static void progress(unsigned done, unsigned total)
{
	enum { WIDTH = 40 };
	unsigned fill = total ? done * WIDTH / total : WIDTH;
	fprintf(stderr, "\r[%.*s%*s] %u/%u", (int)fill, "========================================",
		(int)(WIDTH - fill), "", done, total);
	if (done == total)
		fprintf(stderr, "\n");
}

static int bench_merge(int argc, char **argv)
{
	const char *out = NULL;
	char *dirs[256];
	unsigned ndirs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			bench_help();
			return 0;
		}
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage_error("bench", "merge: unknown option '%s'", argv[i]);
		else if (ndirs < 256)
			dirs[ndirs++] = argv[i];
	}
	if (!out || !ndirs)
		return cli_usage_error("bench", "merge needs --out DIR and at least one shard directory");
	if (mkdir(out, 0777) && errno != EEXIST) {
		fprintf(stderr, "mmuscope bench: cannot create %s: %s\n", out, strerror(errno));
		return 2;
	}
	return write_outputs(out, dirs, ndirs);
}

int cli_bench(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "merge"))
		return bench_merge(argc - 1, argv + 1);
	struct sweep s;
	int status = parse(argc, argv, &s);
	if (status >= 0)
		return status;
	if (!make_dirs(s.out))
		return 2;
	unsigned total = s.nworkloads * s.npresets * s.nlayouts, mine = 0;
	if (total > MAX_JOBS)
		return cli_usage_error("bench", "%u jobs: at most %d", total, MAX_JOBS);
	for (unsigned j = s.shard; j < total; j += s.nshards)
		mine++;
	bool bar = !s.quiet && isatty(2);
	unsigned next = s.shard, running = 0, done = 0, failed = 0, bad_input = 0;
	fflush(NULL);
	while (next < total || running) {
		if (next < total && running < s.jobs) {
			unsigned w = next / (s.npresets * s.nlayouts), p = next / s.nlayouts % s.npresets,
				 l = next % s.nlayouts;
			pid_t pid = fork();
			if (pid == 0)
				_exit(run_job(&s, next, s.workloads[w], s.presets[p], s.layouts[l]));
			if (pid < 0) {
				fprintf(stderr, "mmuscope bench: fork: %s\n", strerror(errno));
				return 2;
			}
			running++;
			next += s.nshards;
			continue;
		}
		int wst;
		if (wait(&wst) < 0)
			break;
		running--;
		done++;
		int code = WIFEXITED(wst) ? WEXITSTATUS(wst) : 1;
		bad_input += code == 2;
		failed += code != 0 && code != 2;
		if (bar)
			progress(done, mine);
	}
	char *out = (char *)s.out;
	status = write_outputs(s.out, &out, 1);
	if (bad_input) {
		fprintf(stderr, "mmuscope bench: %u job(s) rejected their workload or arguments\n",
			bad_input);
		return 2;
	}
	if (failed)
		fprintf(stderr, "mmuscope bench: %u job(s) failed\n", failed);
	return status ? status : failed ? 1 : 0;
}
