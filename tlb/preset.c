/* Preset files: `key = value` lines, `#` comments, every field validated.
 * Errors are one line, "file:line: field: problem". */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#include "tlb/internal.h"

#ifndef MMUSCOPE_SOURCE_DIR
#define MMUSCOPE_SOURCE_DIR "."
#endif

enum {
	MAX_ENTRIES = 1u << 16,  /* per level: far beyond any TLB, small enough to allocate */
	MAX_LOCKABLE = 64,
	MAX_LATENCY = 1u << 20,
	MAX_CPI = 1000,
	MAX_KEYS = 64,
	MAX_FILE = 1u << 20,
};

void tlb_config_default(tlb_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->name, sizeof cfg->name, "custom");
	cfg->memory_latency = 30;
	cfg->base_cpi = 1;
	cfg->seed = 1;
}

/* ---- Cross-field validation (shared with tlb_new) ------------------------ */

static int config_problem(const tlb_config *cfg, char *field, size_t fieldlen, char *msg,
			  size_t msglen)
{
	const tlb_level_config *main = &cfg->level[TLB_MAIN];

	for (tlb_level_id id = 0; id < TLB_LEVEL_COUNT; id++) {
		const tlb_level_config *c = &cfg->level[id];
		const char *name = tlb_level_name(id);
		if (id != TLB_MAIN && c->lockable) {
			snprintf(field, fieldlen, "%s.lockable", name);
			snprintf(msg, msglen, "only the main TLB has lockdown entries");
			return -1;
		}
		if (c->entries == 0)
			continue;
		snprintf(field, fieldlen, "%s.ways", name);
		if (c->ways == 0) {
			snprintf(msg, msglen, "must be at least 1");
			return -1;
		}
		if (c->ways > c->entries) {
			snprintf(msg, msglen, "%u ways exceed the %u entries", c->ways, c->entries);
			return -1;
		}
		if (c->entries % c->ways) {
			snprintf(msg, msglen, "%u entries are not a multiple of %u ways", c->entries,
				 c->ways);
			return -1;
		}
		if (c->entries > MAX_ENTRIES) {
			snprintf(field, fieldlen, "%s.entries", name);
			snprintf(msg, msglen, "%u is too large (at most %u)", c->entries, MAX_ENTRIES);
			return -1;
		}
		if (c->policy >= TLB_POLICY_COUNT) {
			snprintf(field, fieldlen, "%s.policy", name);
			snprintf(msg, msglen, "unknown policy");
			return -1;
		}
		if (c->policy == TLB_POLICY_PLRU && (c->ways > 64 || (c->ways & (c->ways - 1)))) {
			snprintf(field, fieldlen, "%s.policy", name);
			snprintf(msg, msglen, "plru needs a power-of-two number of ways up to 64, "
				 "not %u", c->ways);
			return -1;
		}
	}
	if (main->lockable && !main->entries) {
		snprintf(field, fieldlen, "main.lockable");
		snprintf(msg, msglen, "lockdown entries need a main TLB (main.entries > 0)");
		return -1;
	}
	if (main->lockable > MAX_LOCKABLE) {
		snprintf(field, fieldlen, "main.lockable");
		snprintf(msg, msglen, "%u is too large (at most %u)", main->lockable, MAX_LOCKABLE);
		return -1;
	}
	return 0;
}

int tlb_config_validate(const tlb_config *cfg, char *err, size_t errlen)
{
	char field[48], msg[160];
	if (config_problem(cfg, field, sizeof field, msg, sizeof msg) == 0)
		return 0;
	if (err)
		snprintf(err, errlen, "%s: %s", field, msg);
	return -1;
}

/* ---- Values --------------------------------------------------------------- */

/* A non-negative decimal or 0x-hex number no larger than max; else the
 * problem, in msg. */
static bool parse_number(const char *v, uint64_t max, uint64_t *out, char *msg, size_t msglen)
{
	char *end;
	if (v[0] == '-' && isdigit((unsigned char)v[1])) {
		snprintf(msg, msglen, "must not be negative, got '%s'", v);
		return false;
	}
	if (!isdigit((unsigned char)v[0])) {
		snprintf(msg, msglen, "expected a number, got '%s'", v);
		return false;
	}
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (*end) {
		snprintf(msg, msglen, "expected a number, got '%s'", v);
		return false;
	}
	if (errno == ERANGE || n > max) {
		snprintf(msg, msglen, "%s is too large (at most %llu)", v, (unsigned long long)max);
		return false;
	}
	*out = n;
	return true;
}

static bool parse_bool(const char *v, bool *out, char *msg, size_t msglen)
{
	if (!strcmp(v, "yes") || !strcmp(v, "no")) {
		*out = v[0] == 'y';
		return true;
	}
	snprintf(msg, msglen, "expected yes or no, got '%s'", v);
	return false;
}

