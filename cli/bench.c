/* mmuscope bench: sweeps of workloads x TLB presets x lowmem layouts, one
 * guest per job in its own process.  This half is the engine: the options,
 * the jobs and the record each leaves, the sweep directory (resume, lock)
 * and `bench merge`, which joins the directories of sharded sweeps; the
 * report writer (bench_report.c) turns the records into the output files.
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
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench.h"
#include "cli/cli.h"
#include "emu/emu.h"

#define MAX_JOBS 4096

/* A Linux job's command line (--kernel) up to its workload's item: init
 * (firmware/linux/init.c) runs the workloads= list and powers off. */
#define LINUX_CMDLINE "console=ttyAMA0 panic=-1 cryptomgr.notests rdinit=/init workloads="

static void bench_help(void)
{
	printf(
		"usage: mmuscope bench --workloads LIST [--presets LIST] [--layouts LIST]\n"
		"                      [--args \"ARGS\"] [--board B] [--jobs N] [--out DIR]\n"
		"                      [--shard I/N] [--quiet]\n"
		"       mmuscope bench --kernel FILE --dtb FILE [--initrd FILE] [--append \"EXTRA\"]\n"
		"                      --workloads LIST [--presets LIST] [...]  (real Linux)\n"
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
		"  --kernel FILE      boot this Linux zImage in every job instead of the project's\n"
		"                     kernel (board vexpress; docs/benchmarks.md); its init runs\n"
		"                     the job's workload, the command line being\n"
		"                       " LINUX_CMDLINE "NAME:ARGS\n"
		"                     (the ARGS' spaces and commas become colons) and EXTRA; the\n"
		"                     layout is 'linux' (Linux maps its own lowmem: no --layouts)\n"
		"  --dtb FILE         the kernel's device tree (needed with --kernel)\n"
		"  --initrd FILE      its initramfs (scripts/mkinitramfs.py)\n"
		"  --append \"EXTRA\"   more of its command line (not workloads=)\n"
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
		"The sweep owns DIR (docs/benchmarks.md): DIR/sweep names it, DIR/lock keeps a\n"
		"second sweep out, DIR/runs/ holds one record per finished job.  The same\n"
		"sweep run again resumes an unfinished DIR (only the missing jobs run); any\n"
		"other sweep's files there are removed first; a DIR that holds other files\n"
		"and no sweep is refused.  'merge' checks every record (exit 2 naming the\n"
		"file and line) and exits 1 for a partial sweep (runs missing).\n"
		"\n"
		"Exit status: 0 every job ran and exited 0, 1 a guest failed (or, for merge,\n"
		"runs are missing), 2 bad input.\n");
}

