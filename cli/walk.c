/* mmuscope walk: translate one VA through raw page-table images with mmu/
 * and print every step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "mmu/mmu.h"

#define MAX_MEM 16

static void walk_help(void)
{
	printf(
		"usage: mmuscope walk --va VA --ttbr0 X --mem FILE@PA [options]\n"
		"\n"
		"Walks ARMv7 short-descriptor page tables held in raw memory images for one\n"
		"virtual address and prints each descriptor fetch, the result (PA, page size,\n"
		"attributes) or the fault with its FSR, and the PAR an ATS1C** would give.\n"
		"'mmuscope run --dump-ram FILE' writes such an image of the running guest,\n"
		"with the register options to use beside it.\n"
		"\n"
		"options:\n"
		"  --va VA                 the virtual address\n"
		"  --write | --fetch       the access (default: a read)\n"
		"  --user                  at PL0 (default PL1)\n"
		"  --size N                access size in bytes for the alignment check (default 4)\n"
		"  --ttbr0 X --ttbr1 Y     translation table base registers (TTBR1 default 0)\n"
		"  --ttbcr N               TTBCR value (N in bits 2:0, PD0/PD1 in 4/5; default 0)\n"
		"  --dacr D                domain access control (default 0x55555555, all client)\n"
		"  --sctlr S               SCTLR (default 0x1: M; A 0x2, TRE 0x10000000, AFE 0x20000000)\n"
		"  --prrr P --nmrr N       remap registers used when SCTLR.TRE = 1\n"
		"                          (default Linux's 0xff0a81a8 and 0x40e040e0)\n"
		"  --contextidr C          CONTEXTIDR (ASID in bits 7:0; shown only)\n"
		"  --pxn                   the core implements PXN (L1 type 3 is a PXN section)\n"
		"  --mem FILE@PA           a raw image of physical memory at PA; repeatable\n"
		"                          (up to %d); tables outside every image are external\n"
		"                          aborts on the walk\n"
		"  --json                  one JSON object instead of text\n"
		"\n"
		"Exit status: 0 the access translates, 1 it faults, 2 bad input.\n",
		MAX_MEM);
}

struct walk_args {
	mmu_regime regime;
	uint32_t va;
	unsigned size;
	mmu_kind kind;
	bool user, json, have_va, have_ttbr0;
	mmu_ram ram[MAX_MEM];
	unsigned nram;
};

static void free_images(struct walk_args *a)
{
	for (unsigned i = 0; i < a->nram; i++)
		free((void *)a->ram[i].host);
}

/* FILE@PA: the whole file, which must fit below 4 GB and overlap no other. */
static int load_image(struct walk_args *a, const char *spec)
{
	const char *at = strrchr(spec, '@');
	if (!at || at == spec)
		return cli_usage_error("walk", "--mem takes FILE@PA, not '%s'", spec);
	uint64_t pa;
	if (!cli_parse_u64("--mem address", at + 1, UINT32_MAX, &pa))
		return 2;
	if (a->nram == MAX_MEM)
		return cli_usage_error("walk", "at most %d --mem images", MAX_MEM);
	char *path = strndup(spec, (size_t)(at - spec));
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f) {
		fprintf(stderr, "mmuscope walk: cannot read %s: %s\n", path ? path : spec,
			strerror(errno));
		free(path);
		return 2;
	}
	struct stat st;
	int64_t size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
	int status = -1;
	uint8_t *buf = NULL;
	if (size <= 0 || (uint64_t)size > (1ull << 32) - pa) {
		fprintf(stderr, "mmuscope walk: %s is %s\n", path,
			size < 0 ? "not a regular file" : size == 0 ? "empty"
			: "too large to fit below 4 GB at that address");
		status = 2;
	} else if (!(buf = malloc((size_t)size)) || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "mmuscope walk: cannot read %s\n", path);
		status = 2;
	}
	fclose(f);
	for (unsigned i = 0; status < 0 && i < a->nram; i++) {
		uint64_t lo = a->ram[i].pa, hi = lo + a->ram[i].size;
		if (pa < hi && lo < pa + (uint64_t)size) {
			fprintf(stderr, "mmuscope walk: %s@0x%llx overlaps an earlier --mem image\n",
				path, (unsigned long long)pa);
			status = 2;
		}
	}
	free(path);
	if (status >= 0) {
		free(buf);
		return status;
	}
	a->ram[a->nram++] = (mmu_ram){ .host = buf, .pa = (uint32_t)pa, .size = (uint32_t)size };
	return -1;
}

