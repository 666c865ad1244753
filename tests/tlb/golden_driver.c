/* Golden tests: runs one address stream against a tiny page table and checks
 * the counters the file expects.  Usage: golden_driver FILE.golden
 *
 * Commands, one per line (`#` starts a comment):
 *   preset NAME|PATH            the organisation (before any access), or
 *   cfg KEY = VALUE             preset lines given inline
 *   ttbr0 PA                    the L1 table that map writes and walks use
 *   map KIND VA PA [ng] [kernel] [xn] [count N]
 *                               KIND: section, supersection, page, large;
 *                               count maps N consecutive ones
 *   asid N                      CONTEXTIDR = N (no context write event)
 *   ctx REG                     tlb_context_write: sctlr ttbr0 ttbr1 ttbcr
 *                               dacr prrr nmrr contextidr
 *   r|w|x VA [user] [count N step S] [= PA | = fault TYPE]
 *                               read, write, fetch; optional result check
 *   tlbi OP [RT]                a maintenance op by name (tlbimva ...)
 *   tick N                      N instructions retired
 *   expect NAME VALUE           NAME: a counter, asid.N.FIELD or size.S.FIELD */
#include <stdlib.h>
#include <strings.h>

#include "tests/check.h"
#include "tests/tlb/guest_pt.h"
#include "tlb/tlb.h"

static const char *file;
static unsigned lineno;

static void die(const char *what)
{
	fprintf(stderr, "%s:%u: %s\n", file, lineno, what);
	exit(2);
}

static uint32_t number(const char *s)
{
	char *end;
	if (!s)
		die("missing number");
	unsigned long long v = strtoull(s, &end, 0);
	if (*end || v > UINT32_MAX)
		die("bad number");
	return (uint32_t)v;
}

static const char *const fault_names[] = { "none", "alignment", "translation", "access_flag",
					   "domain", "permission", "ext_abort_walk" };

