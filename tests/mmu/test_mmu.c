/* Table-driven tests of the short-descriptor walker.  Every expected PA,
 * FSR and PAR below is worked out by hand from the ARMv7-A ARM (B3.5-B3.7,
 * B3.13 FSR encodings, B4.1.112 PAR) as summarised in ARM_NOTES.md; none is
 * copied from the implementation's output. */
#include <stdlib.h>

#include "mmu/mmu.h"
#include "tests/check.h"

#define RAM_PA   0x40000000u
#define RAM_SIZE 0x00400000u /* 4 MB */
#define TTB      0x40000000u /* L1 table, 16 KB */
#define L2A      0x40100000u /* L2 tables, 1 KB each */
#define L2B      0x40100400u

static uint8_t *ram;
static mmu_ram ram_view;
static mmu_mem mem;
static mmu_regime regime;

static void put32(uint32_t pa, uint32_t v)
{
	uint8_t *p = ram + (pa - RAM_PA);
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static void l1(uint32_t va, uint32_t desc) { put32(TTB + (va >> 20) * 4, desc); }
static void l2(uint32_t table, uint32_t va, uint32_t desc)
{
	put32(table + ((va >> 12) & 0xFF) * 4, desc);
}

static void reset(void)
{
	memset(ram, 0, RAM_SIZE);
	regime = (mmu_regime){ .sctlr = MMU_SCTLR_M, .ttbr0 = TTB, .dacr = 0x55555555u };
}

static mmu_fault xlate(uint32_t va, mmu_kind kind, bool user, mmu_entry *e)
{
	return mmu_translate(&regime, va, kind, user, 4, &mem, NULL, e, NULL);
}

/* FSR of one access; 0 when it translates. */
static uint32_t fsr_of(uint32_t va, mmu_kind kind, bool user)
{
	mmu_entry e;
	mmu_fault f = xlate(va, kind, user, &e);
	return mmu_fsr(&f, kind);
}

static uint64_t pa_of(uint32_t va)
{
	mmu_entry e;
	mmu_fault f = xlate(va, MMU_READ, false, &e);
	return f.type == MMU_FAULT_NONE ? mmu_entry_pa(&e, va) : ~0ull;
}

/* Section: type 10, AP[1:0] in [11:10], AP[2] in [15], domain [8:5]. */
static uint32_t section(uint32_t pa, unsigned ap, unsigned domain, bool xn)
{
	return (pa & 0xFFF00000u) | (ap >> 2 & 1) << 15 | (ap & 3) << 10 | domain << 5 |
	       (xn ? 1u << 4 : 0) | 2;
}

/* Small page: type 1x, XN in bit 0, AP[1:0] in [5:4], AP[2] in [9]. */
static uint32_t small(uint32_t pa, unsigned ap, bool xn)
{
	return (pa & 0xFFFFF000u) | (ap >> 2 & 1) << 9 | (ap & 3) << 4 | 2 | (xn ? 1 : 0);
}

static void test_section(void)
{
	reset();
	l1(0xC0000000, section(0x40000000, 1, 0, false)); /* PL1 RW, PL0 none */
	CHECK_EQ(pa_of(0xC0012345), 0x40012345);
	CHECK_EQ(fsr_of(0xC0012345, MMU_READ, true), 0x00D);  /* permission, section, dom 0 */
	CHECK_EQ(fsr_of(0xC0012345, MMU_WRITE, true), 0x80D); /* + WnR */
	CHECK_EQ(fsr_of(0xC0012345, MMU_FETCH, false), 0);
	CHECK_EQ(fsr_of(0xC0012345, MMU_FETCH, true), 0x00D); /* IFSR: no WnR */

	l1(0xC0100000, section(0x40100000, 1, 0, true));
	CHECK_EQ(fsr_of(0xC0100000, MMU_READ, false), 0);
	CHECK_EQ(fsr_of(0xC0100000, MMU_FETCH, false), 0x00D); /* XN */

	/* Unmapped: section translation fault; domain field 0. */
	CHECK_EQ(fsr_of(0xC0200000, MMU_READ, false), 0x005);
	CHECK_EQ(fsr_of(0xC0200000, MMU_WRITE, false), 0x805);
	CHECK_EQ(fsr_of(0xC0200000, MMU_FETCH, false), 0x005);

	mmu_entry e;
	xlate(0xC0012345, MMU_READ, false, &e);
	CHECK_EQ(e.size_log2, 20);
	CHECK_EQ(e.va_base, 0xC0000000);
	CHECK_EQ(e.levels, 1);
	CHECK_EQ(e.l1_addr, TTB + 0xC00 * 4);
	CHECK_EQ(e.kind, MMU_DESC_SECTION);
	CHECK(!e.ng);
	/* Bits 31:2 of a fault descriptor are ignored. */
	l1(0xC0300000, 0xFFFFFFFCu);
	CHECK_EQ(fsr_of(0xC0300000, MMU_READ, false), 0x005);
}

static void test_domains(void)
{
	reset();
	l1(0x00100000, section(0x40100000, 0, 5, true)); /* AP 000: no access */
	regime.dacr = 0u << 10;                          /* domain 5: no access */
	CHECK_EQ(fsr_of(0x00100000, MMU_READ, false), 0x059);
	CHECK_EQ(fsr_of(0x00100000, MMU_WRITE, true), 0x859);
	CHECK_EQ(fsr_of(0x00100000, MMU_FETCH, false), 0x009); /* IFSR: no domain */
	regime.dacr = 2u << 10;                                /* reserved */
	CHECK_EQ(fsr_of(0x00100000, MMU_READ, false), 0x059);
	regime.dacr = 1u << 10;                                /* client: AP 000 */
	CHECK_EQ(fsr_of(0x00100000, MMU_READ, false), 0x05D);
	regime.dacr = 3u << 10;                                /* manager: no checks */
	CHECK_EQ(fsr_of(0x00100000, MMU_WRITE, true), 0);
	CHECK_EQ(fsr_of(0x00100000, MMU_FETCH, true), 0);      /* even XN */

	/* A cached entry is checked against the DACR of the moment. */
	mmu_entry e;
	CHECK_EQ(xlate(0x00100000, MMU_READ, false, &e).type, MMU_FAULT_NONE);
	regime.dacr = 0;
	mmu_fault f = mmu_check(&e, &regime, MMU_READ, false);
	CHECK_EQ(f.type, MMU_FAULT_DOMAIN);
	CHECK_EQ(f.level, 1);
	CHECK_EQ(f.domain, 5);
}

/* AP[2:0] with SCTLR.AFE = 0, every combination at PL1 and PL0: the
 * expected rights are the table in ARM ARM B3.7.1. */
static void test_ap_table(void)
{
	static const struct { const char *pl1, *pl0; } rights[8] = {
		{ "--", "--" }, { "rw", "--" }, { "rw", "r-" }, { "rw", "rw" },
		{ "--", "--" }, { "r-", "--" }, { "r-", "r-" }, { "r-", "r-" },
	};
	for (unsigned ap = 0; ap < 8; ap++) {
		reset();
		l1(0x00000000, 0x40000000u | (ap >> 2 & 1) << 15 | (ap & 3) << 10 | 2);
		for (int user = 0; user < 2; user++) {
			const char *r = user ? rights[ap].pl0 : rights[ap].pl1;
			CHECK_EQ(fsr_of(0x1000, MMU_READ, user), r[0] == 'r' ? 0 : 0x00D);
			CHECK_EQ(fsr_of(0x1000, MMU_WRITE, user), r[1] == 'w' ? 0 : 0x80D);
			/* Execution needs read permission (XN clear here). */
			CHECK_EQ(fsr_of(0x1000, MMU_FETCH, user), r[0] == 'r' ? 0 : 0x00D);
		}
	}
}

/* AFE = 1: AP[0] is the access flag, AP[2:1] give the rights. */
static void test_access_flag(void)
{
	static const struct { const char *pl1, *pl0; } rights[4] = {
		{ "rw", "--" }, { "rw", "rw" }, { "r-", "--" }, { "r-", "r-" },
	};
	for (unsigned ap = 0; ap < 8; ap++) {
		reset();
		regime.sctlr |= MMU_SCTLR_AFE;
		l1(0x00000000, section(0x40000000, ap, 3, false));
		l1(0x00100000, L2A | 3u << 5 | 1);
		l2(L2A, 0x00100000, small(0x40200000, ap, false));
		for (int user = 0; user < 2; user++) {
			const char *r = user ? rights[ap >> 1].pl0 : rights[ap >> 1].pl1;
			uint32_t sect_r = !(ap & 1) ? 0x033 : r[0] == 'r' ? 0 : 0x03D;
			uint32_t sect_w = !(ap & 1) ? 0x833 : r[1] == 'w' ? 0 : 0x83D;
			uint32_t page_r = !(ap & 1) ? 0x036 : r[0] == 'r' ? 0 : 0x03F;
			uint32_t page_w = !(ap & 1) ? 0x836 : r[1] == 'w' ? 0 : 0x83F;
			CHECK_EQ(fsr_of(0x00000000, MMU_READ, user), sect_r);
			CHECK_EQ(fsr_of(0x00000000, MMU_WRITE, user), sect_w);
			CHECK_EQ(fsr_of(0x00100000, MMU_READ, user), page_r);
			CHECK_EQ(fsr_of(0x00100000, MMU_WRITE, user), page_w);
		}
	}
	/* The access flag is checked before the domain (a no-access domain
	 * still reports the access flag fault). */
	reset();
	regime.sctlr |= MMU_SCTLR_AFE;
	regime.dacr = 0;
	l1(0x00000000, section(0x40000000, 2, 3, false));
	CHECK_EQ(fsr_of(0x0, MMU_READ, false), 0x033);
}

static void test_pages(void)
{
	reset();
	regime.dacr = 1u << 2; /* domain 1 client, the rest no access */
	l1(0x00000000, L2A | 1u << 5 | 1);
	l2(L2A, 0x00012000, small(0x40200000, 3, false));      /* RW/RW */
	l2(L2A, 0x00013000, small(0x40201000, 5, false) | 1u << 11); /* PL1 RO, nG */
	for (uint32_t va = 0x00020000; va < 0x00030000; va += 0x1000) /* large, 16 copies */
		l2(L2A, va, 0x40300000u | 1u << 15 | 3u << 4 | 1);    /* XN, RW/RW */
	CHECK_EQ(pa_of(0x00012ABC), 0x40200ABC);
	CHECK_EQ(pa_of(0x0002BCDE), 0x4030BCDE);
	CHECK_EQ(fsr_of(0x00012ABC, MMU_WRITE, true), 0);
	/* Linux's "first write to a clean user page": permission, page, dom 1. */
	CHECK_EQ(fsr_of(0x00013000, MMU_WRITE, false), 0x81F);
	CHECK_EQ(fsr_of(0x00013000, MMU_READ, true), 0x01F);
	/* "User read of an old page in domain 1": translation, page. */
	CHECK_EQ(fsr_of(0x00014000, MMU_READ, true), 0x017);
	CHECK_EQ(fsr_of(0x00014000, MMU_WRITE, true), 0x817);
	CHECK_EQ(fsr_of(0x00014000, MMU_FETCH, true), 0x007);
	CHECK_EQ(fsr_of(0x00020000, MMU_FETCH, true), 0x00F); /* large page XN is bit 15 */
	CHECK_EQ(fsr_of(0x00012000, MMU_FETCH, true), 0);

	mmu_entry e;
	xlate(0x0002BCDE, MMU_READ, false, &e);
	CHECK_EQ(e.size_log2, 16);
	CHECK_EQ(e.va_base, 0x00020000);
	CHECK_EQ(e.kind, MMU_DESC_LARGE);
	CHECK_EQ(e.levels, 2);
	CHECK_EQ(e.l2_addr, L2A + 0x2B * 4);
	xlate(0x00013004, MMU_READ, false, &e);
	CHECK_EQ(e.size_log2, 12);
	CHECK(e.ng);
	CHECK_EQ(e.domain, 1);
	CHECK_EQ(e.ap, 5);

	/* A no-access domain on a page table: the L2 entry is fetched first,
	 * so a missing page is a translation fault, a present one a domain
	 * fault (QEMU reports 0x0B for both; DESIGN.md). */
	regime.dacr = 0;
	CHECK_EQ(fsr_of(0x00014000, MMU_READ, false), 0x017);
	CHECK_EQ(fsr_of(0x00012000, MMU_READ, false), 0x01B);
	/* Small-page XN is bit 0: type 11. */
	regime.dacr = 1u << 2;
	l2(L2A, 0x00015000, small(0x40202000, 3, true));
	CHECK_EQ(fsr_of(0x00015000, MMU_FETCH, false), 0x00F);
	CHECK_EQ(pa_of(0x00015008), 0x40202008);
}

static void test_supersection(void)
{
	reset();
	/* PA[31:24] = 0x41, PA[35:32] = 0x2 in [23:20], PA[39:36] = 0x1 in
	 * [8:5]; the domain is 0 whatever [8:5] holds. */
	uint32_t d = 0x41000000u | 0x2u << 20 | 1u << 18 | 1u << 10 | 1u << 5 | 2;
	for (uint32_t va = 0x80000000; va < 0x81000000; va += 0x100000)
		l1(va, d);
	regime.dacr = 1; /* domain 0 client, domain 1 no access */
	CHECK_EQ(pa_of(0x80ABCDEF), 0x1241ABCDEFull);
	mmu_entry e;
	CHECK_EQ(xlate(0x80ABCDEF, MMU_READ, false, &e).type, MMU_FAULT_NONE);
	CHECK_EQ(e.size_log2, 24);
	CHECK_EQ(e.domain, 0);
	CHECK_EQ(e.va_base, 0x80000000);
	mmu_fault none = { .type = MMU_FAULT_NONE };
	CHECK_EQ(mmu_par(&none, &e, 0x80ABCDEF), 0x41000002); /* PA[31:24], SS */
	regime.dacr = 0;
	CHECK_EQ(fsr_of(0x80ABCDEF, MMU_READ, false), 0x009); /* domain 0 */
	/* In Non-secure state every access is Non-secure: PAR.NS is set even
	 * though the descriptor's NS bit is clear. */
	regime.dacr = 1;
	regime.non_secure = true;
	CHECK_EQ(xlate(0x80ABCDEF, MMU_READ, false, &e).type, MMU_FAULT_NONE);
	CHECK_EQ(mmu_par(&none, &e, 0x80ABCDEF), 0x41000202);
}

/* The 16 copies of a supersection (L1) and of a large page (L2) must be
 * identical (B3.5.1, B3.5.2); mmu_replica_mismatch names the first copy
 * that differs from the one a walk read. */
static void test_replicas(void)
{
	reset();
	mmu_entry e;
	uint32_t ss = 0x41000000u | 1u << 18 | 3u << 10 | 2;  /* supersection, RW */
	for (uint32_t va = 0x80000000; va < 0x81000000; va += 0x100000)
		l1(va, ss);
	l1(0x00000000, L2A | 1);
	for (uint32_t va = 0x00020000; va < 0x00030000; va += 0x1000)
		l2(L2A, va, 0x40300000u | 3u << 4 | 1);       /* large, RW */
	l1(0x00100000, section(0x40100000, 3, 0, false));
	l2(L2A, 0x00012000, small(0x40200000, 3, false));
	xlate(0x80ABCDEF, MMU_READ, false, &e);
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), -1);
	xlate(0x0002BCDE, MMU_READ, false, &e);
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), -1);
	xlate(0x00100000, MMU_READ, false, &e);      /* a section: no group */
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), -1);
	xlate(0x00012000, MMU_READ, false, &e);      /* a small page: none */
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), -1);

	/* Copy 7 of each made read-only: walks through copy 0 see it differ
	 * at 7; a walk through copy 7 sees copy 0 differ first. */
	l1(0x80700000, ss | 1u << 15);
	l2(L2A, 0x00027000, 0x40300000u | 1u << 9 | 3u << 4 | 1);
	xlate(0x80012345, MMU_READ, false, &e);
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), 7);
	xlate(0x80712345, MMU_READ, false, &e);
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), 0);
	xlate(0x00020004, MMU_READ, false, &e);
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), 7);
	xlate(0x0002F004, MMU_READ, false, &e);      /* copy 15 */
	CHECK_EQ(mmu_replica_mismatch(&e, &mem), 7);
}