struct sweep {
	char *workloads[MAX_ITEMS], *presets[MAX_ITEMS], *layouts[MAX_ITEMS];
	unsigned nworkloads, npresets, nlayouts;
	const char *args, *board, *out;
	const char *kernel, *dtb, *initrd, *append;     /* --kernel: real Linux; else NULL */
	unsigned jobs, shard, nshards, total;
	char id[17];            /* sweep_id: what the sweep computes, not how it is split */
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

/* A record holds a value per line: none may hold a line end, nor any other
 * control character. */
static bool has_control_char(const char *text)
{
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return true;
	return false;
}

/* A value that goes into the records: one line, of at most max bytes. */
static int check_text(const char *opt, const char *text, size_t max)
{
	if (strlen(text) > max)
		return cli_usage_error("bench", "%s: '%.40s...' is longer than %zu characters", opt, text,
				       max);
	if (has_control_char(text))
		return cli_usage_error("bench", "%s holds a control character", opt);
	return -1;
}

/* Whether a word of the command line text starts with prefix. */
static bool has_word(const char *text, const char *prefix)
{
	for (const char *p = text; (p = strstr(p, prefix)); p++)
		if (p == text || p[-1] == ' ')
			return true;
	return false;
}

/* Arguments as Linux's init hands them to a workload: their words (split
 * at spaces, commas and colons) joined by sep, ':' on the command line
 * (workloads=NAME:key=value:...), ' ' in what the workload gets. */
static void linux_words(const char *args, char sep, char *out, size_t size)
{
	static const char gaps[] = " ,:";
	size_t n = 0;
	for (const char *p = args; *p && n + 1 < size; p++) {
		if (!strchr(gaps, *p))
			out[n++] = *p;
		else if (n && out[n - 1] != sep && p[strspn(p, gaps)])
			out[n++] = sep;
	}
	out[n] = 0;
}

/* A Linux job's command line: LINUX_CMDLINE, the workload with its
 * arguments (its own, else --args) in init's syntax, then --append's. */
static void linux_cmdline(const struct sweep *s, const char *workload_item, char *out, size_t size)
{
	char name[64], words[256];
	const char *own = item_name(workload_item, name, sizeof name);
	linux_words(own ? own : s->args, ':', words, sizeof words);
	snprintf(out, size, LINUX_CMDLINE "%s%s%s%s%s", name, *words ? ":" : "", words,
		 s->append ? " " : "", s->append ? s->append : "");
}

static int parse(int argc, char **argv, struct sweep *s)
{
	static char default_presets[] = "cortex-a5,cortex-a7,cortex-a9,cortex-a15";
	static char default_layouts[] = "sections,pages,supersections,large";
	static char linux_layout[] = "linux";
	char *workloads = NULL, *presets = default_presets, *layouts = NULL;
	const char *board = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*s = (struct sweep){ .out = "bench-out", .jobs = cpus > 0 ? (unsigned)cpus : 1,
			     .nshards = 1, .args = "" };
	static const char *const flags[] = { "--help", "-h", "--quiet", NULL };
	static const char *const valued[] = { "--workloads", "--presets", "--layouts", "--args",
		"--board", "--out", "--jobs", "--shard", "--kernel", "--dtb", "--initrd", "--append", NULL };
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
		else if (!strcmp(opt, "--board")) board = val;
		else if (!strcmp(opt, "--kernel")) s->kernel = val;
		else if (!strcmp(opt, "--dtb")) s->dtb = val;
		else if (!strcmp(opt, "--initrd")) s->initrd = val;
		else if (!strcmp(opt, "--append")) s->append = val;
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
	if (!s->kernel && (s->dtb || s->initrd || s->append))
		return cli_usage_error("bench", "--dtb, --initrd and --append need --kernel");
	/* Linux maps its lowmem itself: its jobs have the one layout. */
	if (s->kernel && layouts)
		return cli_usage_error("bench", "--layouts does not go with --kernel: Linux maps its "
				       "own lowmem (layout 'linux')");
	if (s->kernel && s->append && has_word(s->append, "workloads="))
		return cli_usage_error("bench", "--append: bench gives workloads= itself (--workloads)");
	layouts = layouts ? layouts : s->kernel ? linux_layout : default_layouts;
	s->board = board ? board : s->kernel ? "vexpress" : "q3f";
	int st;
	if ((st = split_list("--workloads", workloads, s->workloads, &s->nworkloads)) >= 0 ||
	    (st = split_list("--presets", presets, s->presets, &s->npresets)) >= 0 ||
	    (st = split_list("--layouts", layouts, s->layouts, &s->nlayouts)) >= 0)
		return st;
	/* What a record holds must fit its fields, one line each. */
	const struct { const char *opt, *text; size_t max; } texts[] = {
		{ "--args", s->args, 255 }, { "--board", s->board, 15 },
		{ "--append", s->append ? s->append : "", 255 },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if ((st = check_text(texts[i].opt, texts[i].text, texts[i].max)) >= 0)
			return st;
	for (unsigned i = 0; i < s->nworkloads; i++) {
		char name[64];
		const char *own = item_name(s->workloads[i], name, sizeof name);
		if ((st = check_text("--workloads", s->workloads[i], 63 + 1 + 255)) >= 0 ||
		    (st = check_text("--workloads", name, 62)) >= 0 ||
		    (own && (st = check_text("--workloads", own, 255)) >= 0))
			return st;
	}
	for (unsigned i = 0; i < s->npresets; i++)
		if ((st = check_text("--presets", s->presets[i], 255)) >= 0)
			return st;
	for (unsigned i = 0; i < s->nlayouts; i++)
		if ((st = check_text("--layouts", s->layouts[i], 127)) >= 0)
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
	/* With a kernel, the files and each job's command line are checked
	 * the same way, a machine built for every workload. */
	for (unsigned i = 0; i < (s->kernel ? s->nworkloads : s->nlayouts); i++) {
		char layout[64], cmdline[700];
		emu_options eo = { .board = s->board };
		if (s->kernel) {
			linux_cmdline(s, s->workloads[i], cmdline, sizeof cmdline);
			eo = (emu_options){ .board = s->board, .kernel = s->kernel, .dtb = s->dtb,
					    .initrd = s->initrd, .append = cmdline };
		} else {
			item_name(s->layouts[i], layout, sizeof layout);
			eo.layout = layout;
		}
		emu_t *e = emu_create(&eo, err, sizeof err);
		if (!e) {
			fprintf(stderr, "mmuscope bench: %s\n", err);
			return 2;
		}
		emu_destroy(e);
	}
	return -1;
}

/* ---- records ---- */

#define FIELD(name, type, member, min, max, column) \
	{ name, type, offsetof(struct record, member), sizeof((struct record *)0)->member, min, max, column }
static const field fixed_fields[] = {
	FIELD("sweep", FIELD_TEXT, sweep, 0, 0, false),
	FIELD("jobs", FIELD_UINT, jobs, 1, MAX_JOBS, false),
	FIELD("index", FIELD_UINT, index, 0, MAX_JOBS - 1, true),
	FIELD("workload", FIELD_TEXT, workload, 0, 0, true),
	FIELD("args", FIELD_TEXT, args, 0, 0, true),
	FIELD("preset", FIELD_TEXT, preset, 0, 0, true),
	FIELD("layout", FIELD_TEXT, layout, 0, 0, true),
	FIELD("board", FIELD_TEXT, board, 0, 0, true),
	FIELD("seed", FIELD_OPT_UINT, seed, 0, 0, true),
	FIELD("exit_code", FIELD_INT, exit_code, 0, 255, true),
	FIELD("run_time_s", FIELD_REAL, run_time, 0, 1e9, true),
	FIELD("roi", FIELD_TEXT, roi, 0, 0, true),
};
#undef FIELD
#define NFIXED (sizeof fixed_fields / sizeof fixed_fields[0])
#define NRUN_END (NFIXED + TLB_COUNTER_COUNT)
#define NFIELDS (NRUN_END + TLB_COUNTER_COUNT)

/* The fixed fields, then one per TLB counter of the whole run (tlb.h),
 * then one per counter of the ROI ("roi_" and its name; the outputs give
 * figures computed from them, not the counters themselves). */
static const field *record_field(size_t k)
{
	static field counters[2 * TLB_COUNTER_COUNT];
	static char roi_names[TLB_COUNTER_COUNT][64];
	if (k < NFIXED)
		return &fixed_fields[k];
	field *f = &counters[k - NFIXED];
	if (!f->name) {
		bool roi = k >= NRUN_END;
		size_t c = roi ? k - NRUN_END : k - NFIXED;
		const char *name = tlb_counter_name((tlb_counter)c);
		if (roi)
			snprintf(roi_names[c], sizeof roi_names[c], "roi_%s", name);
		*f = (field){ roi ? roi_names[c] : name, FIELD_UINT,
			      (roi ? offsetof(struct record, roi_counter) : offsetof(struct record, counter))
			      + c * sizeof(uint64_t), sizeof(uint64_t), 0, 0, !roi };
	}
	return f;
}

const field *cli_bench_column(size_t k)
{
	for (size_t i = 0; i < NFIXED; i++)
		if (fixed_fields[i].column && !k--)
			return &fixed_fields[i];
	return NULL;
}

static void *field_ptr(const struct record *r, const field *f)
{
	return (char *)r + f->offset;
}

void cli_bench_field_text(const struct record *r, const field *f, char *out, size_t size)
{
	const void *p = field_ptr(r, f);
	switch (f->type) {
	case FIELD_TEXT: snprintf(out, size, "%s", (const char *)p); break;
	case FIELD_UINT: snprintf(out, size, "%llu", (unsigned long long)*(const uint64_t *)p); break;
	case FIELD_OPT_UINT: {
		const opt_u64 *o = p;
		if (o->given)
			snprintf(out, size, "%llu", (unsigned long long)o->value);
		else
			*out = 0;
		break;
	}
	case FIELD_INT: snprintf(out, size, "%lld", (long long)*(const int64_t *)p); break;
	case FIELD_REAL: snprintf(out, size, "%.3f", *(const double *)p); break;
	}
}

/* Plain decimal digits only, without overflow. */
static bool parse_decimal(const char *text, uint64_t *out)
{
	if (!isdigit((unsigned char)*text))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* Parses one value into the record; false with the problem in msg. */
static bool field_parse(struct record *r, const field *f, const char *v, char *msg, size_t len)
{
	void *p = field_ptr(r, f);
	uint64_t u;
	switch (f->type) {
	case FIELD_TEXT:
		if (strlen(v) >= f->size) {
			snprintf(msg, len, "longer than %zu characters", f->size - 1);
			return false;
		}
		if (has_control_char(v)) {
			snprintf(msg, len, "holds a control character");
			return false;
		}
		snprintf(p, f->size, "%s", v);
		return true;
	case FIELD_OPT_UINT:
		if (!*v)
			return true;
		if (!parse_decimal(v, &u)) {
			snprintf(msg, len, "'%s' is not empty or a number in 0..%llu", v,
				 (unsigned long long)UINT64_MAX);
			return false;
		}
		*(opt_u64 *)p = (opt_u64){ true, u };
		return true;
	case FIELD_UINT: {
		bool ranged = f->max > 0;
		if (!parse_decimal(v, &u) || (ranged && (u < f->min || u > f->max))) {
			snprintf(msg, len, "'%s' is not a number in %.0f..%s", v, f->min,
				 ranged ? "" : "18446744073709551615");
			if (ranged)
				snprintf(msg + strlen(msg), len - strlen(msg), "%.0f", f->max);
			return false;
		}
		*(uint64_t *)p = u;
		return true;
	}
	case FIELD_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (!*v || isspace((unsigned char)*v) || errno || *end || n < f->min || n > f->max) {
			snprintf(msg, len, "'%s' is not a number in %.0f..%.0f", v, f->min, f->max);
			return false;
		}
		*(int64_t *)p = n;
		return true;
	}
	case FIELD_REAL: {
		char *end;
		double d = strtod(v, &end);
		if (!*v || isspace((unsigned char)*v) || *end || !(d >= f->min && d <= f->max)) {
			snprintf(msg, len, "'%s' is not a number in %g..%g", v, f->min, f->max);
			return false;
		}
		*(double *)p = d;
		return true;
	}
	}
	return false;
}

/* What follows the last '/' of a path: a preset file's label in the
 * records, a record's file name. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The value of a "key=value" word of guest arguments, or NULL if absent. */
static const char *arg_value(const char *args, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	for (const char *p = args; (p = strstr(p, key)); p += klen)
		if ((p == args || p[-1] == ' ' || p[-1] == ',') && p[klen] == '=') {
			snprintf(out, size, "%.*s", (int)strcspn(p + klen + 1, " ,"), p + klen + 1);
			return out;
		}
	return NULL;
}

/* A number the way the guest's arg() reads it (firmware/user/ulib.c):
 * decimal, or 0x and lower-case hex digits. */
static bool guest_number(const char *text, uint64_t *out)
{
	bool hex = text[0] == '0' && text[1] == 'x';
	const char *digits = text + (hex ? 2 : 0);
	if (!*digits || strspn(digits, hex ? "0123456789abcdef" : "0123456789") != strlen(digits))
		return false;
	errno = 0;
	*out = strtoull(digits, NULL, hex ? 16 : 10);
	return errno == 0;
}

/* Where the record of job `index` of the sweep in dir is: runs/NNNN.rec. */
static void record_path(char *out, size_t size, const char *dir, uint64_t index)
{
	snprintf(out, size, "%s/runs/%04llu.rec", dir, (unsigned long long)index);
}

/* Writes a record file, whole or not at all. */
static bool write_record(const char *dir, const struct record *r)
{
	char path[4096];
	record_path(path, sizeof path, dir, r->index);
	cli_output o;
	if (!cli_output_open(&o, "bench", path))
		return false;
	for (size_t k = 0; k < NFIELDS; k++) {
		char value[512];
		cli_bench_field_text(r, record_field(k), value, sizeof value);
		fprintf(o.f, "%s %s\n", record_field(k)->name, value);
	}
	return cli_output_commit(&o);
}

/* The record's region of interest: its markers and counters, or "" and
 * the whole run's counters when the workload reported no ROI. */
static void record_roi(struct record *r, const emu_t *e)
{
	const char *start, *end;
	const tlb_t *t = emu_tlb(e);
	const tlb_stats *roi = emu_roi_result(e, &start, &end);
	if (roi)
		snprintf(r->roi, sizeof r->roi, "%s..%s", start, end);
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		r->roi_counter[c] = roi ? tlb_stats_counter(t, roi, (tlb_counter)c) : r->counter[c];
}

/* One job, in a child process: boot, run, write the record. */
static int run_job(const struct sweep *s, unsigned index, const char *workload_item,
		   const char *preset, const char *layout_item)
{
	struct record r = { .jobs = s->total, .index = index };
	snprintf(r.sweep, sizeof r.sweep, "%s", s->id);
	char workload[64], layout[64], guest_args[512], seed[32], words[256], cmdline[700], roi[140];
	const char *own_args = item_name(workload_item, workload, sizeof workload);
	const char *args = own_args ? own_args : s->args;
	const char *layout_args = item_name(layout_item, layout, sizeof layout);
	FILE *devnull = fopen("/dev/null", "w");
	emu_options eo = { .board = s->board, .preset = preset, .model = true, .console = devnull };
	if (s->kernel) {
		/* The record holds the arguments as the workload gets them, as
		 * the project's kernel's jobs do. */
		linux_words(args, ' ', words, sizeof words);
		args = words;
		linux_cmdline(s, workload_item, cmdline, sizeof cmdline);
		snprintf(roi, sizeof roi, "%s-start,%s-done", workload, workload);
		eo.kernel = s->kernel, eo.dtb = s->dtb, eo.initrd = s->initrd, eo.append = cmdline;
		eo.roi = roi;
	}
	snprintf(guest_args, sizeof guest_args, "%s%s%s", args, *args && layout_args ? " " : "",
		 layout_args ? layout_args : "");
	if (arg_value(guest_args, "seed", seed, sizeof seed))
		r.seed.given = guest_number(seed, &r.seed.value);
	if (!s->kernel)
		eo.workload = workload, eo.args = guest_args, eo.layout = layout;
	char err[512];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	emu_t *e = emu_create(&eo, err, sizeof err);
	if (!e) {
		fprintf(stderr, "mmuscope bench: %s\n", err);
		return 2;
	}
	emu_stop stop = emu_run(e, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r.exit_code = stop == EMU_STOP_EXIT ? emu_exit_code(e) & 0xFF : 1;
	r.run_time = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
	snprintf(r.workload, sizeof r.workload, "%s", workload);
	snprintf(r.args, sizeof r.args, "%s", args);
	snprintf(r.preset, sizeof r.preset, "%s", base_name(preset));
	snprintf(r.layout, sizeof r.layout, "%s", layout_item);
	snprintf(r.board, sizeof r.board, "%s", s->board);
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		r.counter[c] = tlb_counter_get(emu_tlb(e), (tlb_counter)c);
	record_roi(&r, e);
	emu_destroy(e);
	fclose(devnull);
	return write_record(s->out, &r) ? (int)r.exit_code : 2;
}

/* Reads and checks a record file: every field present once, in range, the
 * file whole.  false after a one-line message naming the file and line
 * (quiet: no message, for a sweep that resumes and runs it again). */
static bool read_record(const char *path, struct record *r, bool quiet)
{
	memset(r, 0, sizeof *r);
	char msg[300] = "";
	unsigned line = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(msg, sizeof msg, "cannot read it: %s", strerror(errno));
	} else {
		bool seen[NFIELDS] = { false };
		char text[600];
		while (!*msg && fgets(text, sizeof text, f)) {
			line++;
			size_t len = strlen(text);
			if (!len || text[len - 1] != '\n') {
				snprintf(msg, sizeof msg, "%s", len == sizeof text - 1 ? "line too long"
					 : "line cut short (a torn record)");
				break;
			}
			text[len - 1] = 0;
			char *val = strchr(text, ' ');
			if (!val) {
				snprintf(msg, sizeof msg, "'%.40s' is not 'field value'", text);
				break;
			}
			*val++ = 0;
			size_t k = 0;
			while (k < NFIELDS && strcmp(record_field(k)->name, text))
				k++;
			char problem[200];
			if (k == NFIELDS)
				snprintf(msg, sizeof msg, "unknown field '%.40s'", text);
			else if (seen[k])
				snprintf(msg, sizeof msg, "%s given twice", text);
			else if (!field_parse(r, record_field(k), val, problem, sizeof problem))
				snprintf(msg, sizeof msg, "%s: %s", text, problem);
			else
				seen[k] = true;
		}
		if (!*msg && ferror(f))
			snprintf(msg, sizeof msg, "cannot read it: %s", strerror(errno));
		for (size_t k = 0; !*msg && k < NFIELDS; k++)
			if (!seen[k])
				snprintf(msg, sizeof msg, "no %s field (a torn record)", record_field(k)->name),
					line = 0;
		fclose(f);
	}
	if (!*msg && (strlen(r->sweep) != 16 || strspn(r->sweep, "0123456789abcdef") != 16))
		snprintf(msg, sizeof msg, "sweep '%s' is not a sweep identity", r->sweep), line = 0;
	if (!*msg && r->index >= r->jobs)
		snprintf(msg, sizeof msg, "index %llu is beyond the sweep's %llu jobs",
			 (unsigned long long)r->index, (unsigned long long)r->jobs), line = 0;
	char expected[32];
	snprintf(expected, sizeof expected, "%04llu.rec", (unsigned long long)r->index);
	if (!*msg && strcmp(base_name(path), expected))
		snprintf(msg, sizeof msg, "index %llu belongs in %s", (unsigned long long)r->index,
			 expected), line = 0;
	if (*msg) {
		if (!quiet && line)
			fprintf(stderr, "mmuscope bench: %s:%u: %s\n", path, line, msg);
		else if (!quiet)
			fprintf(stderr, "mmuscope bench: %s: %s\n", path, msg);
		return false;
	}
	snprintf(r->label, sizeof r->label, "%s%s%s", r->workload, *r->args ? " " : "", r->args);
	return true;
}

static int cmp_index(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	return (x->index > y->index) - (x->index < y->index);
}

/* Whether name is something followed by suffix. */
static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);
	return n > k && !strcmp(name + n - k, suffix);
}