static uint64_t lookup_value(const tlb_t *t, const char *name)
{
	for (tlb_counter c = 0; c < TLB_COUNTER_COUNT; c++)
		if (!strcmp(name, tlb_counter_name(c)))
			return tlb_counter_get(t, c);
	char field[32];
	unsigned asid;
	if (sscanf(name, "asid.%u.%31s", &asid, field) == 2 && asid < 256) {
		const tlb_asid_stats *s = tlb_asid_stats_get(t, (uint8_t)asid);
		if (!strcmp(field, "lookups")) return s->lookups;
		if (!strcmp(field, "walks")) return s->walks;
		if (!strcmp(field, "faults")) return s->faults;
		if (!strcmp(field, "hazards")) return s->hazards;
	}
	for (tlb_size z = 0; z < TLB_SIZE_COUNT; z++) {
		char prefix[16];
		snprintf(prefix, sizeof prefix, "size.%s.", tlb_size_name(z));
		if (strncmp(name, prefix, strlen(prefix)))
			continue;
		const char *f = name + strlen(prefix);
		if (!strcmp(f, "hits")) return tlb_size_stats_get(t, z)->hits;
		if (!strcmp(f, "walks")) return tlb_size_stats_get(t, z)->walks;
	}
	die("unknown counter");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: golden_driver FILE.golden\n");
		return 2;
	}
	file = argv[1];
	FILE *f = fopen(file, "r");
	if (!f) {
		perror(file);
		return 2;
	}
	guest g;
	guest_init(&g);
	tlb_t *t = NULL;
	tlb_config cfg;
	char err[512], preset[4096] = "", line[512];
	bool have_preset = false;

	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		char *argv_[16];
		unsigned n = 0;
		for (char *tok = strtok(line, " \t"); tok && n < 16; tok = strtok(NULL, " \t"))
			argv_[n++] = tok;
		if (n == 0)
			continue;
		const char *cmd = argv_[0];

		if (!strcmp(cmd, "cfg")) {
			/* strtok cut the line; rebuild it from the tokens. */
			for (unsigned i = 1; i < n; i++) {
				strncat(preset, argv_[i], sizeof preset - strlen(preset) - 2);
				strncat(preset, i + 1 < n ? " " : "\n", 2);
			}
			continue;
		}
		if (!strcmp(cmd, "preset")) {
			if (n != 2 || tlb_preset_load(argv_[1], &cfg, err, sizeof err))
				die(n == 2 ? err : "preset NAME");
			have_preset = true;
			continue;
		}
		if (!t && strcmp(cmd, "map") && strcmp(cmd, "ttbr0") && strcmp(cmd, "asid")) {
			if (!have_preset && tlb_preset_parse(preset, file, &cfg, err, sizeof err))
				die(err);
			t = tlb_new(&cfg);
			if (!t)
				die("tlb_new failed");
		}

		if (!strcmp(cmd, "ttbr0")) {
			g.regime.ttbr0 = number(n > 1 ? argv_[1] : NULL);
		} else if (!strcmp(cmd, "asid")) {
			guest_set_asid(&g, number(n > 1 ? argv_[1] : NULL));
		} else if (!strcmp(cmd, "map")) {
			if (n < 4)
				die("map KIND VA PA [options]");
			unsigned opts = 0, count = 1;
			for (unsigned i = 4; i < n; i++) {
				if (!strcmp(argv_[i], "ng")) opts |= PT_NG;
				else if (!strcmp(argv_[i], "kernel")) opts |= PT_KERNEL_ONLY;
				else if (!strcmp(argv_[i], "xn")) opts |= PT_XN;
				else if (!strcmp(argv_[i], "count") && i + 1 < n) count = number(argv_[++i]);
				else die("unknown map option");
			}
			uint32_t va = number(argv_[2]), pa = number(argv_[3]);
			const char *kind = argv_[1];
			uint32_t step = !strcmp(kind, "section") ? 1u << 20
				: !strcmp(kind, "supersection") ? 1u << 24
				: !strcmp(kind, "large") ? 1u << 16 : 1u << 12;
			for (unsigned i = 0; i < count; i++, va += step, pa += step) {
				if (!strcmp(kind, "section")) guest_map_section(&g, va, pa, opts);
				else if (!strcmp(kind, "supersection")) guest_map_supersection(&g, va, pa, opts);
				else if (!strcmp(kind, "page")) guest_map_page(&g, va, pa, opts);
				else if (!strcmp(kind, "large")) guest_map_large(&g, va, pa, opts);
				else die("unknown map kind");
			}
		} else if (!strcmp(cmd, "r") || !strcmp(cmd, "w") || !strcmp(cmd, "x")) {
			mmu_kind kind = cmd[0] == 'r' ? MMU_READ : cmd[0] == 'w' ? MMU_WRITE : MMU_FETCH;
			bool user = false;
			unsigned count = 1, i;
			uint32_t step = 0x1000;
			const char *want = NULL, *want_fault = NULL;
			for (i = 2; i < n; i++) {
				if (!strcmp(argv_[i], "user")) user = true;
				else if (!strcmp(argv_[i], "count") && i + 1 < n) count = number(argv_[++i]);
				else if (!strcmp(argv_[i], "step") && i + 1 < n) step = number(argv_[++i]);
				else if (!strcmp(argv_[i], "=") && i + 1 < n) {
					if (!strcmp(argv_[i + 1], "fault") && i + 2 < n)
						want_fault = argv_[i + 2], i += 2;
					else
						want = argv_[++i];
				} else die("unknown access option");
			}
			uint32_t va = number(n > 1 ? argv_[1] : NULL);
			for (unsigned k = 0; k < count; k++, va += step) {
				tlb_result r;
				int rc = tlb_access(t, &g.regime, &g.mem, va, kind, user, 4, 0x1000, &r);
				if (want_fault) {
					CHECK_STR(fault_names[rc], want_fault);
				} else if (want) {
					CHECK_EQ(rc, 0);
					CHECK_EQ(r.pa, number(want));
				}
			}
		} else if (!strcmp(cmd, "tlbi")) {
			tlb_op op = TLB_OP_COUNT;
			for (tlb_op o = 0; o < TLB_OP_COUNT && n > 1; o++)
				if (!strcasecmp(argv_[1], tlb_op_name(o)))
					op = o;
			if (op == TLB_OP_COUNT)
				die("unknown op");
			tlb_maint(t, op, n > 2 ? number(argv_[2]) : 0);
		} else if (!strcmp(cmd, "ctx")) {
			static const char *const regs[] = { "none", "sctlr", "ttbr0", "ttbr1", "ttbcr",
							    "dacr", "prrr", "nmrr", "contextidr" };
			unsigned i = 0;
			while (i < 9 && (n < 2 || strcmp(argv_[1], regs[i])))
				i++;
			if (i == 9)
				die("unknown register");
			tlb_context_write(t, (tlb_context_reg)i);
		} else if (!strcmp(cmd, "tick")) {
			tlb_tick(t, number(n > 1 ? argv_[1] : NULL));
		} else if (!strcmp(cmd, "expect")) {
			if (n != 3)
				die("expect NAME VALUE");
			uint64_t got = lookup_value(t, argv_[1]), want = number(argv_[2]);
			check_count++;
			if (got != want) {
				check_failures++;
				fprintf(stderr, "%s:%u: %s is %llu, expected %llu\n", file, lineno, argv_[1],
					(unsigned long long)got, (unsigned long long)want);
			}
		} else {
			die("unknown command");
		}
	}
	fclose(f);
	tlb_free(t);
	guest_free(&g);
	return check_report();
}
