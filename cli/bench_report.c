/* mmuscope bench's report writer: from the records of a sweep (bench.h),
 * results.csv and results.json (a row per run: its fields, the figures
 * computed from its counters, the counters) and report.md (per workload a
 * table, the winners and a chart, walks-WORKLOAD.png).  It reads nothing
 * but the records, so a merge of shards writes what the whole sweep would
 * have. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench.h"
#include "cli/cli.h"
#include "ui/ui.h"

/* ---- figures ---- */

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

/* A CSV field (RFC 4180): quoted when it holds a comma, quote or line end. */
static void csv_text(FILE *f, const char *v)
{
	if (!v[strcspn(v, ",\"\r\n")]) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static void json_text(FILE *f, const char *v)
{
	fputc('"', f);
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void write_csv(FILE *f, const struct record *r, unsigned n)
{
	const field *fl;
	for (size_t k = 0; (fl = cli_bench_column(k)); k++)
		fprintf(f, "%s%s", k ? "," : "", fl->name);
	for (size_t d = 0; d < NFIGURES; d++)
		fprintf(f, ",%s", figures[d].name);
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		fprintf(f, ",run_%s", tlb_counter_name((tlb_counter)c));
	fprintf(f, "\n");
	for (unsigned i = 0; i < n; i++, r++) {
		char value[512];
		for (size_t k = 0; (fl = cli_bench_column(k)); k++) {
			cli_bench_field_text(r, fl, value, sizeof value);
			if (k)
				fputc(',', f);
			csv_text(f, value);
		}
		for (size_t d = 0; d < NFIGURES; d++) {
			fputc(',', f);
			fprintf(f, figures[d].format, figure_of(r, &figures[d]));
		}
		for (int c = 0; c < TLB_COUNTER_COUNT; c++)
			fprintf(f, ",%llu", (unsigned long long)r->counter[c]);
		fprintf(f, "\n");
	}
}

/* A field as a JSON value: text quoted, numbers bare, an absent seed null. */
static void json_field(FILE *f, const struct record *r, const field *fl)
{
	char value[512];
	cli_bench_field_text(r, fl, value, sizeof value);
	if (fl->type == FIELD_TEXT)
		json_text(f, value);
	else
		fputs(fl->type == FIELD_OPT_UINT && !*value ? "null" : value, f);
}

static void write_json(FILE *f, const struct record *r, unsigned n, const char *sweep,
		       uint64_t jobs)
{
	fprintf(f, "{\n  \"version\": \"%s\",\n  \"sweep\": \"%s\",\n  \"jobs\": %llu,\n  "
		   "\"partial\": %s,\n  \"runs\": [", MMUSCOPE_VERSION, sweep, (unsigned long long)jobs,
		n < jobs ? "true" : "false");
	for (unsigned i = 0; i < n; i++, r++) {
		fprintf(f, "%s\n    {", i ? "," : "");
		const field *fl;
		for (size_t k = 0; (fl = cli_bench_column(k)); k++) {
			fprintf(f, "%s\"%s\": ", k ? ", " : "", fl->name);
			json_field(f, r, fl);
		}
		for (size_t d = 0; d < NFIGURES; d++) {
			fprintf(f, ", \"%s\": ", figures[d].name);
			fprintf(f, figures[d].format, figure_of(r, &figures[d]));
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
	cli_output o;
	int rc = -1;
	if (cli_output_open(&o, "bench", path)) {
		rc = ui_png_write(cli_output_file(&o), px, width, H, err, sizeof err);
		if (rc) {
			fprintf(stderr, "mmuscope bench: %s\n", err);
			cli_output_discard(&o);
		} else if (!cli_output_commit(&o)) {
			rc = -1;
		}
	}
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

/* report.md and a chart per workload; the names of the charts written
 * go to charts (for removing those of an earlier sweep). */
static int write_report(const char *dir, const struct record *r, unsigned n, uint64_t jobs,
			char charts[][256], unsigned *ncharts)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/report.md", dir);
	cli_output o;
	if (!cli_output_open(&o, "bench", path))
		return 2;
	FILE *f = o.f;
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
	if (n < jobs)
		fprintf(f, "\n**A partial sweep: %u of its %llu runs.**\n", n, (unsigned long long)jobs);
	int status = 0;
	*ncharts = 0;
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
		char *chart = charts[(*ncharts)++], png[4096];
		chart_name(workloads[w], chart, 256);
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
	return cli_output_commit(&o) ? status : 2;
}

int cli_bench_report(const char *dir, const struct record *r, unsigned n, uint64_t jobs,
		     char charts[][256], unsigned *ncharts)
{
	char path[4096];
	static const char *const names[] = { "results.csv", "results.json" };
	int status = 0;
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[k]);
		cli_output o;
		if (!cli_output_open(&o, "bench", path)) {
			status = 2;
			continue;
		}
		if (k)
			write_json(o.f, r, n, n ? r[0].sweep : "", jobs);
		else
			write_csv(o.f, r, n);
		if (!cli_output_commit(&o))
			status = 2;
	}
	if (write_report(dir, r, n, jobs, charts, ncharts))
		status = 2;
	return status;
}