/* Every record in DIR/runs/ (NULL-ended dirs), checked; records must be
 * of one sweep and no index may appear twice.  Returns the number read, or
 * -1 after a one-line message.  Temporary files of writers that were
 * stopped (".NNNN.rec.XXXXXX") are not records. */
static int read_records(char *const *dirs, struct record *r)
{
	unsigned n = 0;
	char first[4096] = "";
	static unsigned from[MAX_JOBS];    /* the directory each record came from */
	for (unsigned d = 0; dirs[d]; d++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/runs", dirs[d]);
		DIR *dir = opendir(path);
		if (!dir) {
			fprintf(stderr, "mmuscope bench: %s has no runs/ directory\n", dirs[d]);
			return -1;
		}
		for (struct dirent *de; (de = readdir(dir));) {
			if (de->d_name[0] == '.' || !ends_with(de->d_name, ".rec"))
				continue;
			snprintf(path, sizeof path, "%s/runs/%s", dirs[d], de->d_name);
			bool ok = n < MAX_JOBS && read_record(path, &r[n], false);
			if (ok && !*first)
				snprintf(first, sizeof first, "%s", path);
			const char *problem = NULL;
			if (n == MAX_JOBS)
				problem = "more records than a sweep has jobs";
			else if (ok && (strcmp(r[n].sweep, r[0].sweep) || r[n].jobs != r[0].jobs))
				problem = "belongs to another sweep than";
			for (unsigned i = 0; ok && !problem && i < n; i++)
				if (r[i].index == r[n].index) {
					problem = "repeats a run of";
					record_path(first, sizeof first, dirs[from[i]], r[i].index);
				}
			if (problem)
				fprintf(stderr, "mmuscope bench: %s: %s%s%s\n", path, problem,
					n == MAX_JOBS ? "" : " ", n == MAX_JOBS ? "" : first);
			if (!ok || problem) {
				closedir(dir);
				return -1;
			}
			from[n++] = d;
		}
		closedir(dir);
	}
	return (int)n;
}