static void test_external_aborts(void)
{
	reset();
	regime.ttbr0 = 0x80000000u; /* L1 table outside RAM */
	CHECK_EQ(fsr_of(0x00001000, MMU_READ, false), 0x00C);
	CHECK_EQ(fsr_of(0x00001000, MMU_WRITE, false), 0x80C);
	reset();
	l1(0x00000000, 0x90000000u | 3u << 5 | 1); /* L2 table outside RAM */
	CHECK_EQ(fsr_of(0x00001000, MMU_READ, false), 0x03E);
	CHECK_EQ(fsr_of(0x00001000, MMU_FETCH, false), 0x00E);
	/* The last word of RAM is readable, the next is not. */
	reset();
	l1(0x00000000, (RAM_PA + RAM_SIZE - 0x400) | 1);
	put32(RAM_PA + RAM_SIZE - 4, small(0x40000000, 3, false));
	CHECK_EQ(pa_of(0x000FF010), 0x40000010);
	mmu_ram tiny = { .host = ram, .pa = RAM_PA, .size = 3 };
	mmu_mem tiny_mem = { .ram = &tiny, .nram = 1 };
	mmu_entry e;
	mmu_fault f = mmu_translate(&regime, 0, MMU_READ, false, 4, &tiny_mem, NULL, &e, NULL);
	CHECK_EQ(f.type, MMU_FAULT_EXT_ABORT_WALK);
	CHECK_EQ(f.level, 1);
}

