/* mmuscope pte --linux VALUE [--ext nG|VALUE]: the hardware small-page
 * entry Linux's cpu_v7_set_pte_ext writes for a Linux PTE, with both words
 * decoded.  The host's own statement of the rule is mmu_linux_pte_to_hw
 * (ARM_NOTES §5); the guest has its own (guestmm/mmu.c) and the two must
 * agree on every entry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "firmware/abi.h"
#include "mmu/mmu.h"

static void decode_linux(uint32_t pte)
{
	static const char *const mt_names[16] = {
		"UNCACHED", "BUFFERABLE", "WRITETHROUGH", "WRITEBACK", "DEV_SHARED", "(5)",
		"MINICACHE", "WRITEALLOC", "(8)", "DEV_WC", "(10)", "DEV_CACHED", "DEV_NONSHARED",
		"(13)", "(14)", "VECTORS",
	};
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ L_PTE_VALID, "PRESENT" }, { L_PTE_YOUNG, "YOUNG" }, { L_PTE_DIRTY, "DIRTY" },
		{ L_PTE_RDONLY, "RDONLY" }, { L_PTE_USER, "USER" }, { L_PTE_XN, "XN" },
		{ L_PTE_SHARED, "SHARED" }, { L_PTE_NONE, "NONE" },
	};
	printf("linux 0x%08x: pfn 0x%05x mt %s", pte, pte >> 12, mt_names[(pte & L_PTE_MT_MASK) >> 2]);
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (pte & bits[i].bit)
			printf(" %s", bits[i].name);
	printf("\n");
}

/* The hardware word through the walker's own decoder. */
static void decode_hw(uint32_t hw)
{
	static const char *const ap_meaning[8] = {
		"no access", "PL1 RW, PL0 none", "PL1 RW, PL0 RO", "PL1 RW, PL0 RW",
		"reserved", "PL1 RO, PL0 none", "PL1 RO, PL0 RO (deprecated)", "PL1 RO, PL0 RO",
	};
	mmu_desc d = mmu_desc_decode(2, hw, false);
	if (d.kind == MMU_DESC_FAULT) {
		printf("hw    0x%08x: fault (old, not present or PROT_NONE): any access is a page "
		       "translation fault\n", hw);
		return;
	}
	char fields[160];
	mmu_desc_format(&d, fields, sizeof fields);
	printf("hw    0x%08x: %s (%s)\n", hw, fields, ap_meaning[d.ap]);
}

/* --check FILE.jsonl: every small page of a `mmuscope run --dump-pt` file
 * that carries its Linux PTE must hold exactly what set_pte_ext makes of
 * it, with the entry's own nG as the extension bits. */
static int check_dump(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "mmuscope pte: cannot read %s: %s\n", path, strerror(errno));
		return 2;
	}
	char line[1024];
	unsigned long lineno = 0, checked = 0, wrong = 0;
	int status = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *hw_at = strstr(line, "\"hw\": "), *linux_at = strstr(line, "\"linux\": ");
		if (line[0] != '{' || !hw_at) {
			fprintf(stderr, "mmuscope pte: %s:%lu: not a --dump-pt record\n", path, lineno);
			status = 2;
			break;
		}
		if (!linux_at)
			continue;
		char *end1, *end2;
		unsigned long hw = strtoul(hw_at + 6, &end1, 10);
		unsigned long lx = strtoul(linux_at + 9, &end2, 10);
		if (end1 == hw_at + 6 || end2 == linux_at + 9 || hw > 0xFFFFFFFFul || lx > 0xFFFFFFFFul) {
			fprintf(stderr, "mmuscope pte: %s:%lu: bad hw or linux value\n", path, lineno);
			status = 2;
			break;
		}
		uint32_t want = mmu_linux_pte_to_hw((uint32_t)lx, (uint32_t)hw & MMU_PTE_EXT_NG);
		checked++;
		if (want != hw) {
			wrong++;
			printf("%s:%lu: linux 0x%08lx gives hw 0x%08x, the table holds 0x%08lx\n", path,
			       lineno, lx, want, hw);
		}
	}
	fclose(f);
	if (status)
		return status;
	printf("%lu small pages checked, %lu differ from set_pte_ext\n", checked, wrong);
	if (!checked) {
		fprintf(stderr, "mmuscope pte: %s has no small page with a Linux PTE\n", path);
		return 2;
	}
	return wrong ? 1 : 0;
}

int cli_pte(int argc, char **argv)
{
	uint64_t pte = 0, ext = 0;
	bool have_pte = false;
	const char *check = NULL;
	static const char *const flags[] = { "--help", "-h", NULL };
	static const char *const valued[] = { "--check", "--linux", "--ext", NULL };
	cli_args args = { .cmd = "pte", .argc = argc, .argv = argv, .flags = flags, .valued = valued };
	char *opt, *val;
	int more;
	while ((more = cli_next_option(&args, &opt, &val)) == 1) {
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			printf("usage: mmuscope pte --linux VALUE [--ext nG|VALUE]\n"
			       "       mmuscope pte --check FILE.jsonl\n"
			       "\n"
			       "Prints the hardware PTE cpu_v7_set_pte_ext makes of a Linux PTE "
			       "(ext: extra\nhardware bits, nG for user pages) and decodes both.\n"
			       "--check verifies every small page of a 'mmuscope run --dump-pt' file "
			       "against\nthat rule (exit 1 if any differs).\n");
			return 0;
		} else if (!strcmp(opt, "--check")) {
			check = val;
		} else if (!strcmp(opt, "--linux")) {
			if (!cli_parse_u64("--linux", val, 0xFFFFFFFFu, &pte))
				return 2;
			have_pte = true;
		} else if (!strcmp(val, "nG")) {
			ext = MMU_PTE_EXT_NG;
		} else if (!cli_parse_u64("--ext", val, MMU_PTE_EXT_NG, &ext)) {
			return 2;
		} else if (ext & ~(uint64_t)MMU_PTE_EXT_NG) {
			return cli_usage_error("pte", "--ext may only carry nG (0x800)");
		}
	}
	if (more)
		return more;
	if (check && (have_pte || args.seen >> 2 & 1))
		return cli_usage_error("pte", "--check takes no --linux or --ext");
	if (check)
		return check_dump(check);
	if (!have_pte)
		return cli_usage_error("pte", "--linux VALUE is required");
	decode_linux((uint32_t)pte);
	decode_hw(mmu_linux_pte_to_hw((uint32_t)pte, (uint32_t)ext));
	return 0;
}