/* A temporary file cli_output left behind when a sweep or merge was
 * stopped while writing one of its files: ".NAME.XXXXXX". */
static bool stopped_write(const char *name)
{
	static const char *const ours[] = { ".sweep.", ".results.csv.", ".results.json.",
					     ".report.md.", ".walks-" };
	for (size_t k = 0; k < sizeof ours / sizeof ours[0]; k++)
		if (!strncmp(name, ours[k], strlen(ours[k])))
			return true;
	return false;
}

/* The same in runs/, left by a job that was stopped while writing its
 * record: ".NNNN.rec.XXXXXX". */
static bool stopped_record_write(const char *name)
{
	return strstr(name, ".rec.") != NULL;
}

/* Removes the walks-*.png files of out that are not in keep, and what
 * stopped writers left. */
static void remove_stale(const char *out, char keep[][256], unsigned nkeep)
{
	DIR *dir = opendir(out);
	for (struct dirent *de; dir && (de = readdir(dir));) {
		bool chart = !strncmp(de->d_name, "walks-", 6) && ends_with(de->d_name, ".png");
		if (!chart && !stopped_write(de->d_name))
			continue;
		bool kept = false;
		for (unsigned i = 0; chart && i < nkeep && !kept; i++)
			kept = !strcmp(keep[i], de->d_name);
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", out, de->d_name);
		if (!kept)
			unlink(path);
	}
	if (dir)
		closedir(dir);
}

