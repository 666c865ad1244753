/* Preset files: the shipped presets load with the organisations of
 * ARM_NOTES §7, and every kind of bad input gives its one-line message. */
#include <stdlib.h>

#include "tests/check.h"
#include "tlb/tlb.h"

static char err[512];

/* The error a preset text gives, or "ok". */
static const char *parse(const char *text)
{
	tlb_config cfg;
	if (tlb_preset_parse(text, "bad.tlb", &cfg, err, sizeof err) == 0)
		return "ok";
	CHECK(strchr(err, '\n') == NULL);
	return err;
}

static void test_shipped(void)
{
	tlb_config c;
	char list[512];

	CHECK_EQ(tlb_preset_load("cortex-a5", &c, err, sizeof err), 0);
	CHECK_STR(c.name, "cortex-a5");
	CHECK_EQ(c.level[TLB_ITLB].entries, 10);
	CHECK_EQ(c.level[TLB_DTLB].ways, 10);
	CHECK_EQ(c.level[TLB_MAIN].entries, 128);
	CHECK_EQ(c.level[TLB_MAIN].ways, 2);
	CHECK_EQ(c.level[TLB_WALK_CACHE].entries, 0);
	CHECK(c.micro_flush_on_context_write && c.micro_flush_on_maintenance && !c.micro_4k_only);

	CHECK_EQ(tlb_preset_load("cortex-a7", &c, err, sizeof err), 0);
	CHECK_EQ(c.level[TLB_MAIN].entries, 256);
	CHECK(c.micro_flush_on_maintenance && !c.micro_flush_on_context_write);

	CHECK_EQ(tlb_preset_load("cortex-a8", &c, err, sizeof err), 0);
	CHECK_EQ(c.level[TLB_ITLB].entries, 32);
	CHECK_EQ(c.level[TLB_ITLB].policy, TLB_POLICY_FIFO);
	CHECK_EQ(c.level[TLB_MAIN].entries, 0);

	CHECK_EQ(tlb_preset_load("cortex-a9", &c, err, sizeof err), 0);
	CHECK_EQ(c.level[TLB_MAIN].lockable, 4);
	CHECK_EQ(c.level[TLB_DTLB].entries, 32);

	CHECK_EQ(tlb_preset_load("cortex-a15", &c, err, sizeof err), 0);
	CHECK_EQ(c.level[TLB_MAIN].entries, 512);
	CHECK_EQ(c.level[TLB_MAIN].ways, 4);
	CHECK(c.micro_4k_only);

	/* A path works as well as a name, and the custom example is valid. */
	CHECK_EQ(tlb_preset_load(MMUSCOPE_SOURCE_DIR "/presets/custom-example.tlb", &c, err,
				 sizeof err), 0);
	CHECK_EQ(c.level[TLB_MAIN].ways, 3);
	CHECK_EQ(c.seed, 0x5eed);
	tlb_t *t = tlb_new(&c);
	CHECK(t != NULL);
	tlb_free(t);

	CHECK_EQ(tlb_preset_list(list, sizeof list), 6);
	CHECK_STR(list, "cortex-a15, cortex-a5, cortex-a7, cortex-a8, cortex-a9, custom-example");

	CHECK_EQ(tlb_preset_load("cortex-a99", &c, err, sizeof err), -1);
	CHECK_STR(err, "cortex-a99: no such preset in " MMUSCOPE_SOURCE_DIR "/presets (known: "
		  "cortex-a15, cortex-a5, cortex-a7, cortex-a8, cortex-a9, custom-example)");
	CHECK_EQ(tlb_preset_load("/nonexistent/x.tlb", &c, err, sizeof err), -1);
	CHECK_STR(err, "/nonexistent/x.tlb: cannot open: No such file or directory");

	/* $MMUSCOPE_PRESETS moves the directory bare names are looked up in. */
	setenv("MMUSCOPE_PRESETS", "/nonexistent", 1);
	CHECK_EQ(tlb_preset_load("cortex-a5", &c, err, sizeof err), -1);
	CHECK_STR(err, "cortex-a5: no such preset in /nonexistent (known: none)");
	unsetenv("MMUSCOPE_PRESETS");
}

static void test_defaults(void)
{
	tlb_config c;
	/* Ways default to entries; latency 0; policy lru; the name from the file. */
	CHECK_EQ(tlb_preset_parse("dtlb.entries = 6\n", "dir/my-core.tlb", &c, err, sizeof err), 0);
	CHECK_EQ(c.level[TLB_DTLB].ways, 6);
	CHECK_EQ(c.level[TLB_DTLB].policy, TLB_POLICY_LRU);
	CHECK_EQ(c.level[TLB_ITLB].entries, 0);
	CHECK_STR(c.name, "my-core");
	CHECK_EQ(c.memory_latency, 30);
	CHECK_EQ(c.base_cpi, 1);
	/* Comments, blank lines, spaces, hex numbers. */
	CHECK_STR(parse("# x\n\n  main.entries=0x10   # sixteen\n\tmain.ways = 4\r\n"), "ok");
}