static void test_ttbcr(void)
{
	reset();
	regime.ttbcr = 2; /* TTBR0 covers VA < 1 GB with a 4 KB table */
	regime.ttbr0 = 0x40008000u | 0x7Fu;       /* low bits: walk attributes, ignored */
	regime.ttbr1 = TTB | 0x59;
	put32(0x40008000 + 0x3FF * 4, section(0x40300000, 3, 0, false));
	l1(0x40000000, section(0x40400000, 3, 0, false));
	l1(0xFFF00000, section(0x40500000, 3, 0, false));
	CHECK_EQ(pa_of(0x3FF00010), 0x40300010);
	CHECK_EQ(pa_of(0x40000010), 0x40400010);
	CHECK_EQ(pa_of(0xFFF00010), 0x40500010);
	mmu_trace t;
	mmu_entry e;
	mmu_translate(&regime, 0x3FF00010, MMU_READ, false, 4, &mem, NULL, &e, &t);
	CHECK_EQ(t.ttbr, 0);
	CHECK_EQ(t.table, 0x40008000);
	CHECK_EQ(t.step[0].addr, 0x40008000 + 0x3FF * 4);
	mmu_translate(&regime, 0x40000010, MMU_READ, false, 4, &mem, NULL, &e, &t);
	CHECK_EQ(t.ttbr, 1);
	CHECK_EQ(t.step[0].addr, TTB + 0x400 * 4);
	/* PD0/PD1: translation fault with no fetch at all. */
	regime.ttbcr |= MMU_TTBCR_PD0;
	mmu_fault f = mmu_translate(&regime, 0x3FF00010, MMU_WRITE, false, 4, &mem, NULL, &e, &t);
	CHECK_EQ(mmu_fsr(&f, MMU_WRITE), 0x805);
	CHECK_EQ(t.nsteps, 0);
	CHECK_EQ(pa_of(0x40000010), 0x40400010);
	regime.ttbcr = 2 | MMU_TTBCR_PD1;
	CHECK_EQ(fsr_of(0x40000010, MMU_READ, false), 0x005);
	/* N = 0: TTBR1 is never used. */
	regime.ttbcr = 0;
	regime.ttbr0 = TTB;
	CHECK_EQ(pa_of(0xFFF00010), 0x40500010);
}