/* Reads the runs/ of every directory and writes the outputs to out: 0, or
 * 2 after a message.  *n: the runs read; *jobs: the sweep's job count. */
static int write_outputs(const char *out, char *const *dirs, unsigned *n, uint64_t *jobs)
{
	struct record *r = calloc(MAX_JOBS, sizeof *r);
	int got = r ? read_records(dirs, r) : -1;
	if (got < 0) {
		free(r);
		return 2;
	}
	*n = (unsigned)got;
	qsort(r, *n, sizeof *r, cmp_index);
	*jobs = *n ? r[0].jobs : 0;
	static char charts[MAX_ITEMS][256];
	unsigned ncharts = 0;
	int status = cli_bench_report(out, r, *n, *jobs, charts, &ncharts);
	remove_stale(out, charts, ncharts);
	free(r);
	return status;
}

/* ---- the sweep directory ---- */

/* FNV-1a: one more piece of text into the hash h. */
static uint64_t fnv1a(uint64_t h, const char *text)
{
	for (const char *c = text; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
	return h;
}

/* The same over a file's bytes; a file that cannot be read adds nothing
 * (parse has read it already). */
static uint64_t fnv1a_file(uint64_t h, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char buf[65536];
	for (size_t n; f && (n = fread(buf, 1, sizeof buf, f));)
		for (size_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
	if (f)
		fclose(f);
	return h;
}

/* A hash of what decides the runs' results: the build, the board, the
 * arguments and the three lists, and with --kernel the contents of the
 * kernel, device tree and initramfs (not their paths) and --append (not
 * --jobs, --shard or --out). */
static void sweep_id(struct sweep *s)
{
	char head[1024];
	const struct { char **items; unsigned n; } lists[] = {
		{ s->workloads, s->nworkloads }, { s->presets, s->npresets }, { s->layouts, s->nlayouts },
	};
	snprintf(head, sizeof head, "%s\n%s\n%s\n", MMUSCOPE_VERSION, s->board, s->args);
	uint64_t h = fnv1a(0xcbf29ce484222325ull, head);
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
		for (unsigned i = 0; i < lists[l].n; i++)
			h = fnv1a(fnv1a(h, lists[l].items[i]), ",");
		h = fnv1a(h, "\n");
	}
	if (s->kernel) {
		const char *files[] = { s->kernel, s->dtb, s->initrd };
		for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
			h = fnv1a(files[k] ? fnv1a_file(h, files[k]) : h, "\n");
		h = fnv1a(h, s->append ? s->append : "");
	}
	snprintf(s->id, sizeof s->id, "%016llx", (unsigned long long)h);
}

/* Takes DIR/lock for this process and its jobs (released when they end);
 * the fd stays open on purpose.  false after a message. */
static bool lock_dir(const char *out)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/lock", out);
	int fd = open(path, O_RDWR | O_CREAT, 0666);
	if (fd < 0) {
		fprintf(stderr, "mmuscope bench: cannot create %s: %s\n", path, strerror(errno));
		return false;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "mmuscope bench: %s is in use by another sweep or merge\n", out);
		close(fd);
		return false;
	}
	return true;
}

