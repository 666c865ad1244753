/* The region of interest: every model counter between two markers the
 * guest reports (`--roi START,END`; by default the workload's own
 * NAME-start and NAME-done).  The model's counters are copied when START
 * is first reported and again at the first END after it; the ROI is the
 * difference.  Markers are rare, so the copies cost nothing per access. */
#include <stdlib.h>
#include <string.h>

#include "firmware/abi.h"
#include "model/internal.h"

enum roi_phase { ROI_BEFORE, ROI_INSIDE, ROI_AFTER };

struct model_roi {
	char start[MARKER_NAME_MAX + 1], end[MARKER_NAME_MAX + 1];
	bool asked;             /* named by --roi; else the workload's default */
	enum roi_phase phase;
	bool end_first;         /* END was reported before START */
	tlb_stats at_start;
	tlb_stats counters;     /* the ROI's, once phase is ROI_AFTER */
};

/* A name the guest can report: 1..MARKER_NAME_MAX printable characters
 * (longer ones are cut); a comma would split the --roi value. */
static bool marker_form(const char *name, size_t len, const char *spec, char *err,
			size_t errlen)
{
	if (len == 0 || len > MARKER_NAME_MAX) {
		snprintf(err, errlen, "--roi '%s': a marker name has 1 to %zu characters", spec,
			 MARKER_NAME_MAX);
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (name[i] < 0x20 || name[i] > 0x7E) {
			snprintf(err, errlen, "--roi: marker names are printable ASCII");
			return false;
		}
	return true;
}

/* Splits "START,END" into the two names (*none for "none"); 0 or 2. */
static int parse_spec(const char *spec, char *start, char *end, bool *none, char *err,
		      size_t errlen)
{
	*none = !strcmp(spec, "none");
	if (*none)
		return 0;
	const char *comma = strchr(spec, ',');
	if (!comma || strchr(comma + 1, ',')) {
		snprintf(err, errlen, "--roi takes START,END (two marker names) or none, not '%.80s'",
			 spec);
		return 2;
	}
	size_t slen = (size_t)(comma - spec), elen = strlen(comma + 1);
	if (!marker_form(spec, slen, spec, err, errlen) ||
	    !marker_form(comma + 1, elen, spec, err, errlen))
		return 2;
	memcpy(start, spec, slen);
	start[slen] = 0;
	memcpy(end, comma + 1, elen + 1);
	if (!strcmp(start, end)) {
		snprintf(err, errlen, "--roi %s: END is START; name two different markers", spec);
		return 2;
	}
	return 0;
}

int model_roi_check_spec(const char *spec, char *err, size_t errlen)
{
	char start[MARKER_NAME_MAX + 1], end[MARKER_NAME_MAX + 1];
	bool none;
	return spec ? parse_spec(spec, start, end, &none, err, errlen) : 0;
}

int model_roi_new(const char *spec, const char *workload, model_roi **out, char *err,
		  size_t errlen)
{
	*out = NULL;
	char start[MARKER_NAME_MAX + 1], end[MARKER_NAME_MAX + 1];
	bool none = false;
	if (spec) {
		if (parse_spec(spec, start, end, &none, err, errlen))
			return 2;
	} else if (workload) {
		/* A default the guest cannot report simply never starts. */
		snprintf(start, sizeof start, "%s-start", workload);
		snprintf(end, sizeof end, "%s-done", workload);
	} else {
		start[0] = end[0] = 0; /* the first NAME-start the guest reports */
	}
	if (none)
		return 0;
	model_roi *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	memcpy(r->start, start, sizeof start);
	memcpy(r->end, end, sizeof end);
	r->asked = spec != NULL;
	*out = r;
	return 0;
}

void model_roi_free(model_roi *r)
{
	free(r);
}

bool model_roi_in_image(const model_roi *r, const uint8_t *image, size_t len, char *err,
		      size_t errlen)
{
	if (!r || !r->asked)
		return true;
	const char *names[2] = { r->start, r->end };
	for (int i = 0; i < 2; i++)
		if (!memmem(image, len, names[i], strlen(names[i]))) {
			snprintf(err, errlen, "--roi: unknown marker '%s' (the firmware image "
				 "holds no such name, so the guest never reports it)", names[i]);
			return false;
		}
	return true;
}

void model_roi_marker(model_roi *r, const tlb_t *t, const char *name)
{
	size_t len = strlen(name), suffix = strlen("-start");
	if (r->phase == ROI_BEFORE && !r->start[0] && len > suffix &&
	    !strcmp(name + len - suffix, "-start")) {
		snprintf(r->start, sizeof r->start, "%s", name);
		snprintf(r->end, sizeof r->end, "%.*s-done", (int)(len - suffix), name);
	}
	if (r->phase == ROI_BEFORE && !strcmp(name, r->start)) {
		tlb_stats_snapshot(t, &r->at_start);
		r->phase = ROI_INSIDE;
	} else if (r->phase == ROI_INSIDE && !strcmp(name, r->end)) {
		tlb_stats_snapshot(t, &r->counters);
		tlb_stats_sub(&r->counters, &r->at_start);
		r->phase = ROI_AFTER;
	} else if (r->phase == ROI_BEFORE && !strcmp(name, r->end)) {
		r->end_first = true;
	}
}

const tlb_stats *model_roi_counters(const model_roi *r, const char **start, const char **end)
{
	if (!r || r->phase != ROI_AFTER)
		return NULL;
	*start = r->start;
	*end = r->end;
	return &r->counters;
}

int model_roi_verdict(const model_roi *r, char *err, size_t errlen)
{
	if (!r || !r->asked || r->phase == ROI_AFTER)
		return 0;
	if (r->end_first)
		snprintf(err, errlen, "--roi: END marker '%s' was reached before START '%s'%s",
			 r->end, r->start, r->phase == ROI_INSIDE ? ", never after it"
					   : ", and START never");
	else if (r->phase == ROI_INSIDE)
		snprintf(err, errlen, "--roi: marker '%s' was never reached after '%s'", r->end,
			 r->start);
	else
		snprintf(err, errlen, "--roi: marker '%s' was never reached", r->start);
	return 2;
}

static void describe(const model_roi *r, char *out, size_t size)
{
	if (!r)
		snprintf(out, size, "none (--roi none: the whole run only)");
	else if (r->phase == ROI_AFTER)
		snprintf(out, size, "%s .. %s", r->start, r->end);
	else if (!r->start[0])
		snprintf(out, size, "none: the run reported no NAME-start marker");
	else
		snprintf(out, size, "none: the run did not report %s then %s", r->start, r->end);
}

void model_roi_print(const model_roi *r, const tlb_t *t, FILE *out)
{
	char what[160];
	describe(r, what, sizeof what);
	fprintf(out, "\n== region of interest: %s ==\n", what);
	if (r && r->phase == ROI_AFTER) {
		fprintf(out, "instructions  %llu\n",
			(unsigned long long)tlb_stats_counter(t, &r->counters, TLB_CNT_instructions));
		tlb_stats_print_of(t, &r->counters, out);
	}
}

void model_roi_json(const model_roi *r, const tlb_t *t, FILE *out)
{
	if (!r || r->phase != ROI_AFTER) {
		fprintf(out, "null");
		return;
	}
	/* Names are printable ASCII (marker_form) but may hold quotes. */
	fprintf(out, "{\n    \"start\": ");
	model_json_string(out, r->start);
	fprintf(out, ",\n    \"end\": ");
	model_json_string(out, r->end);
	fprintf(out, ",\n");
	tlb_stats_json_members(t, &r->counters, out);
	fprintf(out, "\n  }");
}