/* The L1 descriptor address (ARM ARM B3.5.4): TTBCR.N = n gives VAs whose
 * top n bits are zero to TTBR0, base TTBR0[31:14-n], index VA[31-n:20];
 * the others to TTBR1, base TTBR1[31:14], index VA[31:20]; the address is
 * base | index << 2.  TTBR bits below the base are walk attributes. */
static void test_l1_addr(void)
{
	static const struct { uint32_t ttbcr, ttbr0, ttbr1, va, addr; } cases[] = {
		/* N = 0: every VA through TTBR0's 16 KB table (ARM_NOTES §1) */
		{ 0, 0x40004059, 0x4000C059, 0xC0123456, 0x40007004 },
		{ 0, 0x40006000, 0x4000C059, 0x00000000, 0x40004000 },
		{ 0, 0x40004059, 0x4000C059, 0xFFF00000, 0x40007FFC },
		/* N = 1: TTBR0 below 2 GB, an 8 KB table at TTBR0[31:13] */
		{ 1, 0x4000A059, 0x4000C059, 0x7FF00000, 0x4000BFFC },
		{ 1, 0x4000A059, 0x4000C059, 0x80000000, 0x4000E000 },
		/* N = 2: TTBR0 below 1 GB, a 4 KB table at TTBR0[31:12] */
		{ 2, 0x40005059, 0x4000C059, 0x3FF00000, 0x40005FFC },
		{ 2, 0x40005059, 0x4000E059, 0x40000000, 0x4000D000 },
		{ 2, 0x40005059, 0x4000C059, 0xFFFFFFFF, 0x4000FFFC },
		/* N = 7: TTBR0 below 32 MB, a 128-byte table at TTBR0[31:7] */
		{ 7, 0x40004FD9, 0x4000C059, 0x01F00000, 0x40004FFC },
		{ 7, 0x40004FD9, 0x4000C059, 0x02000000, 0x4000C080 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mmu_regime r = { .ttbcr = cases[i].ttbcr, .ttbr0 = cases[i].ttbr0,
				 .ttbr1 = cases[i].ttbr1 };
		CHECK_EQ(mmu_l1_addr(&r, cases[i].va), cases[i].addr);
	}
}

static void test_alignment_and_mmu_off(void)
{
	reset();
	regime.sctlr |= MMU_SCTLR_A;
	mmu_entry e;
	/* Alignment comes first, even where nothing is mapped. */
	mmu_fault f = mmu_translate(&regime, 0x00000002, MMU_WRITE, false, 4, &mem, NULL, &e, NULL);
	CHECK_EQ(mmu_fsr(&f, MMU_WRITE), 0x801);
	f = mmu_translate(&regime, 0x00000002, MMU_READ, false, 2, &mem, NULL, &e, NULL);
	CHECK_EQ(mmu_fsr(&f, MMU_READ), 0x005);
	f = mmu_translate(&regime, 0x00000003, MMU_READ, false, 1, &mem, NULL, &e, NULL);
	CHECK_EQ(f.type, MMU_FAULT_TRANSLATION);
	regime.sctlr &= ~MMU_SCTLR_A;
	f = mmu_translate(&regime, 0x00000002, MMU_READ, false, 4, &mem, NULL, &e, NULL);
	CHECK_EQ(f.type, MMU_FAULT_TRANSLATION);
	regime.sctlr = 0; /* MMU off: flat */
	f = mmu_translate(&regime, 0x12345678, MMU_WRITE, true, 4, &mem, NULL, &e, NULL);
	CHECK_EQ(f.type, MMU_FAULT_NONE);
	CHECK_EQ(mmu_entry_pa(&e, 0x12345678), 0x12345678);
}

static void test_pxn(void)
{
	reset();
	uint32_t d = section(0x40000000, 3, 0, false) | 1; /* type 11 */
	l1(0x00000000, d);
	CHECK_EQ(fsr_of(0x100, MMU_READ, false), 0x005); /* reserved without PXN */
	regime.has_pxn = true;
	CHECK_EQ(fsr_of(0x100, MMU_READ, false), 0);
	CHECK_EQ(fsr_of(0x100, MMU_FETCH, false), 0x00D);
	CHECK_EQ(fsr_of(0x100, MMU_FETCH, true), 0);
	/* Table PXN (bit 2) applies to every page below it. */
	l1(0x00100000, L2A | 1u << 2 | 1);
	l2(L2A, 0x00100000, small(0x40200000, 3, false));
	CHECK_EQ(fsr_of(0x00100000, MMU_FETCH, false), 0x00F);
	CHECK_EQ(fsr_of(0x00100000, MMU_FETCH, true), 0);
	regime.has_pxn = false; /* bit 2 is SBZ then */
	CHECK_EQ(fsr_of(0x00100000, MMU_FETCH, false), 0);
}

static void test_attributes(void)
{
	reset();
	mmu_entry e;
	/* TRE = 0: TEX/C/B directly. */
	static const struct { unsigned tex, c, b; mmu_memtype type; mmu_cache inner, outer; } direct[] = {
		{ 0, 0, 0, MMU_MEM_STRONGLY_ORDERED, MMU_CACHE_NC, MMU_CACHE_NC },
		{ 0, 0, 1, MMU_MEM_DEVICE, MMU_CACHE_NC, MMU_CACHE_NC },
		{ 0, 1, 0, MMU_MEM_NORMAL, MMU_CACHE_WT, MMU_CACHE_WT },
		{ 0, 1, 1, MMU_MEM_NORMAL, MMU_CACHE_WB, MMU_CACHE_WB },
		{ 1, 0, 0, MMU_MEM_NORMAL, MMU_CACHE_NC, MMU_CACHE_NC },
		{ 1, 1, 1, MMU_MEM_NORMAL, MMU_CACHE_WBWA, MMU_CACHE_WBWA },
		{ 2, 0, 0, MMU_MEM_DEVICE, MMU_CACHE_NC, MMU_CACHE_NC },
		{ 6, 1, 0, MMU_MEM_NORMAL, MMU_CACHE_WT, MMU_CACHE_WT }, /* 1BB/A/A */
		{ 5, 0, 1, MMU_MEM_NORMAL, MMU_CACHE_WBWA, MMU_CACHE_WBWA },
		{ 7, 0, 0, MMU_MEM_NORMAL, MMU_CACHE_NC, MMU_CACHE_WB },
	};
	for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++) {
		l1(0, 0x40000000u | direct[i].tex << 12 | direct[i].c << 3 | direct[i].b << 2 |
			      3u << 10 | 2);
		CHECK_EQ(xlate(0, MMU_READ, false, &e).type, MMU_FAULT_NONE);
		CHECK_EQ(e.memtype, direct[i].type);
		if (direct[i].type == MMU_MEM_NORMAL) {
			CHECK_EQ(e.inner, direct[i].inner);
			CHECK_EQ(e.outer, direct[i].outer);
		}
	}
	/* TRE = 1 with Linux's PRRR/NMRR: n = TEX[0]:C:B. n = 7 is normal
	 * WB-WA inside and out (NMRR IR7 = 01, OR7 = 01); n = 4 device; n = 0
	 * strongly-ordered; n = 3 with S = 1 is shareable through PRRR.NS1. */
	regime.sctlr |= MMU_SCTLR_TRE;
	regime.prrr = 0xFF0A81A8u;
	regime.nmrr = 0x40E040E0u;
	l1(0, 0x40000000u | 1u << 12 | 1u << 3 | 1u << 2 | 3u << 10 | 2);
	xlate(0, MMU_READ, false, &e);
	CHECK_EQ(e.memtype, MMU_MEM_NORMAL);
	CHECK_EQ(e.inner, MMU_CACHE_WBWA);
	CHECK_EQ(e.outer, MMU_CACHE_WBWA);
	l1(0, 0x40000000u | 1u << 12 | 3u << 10 | 2);
	xlate(0, MMU_READ, false, &e);
	CHECK_EQ(e.memtype, MMU_MEM_DEVICE);
	l1(0, 0x40000000u | 3u << 10 | 2);
	xlate(0, MMU_READ, false, &e);
	CHECK_EQ(e.memtype, MMU_MEM_STRONGLY_ORDERED);
	l1(0, 0x40000000u | 1u << 16 | 1u << 3 | 1u << 2 | 3u << 10 | 2);
	xlate(0, MMU_READ, false, &e);
	CHECK_EQ(e.inner, MMU_CACHE_WB); /* IR3 = 11 */
	CHECK(e.shareable);               /* PRRR bit 19 set */
	CHECK(e.s);
}