/* Removes records of runs/ (all, or only what stopped writers left). */
static void clear_records(const char *out, bool only_temporary)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/runs", out);
	DIR *dir = opendir(path);
	for (struct dirent *de; dir && (de = readdir(dir));) {
		if (stopped_record_write(de->d_name) ||
		    (!only_temporary && ends_with(de->d_name, ".rec"))) {
			snprintf(path, sizeof path, "%s/runs/%s", out, de->d_name);
			unlink(path);
		}
	}
	if (dir)
		closedir(dir);
}

/* Removes the results, report and charts of out. */
static void clear_outputs(const char *out)
{
	static const char *const names[] = { "results.csv", "results.json", "report.md" };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", out, names[k]);
		unlink(path);
	}
	remove_stale(out, NULL, 0);
}

/* What a directory without DIR/sweep may hold when it is to become one:
 * the lock and runs/, which this command just made, and what stopped
 * writers left. */
static bool sweep_file(const char *name)
{
	return !strcmp(name, "lock") || !strcmp(name, "runs") || stopped_write(name);
}

/* How many entries of the directory path, bar . and .., are not ours. */
static unsigned count_others(const char *path, bool (*ours)(const char *name))
{
	unsigned others = 0;
	DIR *dir = opendir(path);
	for (struct dirent *de; dir && (de = readdir(dir));)
		others += strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && !ours(de->d_name);
	if (dir)
		closedir(dir);
	return others;
}