static bool parse_policy(const char *v, tlb_policy *out, char *msg, size_t msglen)
{
	for (tlb_policy p = 0; p < TLB_POLICY_COUNT; p++) {
		if (!strcmp(v, tlb_policy_name(p))) {
			*out = p;
			return true;
		}
	}
	snprintf(msg, msglen, "unknown policy '%s' (lru, plru, fifo, random)", v);
	return false;
}

/* Names end up in JSON and file listings: keep them plain. */
static bool parse_name(const char *v, char *out, size_t outlen, char *msg, size_t msglen)
{
	size_t n = strlen(v);
	if (n >= outlen) {
		snprintf(msg, msglen, "longer than %zu characters", outlen - 1);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)v[i]) && !strchr("._-+", v[i])) {
			snprintf(msg, msglen, "'%s' may hold only letters, digits and . _ - +", v);
			return false;
		}
	}
	memcpy(out, v, n + 1);
	return true;
}

/* Sets one key; false with the problem in msg (the caller adds file, line
 * and key). */
static bool set_key(tlb_config *cfg, const char *key, const char *v, bool *ways_set, char *msg,
		    size_t msglen)
{
	uint64_t n;
	const char *dot = strchr(key, '.');

	if (dot) {
		for (tlb_level_id id = 0; id < TLB_LEVEL_COUNT; id++) {
			const char *level = tlb_level_name(id);
			if (strlen(level) != (size_t)(dot - key) || strncmp(key, level, (size_t)(dot - key)))
				continue;
			tlb_level_config *c = &cfg->level[id];
			const char *field = dot + 1;
			if (!strcmp(field, "policy"))
				return parse_policy(v, &c->policy, msg, msglen);
			unsigned *dst = !strcmp(field, "entries") ? &c->entries
				: !strcmp(field, "ways") ? &c->ways
				: !strcmp(field, "latency") ? &c->latency
				: (!strcmp(field, "lockable") && id == TLB_MAIN) ? &c->lockable
				: NULL;
			if (!dst)
				break;
			if (!parse_number(v, dst == &c->latency ? MAX_LATENCY : MAX_ENTRIES, &n, msg,
					  msglen))
				return false;
			*dst = (unsigned)n;
			if (dst == &c->ways)
				ways_set[id] = true;
			return true;
		}
	} else if (!strcmp(key, "name")) {
		return parse_name(v, cfg->name, sizeof cfg->name, msg, msglen);
	} else if (!strcmp(key, "memory_latency") || !strcmp(key, "base_cpi")) {
		bool cpi = key[0] == 'b';
		if (!parse_number(v, cpi ? MAX_CPI : MAX_LATENCY, &n, msg, msglen))
			return false;
		*(cpi ? &cfg->base_cpi : &cfg->memory_latency) = (unsigned)n;
		return true;
	} else if (!strcmp(key, "seed")) {
		return parse_number(v, UINT64_MAX, &cfg->seed, msg, msglen);
	} else if (!strcmp(key, "micro_4k_only")) {
		return parse_bool(v, &cfg->micro_4k_only, msg, msglen);
	} else if (!strcmp(key, "micro_flush_on_context_write")) {
		return parse_bool(v, &cfg->micro_flush_on_context_write, msg, msglen);
	} else if (!strcmp(key, "micro_flush_on_maintenance")) {
		return parse_bool(v, &cfg->micro_flush_on_maintenance, msg, msglen);
	}
	snprintf(msg, msglen, "unknown key");
	return false;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* The name a preset gets when it has no `name =` line: its file name. */
static void default_name(const char *file, tlb_config *cfg)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t n = strcspn(base, ".");
	char plain[sizeof cfg->name], msg[8];
	snprintf(plain, sizeof plain, "%.*s", (int)n, base);
	if (!parse_name(plain, cfg->name, sizeof cfg->name, msg, sizeof msg))
		snprintf(cfg->name, sizeof cfg->name, "custom");
}