static void test_fsr_and_par(void)
{
	/* The encoder alone, from the FSR tables. */
	static const struct { mmu_fault f; mmu_kind kind; uint32_t fsr, par; } cases[] = {
		{ { MMU_FAULT_ALIGNMENT, 0, 7 }, MMU_READ, 0x001, 0x03 },
		{ { MMU_FAULT_TRANSLATION, 1, 0 }, MMU_READ, 0x005, 0x0B },
		{ { MMU_FAULT_TRANSLATION, 2, 1 }, MMU_WRITE, 0x817, 0x0F },
		{ { MMU_FAULT_ACCESS_FLAG, 1, 2 }, MMU_READ, 0x023, 0x07 },
		{ { MMU_FAULT_ACCESS_FLAG, 2, 2 }, MMU_FETCH, 0x006, 0x0D },
		{ { MMU_FAULT_DOMAIN, 1, 15 }, MMU_WRITE, 0x8F9, 0x13 },
		{ { MMU_FAULT_DOMAIN, 2, 3 }, MMU_READ, 0x03B, 0x17 },
		{ { MMU_FAULT_PERMISSION, 1, 0 }, MMU_FETCH, 0x00D, 0x1B },
		{ { MMU_FAULT_PERMISSION, 2, 1 }, MMU_WRITE, 0x81F, 0x1F },
		{ { MMU_FAULT_EXT_ABORT_WALK, 1, 0 }, MMU_READ, 0x00C, 0x19 },
		{ { MMU_FAULT_EXT_ABORT_WALK, 2, 4 }, MMU_READ, 0x04E, 0x1D },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_EQ(mmu_fsr(&cases[i].f, cases[i].kind), cases[i].fsr);
		CHECK_EQ(mmu_par(&cases[i].f, NULL, 0), cases[i].par);
	}
	mmu_fault none = { .type = MMU_FAULT_NONE };
	CHECK_EQ(mmu_fsr(&none, MMU_WRITE), 0);
	mmu_entry e = { .va_base = 0xC0000000, .pa_base = 0x40000000, .size_log2 = 20,
			.kind = MMU_DESC_SECTION, .ns = true };
	CHECK_EQ(mmu_par(&none, &e, 0xC0012345), 0x40012200); /* PA[31:12] | NS */
	CHECK_STR(mmu_fault_name(MMU_FAULT_ACCESS_FLAG), "access-flag");
}