/* The first line of DIR/sweep: "SWEEP_ID JOBS SHARD/NSHARDS". */
static void sweep_line(const struct sweep *s, char *out, size_t size)
{
	snprintf(out, size, "%s %u %u/%u", s->id, s->total, s->shard, s->nshards);
}

/* Makes out this sweep's directory: creates and locks it; a directory of
 * the same sweep and shard that is not finished is resumed (done[j] set for
 * every run whose record is whole), any other sweep's files are removed, and
 * a directory that holds no sweep is refused.  false after a message. */
static bool prepare_dir(const struct sweep *s, bool *done, unsigned *ndone)
{
	char path[4096], line[128], want[128];
	snprintf(path, sizeof path, "%s/runs", s->out);
	if ((mkdir(s->out, 0777) && errno != EEXIST) || (mkdir(path, 0777) && errno != EEXIST)) {
		fprintf(stderr, "mmuscope bench: cannot create %s: %s\n", path, strerror(errno));
		return false;
	}
	if (!lock_dir(s->out))
		return false;
	snprintf(path, sizeof path, "%s/sweep", s->out);
	FILE *f = fopen(path, "r");
	bool owned = f != NULL, same = f && fgets(line, sizeof line, f);
	if (f)
		fclose(f);
	if (!owned) {
		snprintf(path, sizeof path, "%s/runs", s->out);
		if (count_others(s->out, sweep_file) + count_others(path, stopped_record_write)) {
			fprintf(stderr, "mmuscope bench: %s holds files but no sweep (no %s/sweep): "
				"choose another --out\n", s->out, s->out);
			return false;
		}
	}
	sweep_line(s, want, sizeof want);
	same = same && !strncmp(line, want, strlen(want)) && line[strlen(want)] == '\n';
	*ndone = 0;
	unsigned mine = 0;
	for (unsigned j = s->shard; same && j < s->total; j += s->nshards) {
		struct record r;
		record_path(path, sizeof path, s->out, j);
		mine++;
		done[j] = read_record(path, &r, true) && !strcmp(r.sweep, s->id) && r.jobs == s->total;
		*ndone += done[j];
	}
	if (same && *ndone < mine) {
		if (!s->quiet)
			fprintf(stderr, "mmuscope bench: resuming the sweep in %s: %u of %u runs done\n",
				s->out, *ndone, mine);
		/* Records that were not whole are run again; outputs are remade. */
		for (unsigned j = s->shard; j < s->total; j += s->nshards)
			if (!done[j]) {
				record_path(path, sizeof path, s->out, j);
				unlink(path);
			}
		clear_records(s->out, true);
		clear_outputs(s->out);
		return true;
	}
	memset(done, 0, s->total * sizeof *done);
	*ndone = 0;
	clear_records(s->out, false);
	clear_outputs(s->out);
	snprintf(path, sizeof path, "%s/sweep", s->out);
	cli_output o;
	if (!cli_output_open(&o, "bench", path))
		return false;
	fprintf(o.f, "%s\nboard %s\nargs %s\n", want, s->board, s->args);
	const struct { const char *name; char *const *items; unsigned n; } lists[] = {
		{ "workloads", s->workloads, s->nworkloads }, { "presets", s->presets, s->npresets },
		{ "layouts", s->layouts, s->nlayouts },
	};
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
		fprintf(o.f, "%s ", lists[l].name);
		for (unsigned i = 0; i < lists[l].n; i++)
			fprintf(o.f, "%s%s", i ? "," : "", lists[l].items[i]);
		fprintf(o.f, "\n");
	}
	if (s->kernel)
		fprintf(o.f, "kernel %s\ndtb %s\ninitrd %s\nappend %s\n", s->kernel, s->dtb,
			s->initrd ? s->initrd : "", s->append ? s->append : "");
	return cli_output_commit(&o);
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
	char *dirs[257];
	unsigned ndirs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			bench_help();
			return 0;
		}
		if (!strcmp(argv[i], "--out") && i + 1 < argc && !out)
			out = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage_error("bench", "merge: unexpected option '%s'", argv[i]);
		else if (ndirs == 256)
			return cli_usage_error("bench", "merge: at most 256 shard directories");
		else
			dirs[ndirs++] = argv[i];
	}
	dirs[ndirs] = NULL;
	if (!out || !ndirs)
		return cli_usage_error("bench", "merge needs --out DIR and at least one shard directory");
	for (unsigned d = 0; d < ndirs; d++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/runs", dirs[d]);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "mmuscope bench: %s has no runs/ directory\n", dirs[d]);
			return 2;
		}
	}
	if (mkdir(out, 0777) && errno != EEXIST) {
		fprintf(stderr, "mmuscope bench: cannot create %s: %s\n", out, strerror(errno));
		return 2;
	}
	if (!lock_dir(out))
		return 2;
	unsigned n;
	uint64_t jobs;
	int status = write_outputs(out, dirs, &n, &jobs);
	if (status)
		return status;
	if (!n) {
		fprintf(stderr, "mmuscope bench: merge: the shard directories hold no run records\n");
		return 2;
	}
	if (n < jobs) {
		fprintf(stderr, "mmuscope bench: merge: a partial sweep, %u of its %llu runs\n", n,
			(unsigned long long)jobs);
		return 1;
	}
	return 0;
}