static int parse(int argc, char **argv, struct walk_args *a)
{
	a->regime = (mmu_regime){ .sctlr = MMU_SCTLR_M, .dacr = 0x55555555u,
				  .prrr = 0xFF0A81A8u, .nmrr = 0x40E040E0u };
	a->size = 4;
	a->kind = MMU_READ;
	static const struct {
		const char *name;
		size_t offset;
	} regs[] = {
		{ "--ttbr0", offsetof(mmu_regime, ttbr0) }, { "--ttbr1", offsetof(mmu_regime, ttbr1) },
		{ "--ttbcr", offsetof(mmu_regime, ttbcr) }, { "--dacr", offsetof(mmu_regime, dacr) },
		{ "--sctlr", offsetof(mmu_regime, sctlr) }, { "--prrr", offsetof(mmu_regime, prrr) },
		{ "--nmrr", offsetof(mmu_regime, nmrr) },
		{ "--contextidr", offsetof(mmu_regime, contextidr) },
	};
	static const char *const flags[] = { "--help", "-h", "--write", "--fetch", "--user", "--json",
		"--pxn", NULL };
	static const char *const valued[] = { "--ttbr0", "--ttbr1", "--ttbcr", "--dacr", "--sctlr",
		"--prrr", "--nmrr", "--contextidr", "--va", "--size", "--mem", NULL };
	static const char *const repeatable[] = { "--mem", NULL };
	cli_args args = { .cmd = "walk", .argc = argc, .argv = argv, .flags = flags, .valued = valued,
			  .repeatable = repeatable };
	char *opt, *val;
	int more;
	while ((more = cli_next_option(&args, &opt, &val)) == 1) {
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			walk_help();
			return 0;
		}
		if (!strcmp(opt, "--write") || !strcmp(opt, "--fetch")) {
			if (a->kind != MMU_READ)
				return cli_usage_error("walk", "--write and --fetch exclude each other");
			a->kind = opt[2] == 'w' ? MMU_WRITE : MMU_FETCH;
			continue;
		}
		if (!strcmp(opt, "--user") || !strcmp(opt, "--json") || !strcmp(opt, "--pxn")) {
			*(opt[2] == 'u' ? &a->user : opt[2] == 'j' ? &a->json : &a->regime.has_pxn) = true;
			continue;
		}
		uint64_t n;
		bool found = false;
		for (size_t r = 0; r < sizeof regs / sizeof regs[0] && !found; r++) {
			if (strcmp(opt, regs[r].name))
				continue;
			found = true;
			if (!cli_parse_u64(opt, val, UINT32_MAX, &n))
				return 2;
			*(uint32_t *)((char *)&a->regime + regs[r].offset) = (uint32_t)n;
			a->have_ttbr0 |= !strcmp(opt, "--ttbr0");
		}
		if (found)
			continue;
		if (!strcmp(opt, "--mem")) {
			int status = load_image(a, val);
			if (status >= 0)
				return status;
		} else if (!strcmp(opt, "--va")) {
			if (!cli_parse_u64("--va", val, UINT32_MAX, &n))
				return 2;
			a->va = (uint32_t)n;
			a->have_va = true;
		} else {
			if (!cli_u64(val, 8, &n) || (n & (n - 1)) || !n)
				return cli_usage_error("walk", "--size takes 1, 2, 4 or 8, not '%s'", val);
			a->size = (unsigned)n;
		}
	}
	if (more)
		return more;
	if (!a->have_va)
		return cli_usage_error("walk", "--va is required");
	if (!a->have_ttbr0)
		return cli_usage_error("walk", "--ttbr0 is required");
	if (!a->nram)
		return cli_usage_error("walk", "at least one --mem FILE@PA is required");
	if (a->regime.ttbcr & ~(MMU_TTBCR_N | MMU_TTBCR_PD0 | MMU_TTBCR_PD1))
		return cli_usage_error("walk", "--ttbcr 0x%x: only N (bits 2:0), PD0 and PD1 are "
				       "supported (EAE, the long-descriptor format, is not)",
				       a->regime.ttbcr);
	return -1;
}

static const char *const kind_names[] = { "read", "write", "fetch" };