static unsigned fetches[3];
static unsigned cost(void *ctx, unsigned level, uint32_t pa)
{
	(void)ctx, (void)pa;
	fetches[level]++;
	return level == 1 ? 7 : 11;
}

static void test_trace(void)
{
	reset();
	l1(0x00000000, L2A | 2u << 5 | 1);
	l2(L2A, 0x00003000, small(0x40203000, 3, false) | 1u << 11);
	mmu_hooks h = { .fetch_cost = cost };
	mmu_trace t;
	mmu_entry e;
	mmu_fault f = mmu_translate(&regime, 0x00003456, MMU_READ, false, 4, &mem, &h, &e, &t);
	CHECK_EQ(f.type, MMU_FAULT_NONE);
	CHECK_EQ(t.nsteps, 2);
	CHECK_EQ(t.step[0].level, 1);
	CHECK_EQ(t.step[0].addr, TTB);
	CHECK_EQ(t.step[0].value, L2A | 2u << 5 | 1);
	CHECK_EQ(t.step[0].desc.kind, MMU_DESC_TABLE);
	CHECK_EQ(t.step[0].desc.domain, 2);
	CHECK_EQ(t.step[1].addr, L2A + 3 * 4);
	CHECK_EQ(t.step[1].desc.kind, MMU_DESC_SMALL);
	CHECK_EQ(t.step[1].cycles, 11);
	CHECK_EQ(t.cycles, 18);
	CHECK_EQ(fetches[1], 1);
	CHECK_EQ(fetches[2], 1);
	/* Without a cost function every fetch costs mem_latency. */
	mmu_hooks flat = { .mem_latency = 40 };
	mmu_translate(&regime, 0x00003456, MMU_READ, false, 4, &mem, &flat, &e, &t);
	CHECK_EQ(t.cycles, 80);

	char buf[160];
	mmu_desc d = mmu_desc_decode(1, section(0x40000000, 1, 0, true) | 1u << 12 | 1u << 3 | 1u << 2 | 1u << 16 | 1u << 17, false);
	mmu_desc_format(&d, buf, sizeof buf);
	CHECK_STR(buf, "section pa=0x40000000 ap=001 tex=001 dom=0 c b s ng xn");
	d = mmu_desc_decode(2, 0, false);
	mmu_desc_format(&d, buf, sizeof buf);
	CHECK_STR(buf, "fault");
}