int cli_bench(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "merge"))
		return bench_merge(argc - 1, argv + 1);
	struct sweep s;
	int status = parse(argc, argv, &s);
	if (status >= 0)
		return status;
	unsigned total = s.nworkloads * s.npresets * s.nlayouts, mine = 0, already = 0;
	if (total > MAX_JOBS)
		return cli_usage_error("bench", "%u jobs: at most %d", total, MAX_JOBS);
	s.total = total;
	sweep_id(&s);
	static bool done_before[MAX_JOBS];
	if (!prepare_dir(&s, done_before, &already))
		return 2;
	for (unsigned j = s.shard; j < total; j += s.nshards)
		mine += !done_before[j];
	bool bar = !s.quiet && isatty(2);
	unsigned next = s.shard, running = 0, done = 0, failed = 0, bad_input = 0;
	fflush(NULL);
	while (next < total || running) {
		if (next < total && done_before[next]) {
			next += s.nshards;
			continue;
		}
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
	char *dirs[] = { (char *)s.out, NULL };
	unsigned n;
	uint64_t jobs;
	status = write_outputs(s.out, dirs, &n, &jobs);
	if (bad_input) {
		fprintf(stderr, "mmuscope bench: %u job(s) rejected their workload or arguments\n",
			bad_input);
		return 2;
	}
	if (failed)
		fprintf(stderr, "mmuscope bench: %u job(s) failed\n", failed);
	return status ? status : failed ? 1 : 0;
}