int tlb_preset_parse(const char *text, const char *file, tlb_config *cfg, char *err,
		     size_t errlen)
{
	struct { char key[48]; unsigned line; } seen[MAX_KEYS];
	unsigned nseen = 0, lineno = 0;
	bool ways_set[TLB_LEVEL_COUNT] = { false };
	bool named = false, sized = false;
	char msg[200];

	tlb_config_default(cfg);
	for (const char *p = text; *p; ) {
		size_t len = strcspn(p, "\n");
		char line[512];
		lineno++;
		if (len >= sizeof line) {
			snprintf(err, errlen, "%s:%u: line longer than %zu characters", file, lineno,
				 sizeof line - 1);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (p[len] == '\n');
		line[strcspn(line, "#")] = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: %s: expected 'key = value'", file, lineno, s);
			return -1;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (!*key) {
			snprintf(err, errlen, "%s:%u: missing key before '='", file, lineno);
			return -1;
		}
		if (strlen(key) >= sizeof seen[0].key) {
			snprintf(err, errlen, "%s:%u: %.40s...: unknown key", file, lineno, key);
			return -1;
		}
		for (unsigned i = 0; i < nseen; i++) {
			if (!strcmp(seen[i].key, key)) {
				snprintf(err, errlen, "%s:%u: %s: duplicate key (first set on line %u)",
					 file, lineno, key, seen[i].line);
				return -1;
			}
		}
		if (!*value) {
			snprintf(err, errlen, "%s:%u: %s: missing value", file, lineno, key);
			return -1;
		}
		if (!set_key(cfg, key, value, ways_set, msg, sizeof msg)) {
			snprintf(err, errlen, "%s:%u: %s: %s", file, lineno, key, msg);
			return -1;
		}
		if (nseen == MAX_KEYS) {   /* every distinct valid key fits: cannot happen */
			snprintf(err, errlen, "%s:%u: too many keys", file, lineno);
			return -1;
		}
		snprintf(seen[nseen].key, sizeof seen[nseen].key, "%s", key);
		seen[nseen++].line = lineno;
		named |= !strcmp(key, "name");
		sized |= strlen(key) > 8 && !strcmp(key + strlen(key) - 8, ".entries");
	}
	/* Ways default to the entry count: fully associative. */
	for (tlb_level_id id = 0; id < TLB_LEVEL_COUNT; id++)
		if (!ways_set[id])
			cfg->level[id].ways = cfg->level[id].entries;
	if (!named)
		default_name(file, cfg);

	char field[48];
	if (config_problem(cfg, field, sizeof field, msg, sizeof msg) != 0) {
		/* Point at the field's line, or the entries line it derives from. */
		unsigned at = 0;
		char entries[48];
		snprintf(entries, sizeof entries, "%.*s.entries", (int)strcspn(field, "."), field);
		for (unsigned i = 0; i < nseen; i++)
			if (!strcmp(seen[i].key, field))
				at = seen[i].line;
		for (unsigned i = 0; i < nseen && !at; i++)
			if (!strcmp(seen[i].key, entries))
				at = seen[i].line;
		snprintf(err, errlen, "%s:%u: %s: %s", file, at, field, msg);
		return -1;
	}
	/* An empty file must not pass for an organisation without TLBs: that
	 * one says so with entries = 0. */
	if (!sized) {
		snprintf(err, errlen, "%s: no TLB level is given (set itlb.entries, dtlb.entries, "
			 "main.entries or walk_cache.entries; 0 for none)", file);
		return -1;
	}
	return 0;
}

/* ---- Files ---------------------------------------------------------------- */

static const char *presets_dir(void)
{
	const char *env = getenv("MMUSCOPE_PRESETS");
	return env && *env ? env : MMUSCOPE_SOURCE_DIR "/presets";
}

static bool is_preset_file(const char *name, size_t *stem)
{
	size_t n = strlen(name);
	if (n <= 4 || strcmp(name + n - 4, ".tlb") != 0 || name[0] == '.')
		return false;
	*stem = n - 4;
	return true;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

unsigned tlb_preset_list(char *buf, size_t buflen)
{
	DIR *dir = opendir(presets_dir());
	char *names[256];
	unsigned count = 0;
	struct dirent *d;
	size_t stem;

	if (buflen)
		buf[0] = '\0';
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && count < sizeof names / sizeof names[0]) {
		if (is_preset_file(d->d_name, &stem) && (names[count] = strndup(d->d_name, stem)))
			count++;
	}
	closedir(dir);
	qsort(names, count, sizeof names[0], compare_strings);
	size_t used = 0;
	for (unsigned i = 0; i < count; i++) {
		int n = snprintf(buf + used, used < buflen ? buflen - used : 0, "%s%s",
				 i ? ", " : "", names[i]);
		used += n > 0 ? (size_t)n : 0;
		free(names[i]);
	}
	return count;
}

int tlb_preset_load(const char *name_or_path, tlb_config *cfg, char *err, size_t errlen)
{
	size_t n = strlen(name_or_path);
	bool bare = !strchr(name_or_path, '/') && !(n >= 4 && !strcmp(name_or_path + n - 4, ".tlb"));
	char path[4096];
	FILE *f;

	if (bare)
		snprintf(path, sizeof path, "%s/%s.tlb", presets_dir(), name_or_path);
	else
		snprintf(path, sizeof path, "%s", name_or_path);
	f = fopen(path, "rb");
	if (!f) {
		if (bare && errno == ENOENT) {
			char known[512];
			tlb_preset_list(known, sizeof known);
			snprintf(err, errlen, "%s: no such preset in %s (known: %s)", name_or_path,
				 presets_dir(), *known ? known : "none");
		} else {
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		}
		return -1;
	}
	char *text = malloc(MAX_FILE + 1);
	size_t len = text ? fread(text, 1, MAX_FILE + 1, f) : 0;
	bool failed = !text || ferror(f);
	fclose(f);
	if (failed || len > MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path,
			 failed ? "cannot read" : "larger than 1 MB: not a preset");
		free(text);
		return -1;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte: not a preset", path);
		free(text);
		return -1;
	}
	int rc = tlb_preset_parse(text, path, cfg, err, errlen);
	free(text);
	return rc;
}