/* cpu_v7_set_pte_ext (arch/arm/mm/proc-v7-2level.S; ARM_NOTES §5): the
 * Linux PTE bits are present 0, young 1, MT 5:2, dirty 6, rdonly 7,
 * user 8, xn 9, shared 10, none 11; the hardware small page keeps the PFN
 * and S (bit 10), takes C:B from MT[1:0] and TEX[0] (bit 6) from MT[2],
 * always has AP[0] (bit 4) and type 2, gets APX (bit 9) when read-only or
 * clean, AP[1] (bit 5) for user, XN (bit 0), plus ext; and is 0 when the
 * page is old, not present or PROT_NONE. */
static void test_linux_pte_to_hw(void)
{
	static const struct { uint32_t linux_pte, ext, hw; } cases[] = {
		/* user anonymous page, write-alloc (MT 0111), dirty, young, XN,
		 * shared: PFN | nG 0x800 | S 0x400 | TEX0 0x40 | AP1 0x20 |
		 * AP0 0x10 | C 0x8 | B 0x4 | small 0x2 | XN 0x1 */
		{ 0x4321075F, 0x800, 0x43210C7F },
		/* the same page clean: APX 0x200 too */
		{ 0x4321071F, 0x800, 0x43210E7F },
		/* the same page without XN, not shared, no ext */
		{ 0x4321015F, 0, 0x4321007E },
		/* vmalloc: kernel RW, write-alloc, dirty, young, XN */
		{ 0x4000125F, 0, 0x4000105F },
		/* the vectors page: write-back (MT 0011), user, read-only,
		 * dirty, young: APX | AP1 | AP0 | C | B | small */
		{ 0x43E001CF, 0, 0x43E0023E },
		/* device (MT 0100: TEX0 only), kernel RW, shared, XN */
		{ 0x20090653, 0, 0x20090453 },
		/* old (young clear), not present (a swap entry), PROT_NONE */
		{ 0x4321075D, 0x800, 0 },
		{ 0x4321075E, 0x800, 0 },
		{ 0x43210B8F, 0x800, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_EQ(mmu_linux_pte_to_hw(cases[i].linux_pte, cases[i].ext), cases[i].hw);
}

int main(void)
{
	ram = calloc(1, RAM_SIZE);
	ram_view = (mmu_ram){ .host = ram, .pa = RAM_PA, .size = RAM_SIZE };
	mem = (mmu_mem){ .ram = &ram_view, .nram = 1 };
	test_section();
	test_domains();
	test_ap_table();
	test_access_flag();
	test_pages();
	test_supersection();
	test_replicas();
	test_external_aborts();
	test_ttbcr();
	test_l1_addr();
	test_alignment_and_mmu_off();
	test_pxn();
	test_attributes();
	test_fsr_and_par();
	test_trace();
	test_linux_pte_to_hw();
	free(ram);
	return check_report();
}