static void print_text(const struct walk_args *a, const mmu_fault *f, const mmu_entry *e,
		       const mmu_trace *t)
{
	char buf[160];
	printf("va 0x%08x  %s at PL%d\n", a->va, kind_names[a->kind], a->user ? 0 : 1);
	if (f->type != MMU_FAULT_ALIGNMENT && (a->regime.sctlr & MMU_SCTLR_M)) {
		printf("TTBR%u table 0x%08x (TTBCR.N=%u)  L1 index %u", t->ttbr, t->table,
		       a->regime.ttbcr & MMU_TTBCR_N, a->va >> 20);
		if (t->nsteps == 2)
			printf("  L2 index %u", (a->va >> 12) & 0xFF);
		printf("\n");
	}
	for (unsigned i = 0; i < t->nsteps; i++) {
		const mmu_step *s = &t->step[i];
		if (!s->ok) {
			printf("L%u  [0x%08x] outside RAM: external abort  (%u cycles)\n", s->level,
			       s->addr, s->cycles);
			continue;
		}
		mmu_desc_format(&s->desc, buf, sizeof buf);
		printf("L%u  [0x%08x] = 0x%08x  %s  (%u cycles)\n", s->level, s->addr, s->value, buf,
		       s->cycles);
	}
	if (f->type == MMU_FAULT_NONE) {
		printf("pa 0x%08llx  %s, %u %s page", (unsigned long long)mmu_entry_pa(e, a->va),
		       a->regime.sctlr & MMU_SCTLR_M ? mmu_desc_kind_name(e->kind) : "flat (MMU off)",
		       e->size_log2 >= 20 ? 1u << (e->size_log2 - 20) : 1u << (e->size_log2 - 10),
		       e->size_log2 >= 20 ? "MB" : "KB");
		if (a->regime.sctlr & MMU_SCTLR_M)
			printf(", domain %u, ap %u%u%u%s%s%s", e->domain, e->ap >> 2 & 1, e->ap >> 1 & 1,
			       e->ap & 1, e->xn ? ", xn" : "", e->pxn ? ", pxn" : "",
			       e->ng ? ", not global" : ", global");
		printf("\n%s", mmu_memtype_name(e->memtype));
		if (e->memtype == MMU_MEM_NORMAL)
			printf(" inner %s outer %s", mmu_cache_name(e->inner), mmu_cache_name(e->outer));
		printf("%s\n", e->shareable ? " shareable" : "");
	} else {
		printf("fault: %s (%s)  %s 0x%03x  FAR 0x%08x\n", mmu_fault_name(f->type),
		       f->level == 2 ? "page" : f->level == 1 ? "section" : "no walk",
		       a->kind == MMU_FETCH ? "IFSR" : "DFSR", mmu_fsr(f, a->kind), a->va);
	}
	printf("PAR 0x%08x  walk cycles %u\n", mmu_par(f, e, a->va), t->cycles);
}

static void print_json(const struct walk_args *a, const mmu_fault *f, const mmu_entry *e,
		       const mmu_trace *t)
{
	char buf[160];
	bool ok = f->type == MMU_FAULT_NONE;
	printf("{\"va\": %u, \"access\": \"%s\", \"user\": %s, \"result\": \"%s\"", a->va,
	       kind_names[a->kind], a->user ? "true" : "false", ok ? "ok" : "fault");
	if (ok) {
		printf(", \"pa\": %llu, \"page_size\": %u, \"kind\": \"%s\", \"attributes\": {"
		       "\"domain\": %u, \"ap\": %u, \"tex\": %u, \"c\": %d, \"b\": %d, \"s\": %d, "
		       "\"ng\": %d, \"ns\": %d, \"xn\": %d, \"pxn\": %d, \"memtype\": \"%s\", "
		       "\"inner\": \"%s\", \"outer\": \"%s\", \"shareable\": %d}",
		       (unsigned long long)mmu_entry_pa(e, a->va), 1u << e->size_log2,
		       mmu_desc_kind_name(e->kind), e->domain, e->ap, e->tex, e->c, e->b, e->s, e->ng,
		       e->ns, e->xn, e->pxn, mmu_memtype_name(e->memtype), mmu_cache_name(e->inner),
		       mmu_cache_name(e->outer), e->shareable);
	} else {
		printf(", \"fault\": \"%s\", \"fault_level\": %u, \"domain\": %u, \"fsr\": %u, "
		       "\"far\": %u",
		       mmu_fault_name(f->type), f->level, f->domain, mmu_fsr(f, a->kind), a->va);
	}
	printf(", \"par\": %u, \"cycles\": %u, \"ttbr\": %u, \"steps\": [", mmu_par(f, e, a->va),
	       t->cycles, t->ttbr);
	for (unsigned i = 0; i < t->nsteps; i++) {
		const mmu_step *s = &t->step[i];
		mmu_desc_format(&s->desc, buf, sizeof buf);
		printf("%s{\"level\": %u, \"address\": %u, \"value\": %u, \"in_ram\": %s, "
		       "\"kind\": \"%s\", \"fields\": \"%s\", \"cycles\": %u}",
		       i ? ", " : "", s->level, s->addr, s->value, s->ok ? "true" : "false",
		       s->ok ? mmu_desc_kind_name(s->desc.kind) : "external-abort",
		       s->ok ? buf : "", s->cycles);
	}
	printf("]}\n");
}

int cli_walk(int argc, char **argv)
{
	struct walk_args a = { 0 };
	int status = parse(argc, argv, &a);
	if (status >= 0) {
		free_images(&a);
		return status;
	}
	mmu_mem mem = { .ram = a.ram, .nram = a.nram };
	mmu_hooks hooks = { .mem_latency = 1 };
	mmu_entry e;
	mmu_trace t;
	mmu_fault f = mmu_translate(&a.regime, a.va, a.kind, a.user, a.size, &mem, &hooks, &e, &t);
	(a.json ? print_json : print_text)(&a, &f, &e, &t);
	free_images(&a);
	return f.type == MMU_FAULT_NONE ? 0 : 1;
}