static void test_bad(void)
{
	CHECK_STR(parse("mian.entries = 4\n"), "bad.tlb:1: mian.entries: unknown key");
	CHECK_STR(parse("itlb.size = 4\n"), "bad.tlb:1: itlb.size: unknown key");
	CHECK_STR(parse("itlb.lockable = 4\n"), "bad.tlb:1: itlb.lockable: unknown key");
	CHECK_STR(parse("# c\nmain.entries =\n"), "bad.tlb:2: main.entries: missing value");
	CHECK_STR(parse("main.entries 4\n"), "bad.tlb:1: main.entries 4: expected 'key = value'");
	CHECK_STR(parse(" = 4\n"), "bad.tlb:1: missing key before '='");
	CHECK_STR(parse("main.entries = four\n"),
		  "bad.tlb:1: main.entries: expected a number, got 'four'");
	CHECK_STR(parse("main.entries = 12x\n"),
		  "bad.tlb:1: main.entries: expected a number, got '12x'");
	CHECK_STR(parse("main.latency = -1\n"),
		  "bad.tlb:1: main.latency: must not be negative, got '-1'");
	CHECK_STR(parse("memory_latency = -30\n"),
		  "bad.tlb:1: memory_latency: must not be negative, got '-30'");
	CHECK_STR(parse("main.entries = 8\nmain.ways = 0\n"),
		  "bad.tlb:2: main.ways: must be at least 1");
	CHECK_STR(parse("main.ways = 3\nmain.entries = 128\n"),
		  "bad.tlb:1: main.ways: 128 entries are not a multiple of 3 ways");
	CHECK_STR(parse("dtlb.entries = 4\ndtlb.ways = 8\n"),
		  "bad.tlb:2: dtlb.ways: 8 ways exceed the 4 entries");
	CHECK_STR(parse("main.entries = 100000\n"),
		  "bad.tlb:1: main.entries: 100000 is too large (at most 65536)");
	CHECK_STR(parse("main.policy = mru\n"),
		  "bad.tlb:1: main.policy: unknown policy 'mru' (lru, plru, fifo, random)");
	/* plru with 10 ways: the error points at the policy line. */
	CHECK_STR(parse("itlb.entries = 10\nitlb.policy = plru\n"),
		  "bad.tlb:2: itlb.policy: plru needs a power-of-two number of ways up to 64, "
		  "not 10");
	CHECK_STR(parse("main.entries = 8\nmain.entries = 16\n"),
		  "bad.tlb:2: main.entries: duplicate key (first set on line 1)");
	CHECK_STR(parse("micro_4k_only = maybe\n"),
		  "bad.tlb:1: micro_4k_only: expected yes or no, got 'maybe'");
	/* Nothing said about any level is not an organisation without TLBs
	 * (issue 18): that one is written out as entries = 0. */
	CHECK_STR(parse(""), "bad.tlb: no TLB level is given (set itlb.entries, dtlb.entries, "
		  "main.entries or walk_cache.entries; 0 for none)");
	CHECK_STR(parse("# only a comment\nname = x\n"), "bad.tlb: no TLB level is given (set "
		  "itlb.entries, dtlb.entries, main.entries or walk_cache.entries; 0 for none)");
	CHECK_STR(parse("itlb.entries = 0\ndtlb.entries = 0\n"), "ok");
	CHECK_STR(parse("main.lockable = 4\n"),
		  "bad.tlb:1: main.lockable: lockdown entries need a main TLB (main.entries > 0)");
	CHECK_STR(parse("main.entries = 8\nmain.lockable = 65\n"),
		  "bad.tlb:2: main.lockable: 65 is too large (at most 64)");
	CHECK_STR(parse("name = a\"b\n"),
		  "bad.tlb:1: name: 'a\"b' may hold only letters, digits and . _ - +");
	CHECK_STR(parse("base_cpi = 99999999999999999999999\n"),
		  "bad.tlb:1: base_cpi: 99999999999999999999999 is too large (at most 1000)");

	/* tlb_new refuses what the loader refuses. */
	tlb_config c;
	tlb_config_default(&c);
	c.level[TLB_MAIN] = (tlb_level_config){ .entries = 10, .ways = 4 };
	CHECK(tlb_new(&c) == NULL);
	CHECK_EQ(tlb_config_validate(&c, err, sizeof err), -1);
	CHECK_STR(err, "main.ways: 10 entries are not a multiple of 4 ways");
}

int main(void)
{
	test_shipped();
	test_defaults();
	test_bad();
	return check_report();
}
