/* User programs: the workloads and the guest tests of processes, demand
 * paging, young/dirty emulation and copy-on-write.  The kernel starts one
 * as init (pid 1) with "NAME key=value ..." (or "NAME,key=value,..."); it
 * exits with its result (2 for bad arguments).  Each test prints "NAME: N
 * failures"; each workload reports markers NAME-start when its memory is
 * set up and NAME-done when its measured part ends. */
#include "ulib.h"

#define BAD_ARG 2

static unsigned failures;

static void expect(bool ok, const char *what, long got, long want)
{
	if (ok)
		return;
	failures++;
	print("FAIL ");
	print(what);
	print_num(": got ", got);
	print_num(", want ", want);
	print("\n");
}
#define EXPECT_EQ(what, got, want) ({ long got_ = (long)(got), want_ = (long)(want); \
	expect(got_ == want_, what, got_, want_); })

static int verdict(const char *name)
{
	print(name);
	print_num(": ", failures);
	print(" failures\n");
	return failures ? 1 : 0;
}

static void *map(size_t bytes, int prot)
{
	void *p = mmap(0, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	return MAP_FAILED_ERR(p) ? 0 : p;
}

/* A write to every page, as MAP_POPULATE would fault them in: the
 * measured loop that follows starts on mapped, dirty pages. */
static void populate(volatile uint32_t *buf, size_t bytes)
{
	for (size_t i = 0; i < bytes / 4; i += PAGE_SIZE / 4)
		buf[i] = 0;
}

/* ---- workloads ---- */

/* seq: read-modify-write every 64-byte line of MB megabytes, PASSES times.
 * free=1 hands the buffer back with MADV_FREE before every pass after the
 * first, as an allocator that recycles memory lazily does (jemalloc's
 * "muzzy" pages): the pass's first read of each page takes a young-bit
 * fault and its first write a dirty-bit fault (madvise_free_pte_range left
 * the PTE old and clean).  Without memory pressure the data stays. */
static int seq(const char *args)
{
	long mb = arg(args, "mb", 4), passes = arg(args, "passes", 2), lazy = arg(args, "free", 0);
	if (mb < 1 || mb > 64 || passes < 1 || lazy < 0 || lazy > 1)
		return BAD_ARG;
	volatile uint32_t *buf = map((size_t)mb << 20, PROT_READ | PROT_WRITE);
	if (!buf)
		return 1;
	uint32_t sum = 0;
	populate(buf, (size_t)mb << 20);
	marker("seq-start");
	for (long p = 0; p < passes; p++) {
		if (lazy && p > 0)
			madvise((void *)buf, (size_t)mb << 20, MADV_FREE);
		for (uint32_t i = 0; i < (uint32_t)mb << 18; i += 16)
			sum += buf[i] += i;
	}
	marker("seq-done");
	print_num("seq: checksum ", (long)(sum & 0x7FFFFFFF));
	print("\n");
	return 0;
}

/* stride: one access every STRIDE bytes over MB megabytes, PASSES times. */
static int stride(const char *args)
{
	long mb = arg(args, "mb", 4), step = arg(args, "stride", 4096), passes = arg(args, "passes", 4);
	if (mb < 1 || mb > 64 || step < 4 || (step & 3) || passes < 1)
		return BAD_ARG;
	volatile uint32_t *buf = map((size_t)mb << 20, PROT_READ | PROT_WRITE);
	if (!buf)
		return 1;
	populate(buf, (size_t)mb << 20);
	marker("stride-start");
	for (long p = 0; p < passes; p++)
		for (uint32_t off = 0; off < (uint32_t)mb << 20; off += (uint32_t)step)
			buf[off / 4] += (uint32_t)p;
	marker("stride-done");
	print_num("stride: accesses ", passes * ((mb << 20) / step));
	print("\n");
	return 0;
}

/* random: COUNT accesses at uniformly random words of MB megabytes. */
static int random_access(const char *args)
{
	long mb = arg(args, "mb", 4), count = arg(args, "count", 100000), seed = arg(args, "seed", 1);
	if (mb < 1 || mb > 64 || count < 1 || seed < 0)
		return BAD_ARG;
	volatile uint32_t *buf = map((size_t)mb << 20, PROT_READ | PROT_WRITE);
	if (!buf)
		return 1;
	uint32_t state = (uint32_t)seed, words = (uint32_t)mb << 18;
	populate(buf, (size_t)mb << 20);
	marker("random-start");
	for (long i = 0; i < count; i++)
		buf[rand_next(&state) % words]++;
	marker("random-done");
	print_num("random: accesses ", count);
	print("\n");
	return 0;
}

/* chase: a pointer chase through a random cycle over WS kilobytes (one
 * element per 64-byte line), STEPS steps. */
static int chase(const char *args)
{
	long ws = arg(args, "ws", 256), steps = arg(args, "steps", 100000);
	if (ws < 4 || ws > 65536 || steps < 1)
		return BAD_ARG;
	uint32_t n = (uint32_t)ws * 1024 / 64, state = 7;
	uint32_t *buf = map((size_t)ws * 1024, PROT_READ | PROT_WRITE);
	uint32_t *order = map(n * 4, PROT_READ | PROT_WRITE);
	if (!buf || !order)
		return 1;
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	for (uint32_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
		uint32_t j = rand_next(&state) % (i + 1), t = order[i];
		order[i] = order[j], order[j] = t;
	}
	for (uint32_t i = 0; i < n; i++)
		buf[order[i] * 16] = order[(i + 1) % n] * 16;
	uint32_t at = order[0] * 16;
	marker("chase-start");
	for (long s = 0; s < steps; s++)
		at = ((volatile uint32_t *)buf)[at];
	marker("chase-done");
	print_num("chase: ended at ", at / 16);
	print("\n");
	return 0;
}

/* matrix: C = A x B for N x N integers. */
static int matrix(const char *args)
{
	long n = arg(args, "n", 48);
	if (n < 2 || n > 256)
		return BAD_ARG;
	size_t bytes = (size_t)(n * n) * 4;
	int32_t *a = map(bytes, PROT_READ | PROT_WRITE), *b = map(bytes, PROT_READ | PROT_WRITE),
		*c = map(bytes, PROT_READ | PROT_WRITE);
	if (!a || !b || !c)
		return 1;
	for (long i = 0; i < n * n; i++)
		a[i] = (int32_t)(i % 7), b[i] = (int32_t)(i % 5);
	long trace = 0;
	marker("matrix-start");
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			int32_t s = 0;
			for (long k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			c[i * n + j] = s;
		}
	marker("matrix-done");
	for (long i = 0; i < n; i++)
		trace += c[i * n + i];
	print_num("matrix: trace ", trace);
	print("\n");
	return 0;
}

/* fork: CHILDREN children each write every one of PAGES shared pages (COW
 * breaks), then exit; the parent checks its own copy is untouched. */
static int fork_stress(const char *args)
{
	long children = arg(args, "children", 8), pages = arg(args, "pages", 16);
	if (children < 1 || children > 60 || pages < 1 || pages > 4096)
		return BAD_ARG;
	volatile uint32_t *buf = map((size_t)pages * PAGE_SIZE, PROT_READ | PROT_WRITE);
	if (!buf)
		return 1;
	for (long p = 0; p < pages; p++)
		buf[p * 1024] = (uint32_t)p;
	marker("fork-start");
	for (long c = 0; c < children; c++) {
		long pid = fork();
		if (pid == 0) {
			for (long p = 0; p < pages; p++)
				buf[p * 1024] = (uint32_t)(1000 + c);
			exit(0);
		}
		if (pid < 0)
			return 1;
	}
	int status;
	while (wait4(-1, &status) > 0)
		EXPECT_EQ("fork: child exit status", status, 0);
	marker("fork-done");
	for (long p = 0; p < pages; p++)
		EXPECT_EQ("fork: parent's copy untouched", buf[p * 1024], p);
	return verdict("fork");
}

/* mmap: ITERATIONS rounds of mmap, touch, mprotect, madvise, munmap. */
static int mmap_churn(const char *args)
{
	long iterations = arg(args, "iterations", 50), pages = arg(args, "pages", 8);
	if (iterations < 1 || pages < 1 || pages > 4096)
		return BAD_ARG;
	marker("mmap-start");
	for (long i = 0; i < iterations; i++) {
		size_t bytes = (size_t)pages * PAGE_SIZE;
		volatile uint32_t *p = map(bytes, PROT_READ | PROT_WRITE);
		if (!p)
			return 1;
		for (long k = 0; k < pages; k++)
			p[k * 1024] = (uint32_t)(i + k);
		mprotect((void *)p, bytes, PROT_READ);
		uint32_t sum = 0;
		for (long k = 0; k < pages; k++)
			sum += p[k * 1024];
		EXPECT_EQ("mmap: data survives mprotect", sum, pages * i + pages * (pages - 1) / 2);
		mprotect((void *)p, bytes, PROT_READ | PROT_WRITE);
		madvise((void *)p, bytes, MADV_DONTNEED);
		EXPECT_EQ("mmap: MADV_DONTNEED gives zero pages", p[0], 0);
		munmap((void *)p, bytes);
	}
	marker("mmap-done");
	return verdict("mmap");
}

/* stack: recursion DEPTH deep with a 256-byte frame: the stack VMA grows. */
static long recurse(long depth)
{
	volatile char frame[256];
	frame[0] = (char)depth;
	return depth ? recurse(depth - 1) + frame[0] : 0;
}

static int stack(const char *args)
{
	long depth = arg(args, "depth", 2000);
	if (depth < 1 || depth > 30000)
		return BAD_ARG;
	marker("stack-start");
	long r = recurse(depth);
	marker("stack-done");
	print_num("stack: ", r & 0xFFFF);
	print("\n");
	return 0;
}

/* mix: PROCS processes running different workloads side by side, with
 * the timer switching between them, so the order of their result lines is
 * the timer's. */
static int mix(const char *args)
{
	long procs = arg(args, "procs", 4);
	static int (*const kinds[])(const char *) = { random_access, chase, seq, matrix };
	static const char *const kind_args[] = { "mb=2 count=30000", "ws=128 steps=30000",
						 "mb=1 passes=2 free=1", "n=24" };
	if (procs < 1 || procs > 32)
		return BAD_ARG;
	marker("mix-start");
	for (long i = 0; i < procs; i++) {
		long pid = fork();
		if (pid == 0) {
			timing_dependent_output = true;
			exit(kinds[i % 4](kind_args[i % 4]));
		}
		if (pid < 0)
			return 1;
	}
	int status;
	while (wait4(-1, &status) > 0)
		EXPECT_EQ("mix: child exit status", status, 0);
	marker("mix-done");
	return verdict("mix");
}

/* ---- tests ---- */

static struct mm_stats stats_now(void)
{
	struct mm_stats s;
	mm_stats(&s);
	return s;
}

/* The tests of the opt-in aging scan need the kernel's aging=TICKS. */
static bool aging_on(const char *args)
{
	if (arg(args, "aging", 0) > 0)
		return true;
	print("this test needs the aging scan: aging=TICKS (e.g. aging=8)\n");
	return false;
}

/* Returns just after the timer's aging pass: with aging=8 the next one is
 * 8 ticks (400,000 instructions) away, time enough for a measured step. */
static struct mm_stats after_pass(void)
{
	unsigned long passes = stats_now().aging_passes;
	struct mm_stats s;
	do
		s = stats_now();
	while (s.aging_passes == passes);
	return s;
}

/* A child that makes one access, for the SIGSEGV checks: its status. */
static int child_touch(volatile uint32_t *addr, bool write)
{
	long pid = fork();
	if (pid == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		exit(0);
	}
	int status = -1;
	wait4(pid, &status);
	return status;
}

static int test_syscalls(const char *args)
{
	(void)args;
	EXPECT_EQ("getpid of init", getpid(), 1);
	EXPECT_EQ("write returns its length", write(1, "hello\n", 6), 6);
	EXPECT_EQ("write to a bad fd: -EBADF", write(7, "x", 1), -EBADF);
	EXPECT_EQ("write from a bad pointer: -EFAULT", write(1, (void *)0x100, 4), -EFAULT);
	EXPECT_EQ("write from kernel space: -EFAULT", write(1, (void *)0xC0008000u, 4), -EFAULT);
	EXPECT_EQ("mmap of a file: -EBADF", (long)mmap(0, 4096, PROT_READ, MAP_PRIVATE, -1), -EBADF);
	EXPECT_EQ("mmap of 0 bytes: -EINVAL", (long)mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1), -EINVAL);
	EXPECT_EQ("mmap with unknown PROT bits: -EINVAL", (long)mmap(0, 4096, 8, MAP_PRIVATE | MAP_ANONYMOUS, -1), -EINVAL);
	EXPECT_EQ("mmap shared: -EINVAL", (long)mmap(0, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1), -EINVAL);
	EXPECT_EQ("MAP_FIXED unaligned: -EINVAL",
		  (long)mmap((void *)0x20000100, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1), -EINVAL);
	EXPECT_EQ("MAP_FIXED at 0: -EINVAL",
		  (long)mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1), -EINVAL);
	EXPECT_EQ("mmap larger than the free space: -ENOMEM",
		  (long)mmap(0, 0xA0000000u, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1), -ENOMEM);
	EXPECT_EQ("munmap unaligned: -EINVAL", munmap((void *)0x1001, 4096), -EINVAL);
	EXPECT_EQ("munmap of 0 bytes: -EINVAL", munmap((void *)0x20000000, 0), -EINVAL);
	EXPECT_EQ("munmap of a hole", munmap((void *)0x30000000, 4096), 0);
	EXPECT_EQ("mprotect unaligned: -EINVAL", mprotect((void *)0x1001, 4096, PROT_READ), -EINVAL);
	EXPECT_EQ("mprotect of a hole: -ENOMEM", mprotect((void *)0x30000000, 4096, PROT_READ), -ENOMEM);
	EXPECT_EQ("madvise with an unknown advice: -EINVAL", madvise((void *)0x30000000, 4096, 99), -EINVAL);
	EXPECT_EQ("madvise unaligned: -EINVAL", madvise((void *)0x30000001, 4096, MADV_DONTNEED), -EINVAL);
	EXPECT_EQ("madvise of a hole: -ENOMEM", madvise((void *)0x30000000, 4096, MADV_DONTNEED), -ENOMEM);
	EXPECT_EQ("unknown system call: -ENOSYS", sys_call(999, 0, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT_EQ("mm_stats to a bad pointer: -EFAULT", mm_stats((struct mm_stats *)0x100), -EFAULT);
	EXPECT_EQ("marker from a bad pointer: -EFAULT", marker((const char *)0x100), -EFAULT);
	EXPECT_EQ("marker", marker("test-syscalls"), 0);
	EXPECT_EQ("wait4 without children: -ECHILD", wait4(-1, 0), -ECHILD);
	EXPECT_EQ("sched_yield", sched_yield(), 0);
	struct sysinfo info;
	EXPECT_EQ("sysinfo", sysinfo(&info), 0);
	expect(info.freeram > 0 && info.freeram < info.totalram, "sysinfo: free below total RAM",
	       (long)info.freeram, (long)info.totalram);
	EXPECT_EQ("sysinfo: in pages", info.mem_unit, PAGE_SIZE);
	EXPECT_EQ("sysinfo: one task", info.procs, 1);
	EXPECT_EQ("sysinfo to a bad pointer: -EFAULT", sysinfo((struct sysinfo *)0x100), -EFAULT);

	/* brk: grows and shrinks the heap; past its limits it stays put. */
	long cur = brk(0);
	expect(cur > 0x10000, "brk(0) gives the current break", cur, 0x10000);
	EXPECT_EQ("brk grows", brk((void *)(cur + 3 * PAGE_SIZE)), cur + 3 * PAGE_SIZE);
	volatile uint32_t *heap = (void *)cur;
	heap[0] = 1, heap[2 * 1024] = 2;
	EXPECT_EQ("heap memory works", heap[0] + heap[2 * 1024], 3);
	EXPECT_EQ("brk shrinks", brk((void *)cur), cur);
	EXPECT_EQ("brk below the heap's start stays", brk((void *)0x10000), cur);
	EXPECT_EQ("brk into the mmap area stays", brk((void *)0x50000000), cur);

	/* MAP_FIXED, and munmap of a middle page: the VMA splits. */
	volatile uint32_t *fixed = mmap((void *)0x20000000, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1);
	EXPECT_EQ("MAP_FIXED maps at the address", (long)fixed, 0x20000000);
	fixed[0] = 5, fixed[2048] = 6;
	EXPECT_EQ("munmap of the middle page", munmap((void *)(fixed + 1024), PAGE_SIZE), 0);
	EXPECT_EQ("both ends stay", fixed[0] + fixed[2048], 11);
	EXPECT_EQ("the middle is gone: SIGSEGV", child_touch(fixed + 1024, false), SIGSEGV);
	EXPECT_EQ("mprotect across the hole: -ENOMEM", mprotect((void *)fixed, 3 * PAGE_SIZE, PROT_READ), -ENOMEM);
	EXPECT_EQ("madvise across the hole does the rest: -ENOMEM",
		  madvise((void *)fixed, 3 * PAGE_SIZE, MADV_DONTNEED), -ENOMEM);
	EXPECT_EQ("... and the pages it could are zero", fixed[0] + fixed[2048], 0);
	EXPECT_EQ("munmap", munmap((void *)fixed, 3 * PAGE_SIZE), 0);

	/* The kernel's own accesses to user memory fault like the user's:
	 * fixed, or -EFAULT through the exception table. */
	char *text = map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	memcpy(text + PAGE_SIZE - 4, "abc\n", 4);
	munmap(text + PAGE_SIZE, PAGE_SIZE);
	EXPECT_EQ("write of a buffer running into a hole: the part before it",
		  write(1, text + PAGE_SIZE - 4, 8), 4);
	void *none = map(PAGE_SIZE, PROT_NONE);
	EXPECT_EQ("write from a PROT_NONE page: -EFAULT", write(1, none, 4), -EFAULT);
	memcpy(text, "uaccess\n", 8);
	long pid = fork();
	if (pid == 0) {
		stats_now(); /* the child's own stack page first */
		struct mm_stats a = stats_now(), b;
		long n = write(1, text, 8); /* the child's PTEs start old */
		b = stats_now();
		exit(n == 8 && b.young - a.young == 1 ? 0 : 1);
	}
	int status = -1;
	EXPECT_EQ("wait4 returns the child", wait4(pid, &status), pid);
	EXPECT_EQ("the kernel's read of an old page: one young fault", status, 0);

	/* fork, getpid, exit status; wait4's errors. */
	pid = fork();
	if (pid == 0)
		exit((int)(getpid() & 0x7F));
	EXPECT_EQ("wait4 for another pid: -ECHILD", wait4(pid + 100, &status), -ECHILD);
	EXPECT_EQ("wait4 for the child", wait4(pid, &status), pid);
	EXPECT_EQ("exit status: the child's pid, from its getpid", status, (pid & 0x7F) << 8);
	pid = fork();
	if (pid == 0)
		exit(0);
	EXPECT_EQ("wait4 into a read-only page: -EFAULT", wait4(pid, (int *)map(PAGE_SIZE, PROT_READ)), -EFAULT);
	EXPECT_EQ("... the child was reaped all the same", wait4(-1, 0), -ECHILD);
	long children = 0;
	while ((pid = fork()) > 0)
		children++;
	if (pid == 0)
		exit(0);
	EXPECT_EQ("fork with the task table full: -EAGAIN", pid, -EAGAIN);
	EXPECT_EQ("... after every other task slot was used", children, 63);
	while (wait4(-1, 0) > 0)
		children--;
	EXPECT_EQ("every child reaped", children, 0);
	return verdict("test-syscalls");
}

/* Exact fault counts for a known pattern, and the TLB flushes Linux makes
 * for them (each delta is measured between two mm_stats calls, so the
 * code and stack pages they use are mapped, young and dirty already):
 * - reads of 8 fresh pages map the shared zero page: 8 demand faults, no
 *   flush (the PTEs were empty);
 * - first writes copy it (wp_page_copy): 8 COW faults, 8 flushes of the
 *   zero page's translation;
 * - second writes: no fault;
 * - MADV_FREE makes the 8 pages old and clean: 8 flushes;
 * - reads then take 8 young faults and writes 8 dirty faults, each fix
 *   flushed by ptep_set_access_flags (8 + 8);
 * - mprotect read-only, then read-write, changes every PTE: 8 flushes
 *   each, and the pages, dirty, write without a fault afterwards.
 * (scenarios/young_bit.lua and dirty_bit.lua follow the first page.) */
static int test_young_dirty(const char *args)
{
	(void)args;
	volatile uint32_t *p = map(8 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	struct mm_stats a = stats_now(), b;
	a = stats_now();
	uint32_t sum = 0;
	for (int i = 0; i < 8; i++)
		sum += p[i * 1024];
	b = stats_now();
	EXPECT_EQ("reads of fresh pages: demand faults", b.demand - a.demand, 8);
	EXPECT_EQ("... each mapping the zero page", b.zero_page - a.zero_page, 8);
	EXPECT_EQ("... no TLB flush", b.tlb_flush_page - a.tlb_flush_page, 0);
	EXPECT_EQ("... zeros", sum, 0);
	a = stats_now();
	for (int i = 0; i < 8; i++)
		p[i * 1024] = (uint32_t)i;
	b = stats_now();
	EXPECT_EQ("first writes: the zero page copied", b.cow - a.cow, 8);
	EXPECT_EQ("... no demand or dirty faults", (b.demand - a.demand) + (b.dirty - a.dirty), 0);
	EXPECT_EQ("... a flush each", b.tlb_flush_page - a.tlb_flush_page, 8);
	a = stats_now();
	for (int i = 0; i < 8; i++)
		p[i * 1024 + 1] = (uint32_t)i;
	b = stats_now();
	EXPECT_EQ("second writes: no faults", (b.dirty - a.dirty) + (b.young - a.young) + (b.cow - a.cow), 0);
	a = stats_now();
	madvise((void *)p, 8 * PAGE_SIZE, MADV_FREE);
	b = stats_now();
	EXPECT_EQ("MADV_FREE: old and clean, a flush each", b.tlb_flush_page - a.tlb_flush_page, 8);
	marker("young-dirty-aged"); /* where the UI's young-bit walk begins */
	a = stats_now();
	sum = 0;
	for (int i = 0; i < 8; i++)
		sum += p[i * 1024];
	b = stats_now();
	EXPECT_EQ("reads of old pages: young faults", b.young - a.young, 8);
	EXPECT_EQ("... each fix flushed", b.tlb_flush_page - a.tlb_flush_page, 8);
	EXPECT_EQ("... data kept", sum, 28);
	a = stats_now();
	for (int i = 0; i < 8; i++)
		p[i * 1024 + 2] = (uint32_t)i;
	b = stats_now();
	EXPECT_EQ("writes to clean pages: dirty faults", b.dirty - a.dirty, 8);
	EXPECT_EQ("... each fix flushed", b.tlb_flush_page - a.tlb_flush_page, 8);
	a = stats_now();
	mprotect((void *)p, 8 * PAGE_SIZE, PROT_READ);
	b = stats_now();
	EXPECT_EQ("mprotect to read-only: a flush per page", b.tlb_flush_page - a.tlb_flush_page, 8);
	a = stats_now();
	mprotect((void *)p, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	for (int i = 0; i < 8; i++)
		p[i * 1024 + 3] = (uint32_t)i;
	b = stats_now();
	EXPECT_EQ("back to read-write: a flush per page", b.tlb_flush_page - a.tlb_flush_page, 8);
	EXPECT_EQ("... and the dirty pages write without a fault", b.dirty - a.dirty, 0);
	return verdict("test-young-dirty");
}

/* The opt-in aging scan (aging=TICKS) counts the pages referenced since
 * the previous pass, exactly: a pass with nothing but this loop running
 * finds its own few pages (B); one after 20 more pages were read finds
 * B + 20.  Between two passes the young faults are those pages'; each
 * page is flushed twice, by the pass that made it old and by the young
 * fault's ptep_set_access_flags. */
static int test_aging(const char *args)
{
	if (!aging_on(args))
		return BAD_ARG;
	volatile uint32_t *p = map(32 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	for (int i = 0; i < 32; i++)
		p[i * 1024] = (uint32_t)i;
	after_pass();
	struct mm_stats a = after_pass(), b = after_pass();
	unsigned long base = b.pass_referenced;
	EXPECT_EQ("young faults between passes: the pages the pass finds referenced",
		  b.young - a.young, base);
	EXPECT_EQ("... each flushed by the pass and by its fault", b.tlb_flush_page - a.tlb_flush_page,
		  2 * base);
	a = b;
	uint32_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum += p[i * 1024];
	b = after_pass();
	EXPECT_EQ("a pass after 20 more pages were read", b.pass_referenced, base + 20);
	EXPECT_EQ("... their young faults", b.young - a.young, base + 20);
	EXPECT_EQ("... and flushes", b.tlb_flush_page - a.tlb_flush_page, 2 * (base + 20));
	EXPECT_EQ("... data kept", sum, 190);
	a = b;
	b = after_pass();
	EXPECT_EQ("the next pass: back to the loop's own pages", b.pass_referenced, base);
	EXPECT_EQ("passes are counted", b.aging_passes - a.aging_passes, 1);
	return verdict("test-aging");
}

/* The child measures its own copies: a timer tick cannot run the parent
 * meanwhile (it is waiting), and the child's stack page is made its own
 * before the first measurement. */
static int test_cow(const char *args)
{
	(void)args;
	volatile uint32_t *p = map(4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	for (int i = 0; i < 4; i++)
		p[i * 1024] = 100 + (uint32_t)i;
	long pid = fork();
	if (pid == 0) {
		stats_now();
		struct mm_stats a = stats_now();
		p[0] = 7, p[1024] = 8;
		struct mm_stats b = stats_now();
		bool ok = b.cow - a.cow == 2 && p[0] == 7 && p[1024] == 8 && p[2048] == 102;
		exit(ok ? 0 : 1);
	}
	int status = -1;
	EXPECT_EQ("wait4 returns the child", wait4(pid, &status), pid);
	EXPECT_EQ("child copied exactly its two written pages and saw its data", status, 0);
	EXPECT_EQ("parent's data untouched", p[0] + p[1024], 201);
	struct mm_stats before = stats_now();
	p[0] = 1;
	struct mm_stats after = stats_now();
	EXPECT_EQ("parent's write after the child left reuses the page", after.cow_reuse - before.cow_reuse, 1);
	EXPECT_EQ("... and copies nothing", after.cow - before.cow, 0);
	return verdict("test-cow");
}

static int test_segv(const char *args)
{
	(void)args;
	static const char *const what[] = { "write to NULL", "write to a read-only mapping",
					    "execute a data page", "read a PROT_NONE page",
					    "read kernel memory" };
	volatile uint32_t *ro = map(PAGE_SIZE, PROT_READ), *none = map(PAGE_SIZE, PROT_NONE);
	uint32_t *data = map(PAGE_SIZE, PROT_READ | PROT_WRITE);
	data[0] = 0xE12FFF1E; /* bx lr */
	for (int k = 0; k < 5; k++) {
		long pid = fork();
		if (pid == 0) {
			switch (k) {
			case 0: *(volatile uint32_t *)0 = 1; break;
			case 1: ro[0] = 1; break;
			case 2: ((void (*)(void))data)(); break;
			case 3: (void)none[0]; break;
			default: (void)*(volatile uint32_t *)0xC0008000u; break;
			}
			exit(0);
		}
		int status = -1;
		wait4(pid, &status);
		expect(status == SIGSEGV, what[k], status, SIGSEGV);
	}
	EXPECT_EQ("the system goes on: getpid", getpid(), 1);
	return verdict("test-segv");
}

static int test_stack(const char *args)
{
	(void)args;
	struct mm_stats a = stats_now();
	recurse(4000); /* ~1 MB of stack */
	struct mm_stats b = stats_now();
	expect(b.stack_grow > a.stack_grow, "deep recursion grows the stack", (long)(b.stack_grow - a.stack_grow), 1);
	long pid = fork();
	if (pid == 0)
		exit((int)recurse(100000)); /* 25 MB: beyond the 8 MB limit */
	int status = -1;
	wait4(pid, &status);
	EXPECT_EQ("recursion past the stack limit: SIGSEGV", status, SIGSEGV);
	return verdict("test-stack");
}

/* 300 short-lived processes need more than the 255 ASIDs: a rollover. */
static int test_asid(const char *args)
{
	(void)args;
	volatile uint32_t *p = map(PAGE_SIZE, PROT_READ | PROT_WRITE);
	p[0] = 42;
	struct mm_stats a = stats_now();
	for (int i = 0; i < 300; i++) {
		long pid = fork();
		if (pid == 0)
			exit(p[0] == 42 ? 0 : 1);
		int status = -1;
		wait4(pid, &status);
		if (status != 0)
			EXPECT_EQ("child sees the parent's data", status, 0);
	}
	struct mm_stats b = stats_now();
	expect(b.asid_rollovers > a.asid_rollovers, "ASID rollover", (long)(b.asid_rollovers - a.asid_rollovers), 1);
	EXPECT_EQ("parent's data after the rollover", p[0], 42);
	return verdict("test-asid");
}

/* ulayout=large or sections: a large mapping is made of blocks (64 KB,
 * 1 MB), each faulted, aged, dirtied and copied as a whole, and split
 * into small pages by anything that treats part of it differently. */
static int test_ulayout(const char *args)
{
	const char *layout = arg_str(args, "ulayout");
	long n = !layout ? 0 : !strncmp(layout, "large", 5) ? 16 : !strncmp(layout, "sections", 8) ? 256 : 0;
	if (!n || !aging_on(args))
		return BAD_ARG; /* a block layout and the aging scan are the point */
	size_t bs = (size_t)n * PAGE_SIZE, w = bs / 4; /* a block, in bytes and in words */
	volatile uint32_t *p = map(4 * bs, PROT_READ | PROT_WRITE);
	EXPECT_EQ("the mapping is block-aligned", (unsigned long)p & (bs - 1), 0);
	struct mm_stats a = after_pass(), b;
	a = stats_now();
	uint32_t sum = 0;
	for (int k = 0; k < 4; k++)
		sum += p[k * w];
	b = stats_now();
	EXPECT_EQ("a read of each block: one demand fault each", b.demand - a.demand, 4);
	EXPECT_EQ("... mapped as blocks", b.blocks - a.blocks, 4);
	EXPECT_EQ("... zero", sum, 0);
	a = stats_now();
	for (long i = 0; i < 4 * n; i++)
		sum += p[i * 1024];
	b = stats_now();
	EXPECT_EQ("reads of every page: no more faults", (b.demand - a.demand) + (b.young - a.young), 0);
	a = stats_now();
	for (int k = 0; k < 4; k++)
		p[k * w] = (uint32_t)k + 1;
	b = stats_now();
	EXPECT_EQ("a write to each clean block: one dirty fault each", b.dirty - a.dirty, 4);
	a = stats_now();
	for (long i = 0; i < 4 * n; i++)
		p[i * 1024 + 1] = (uint32_t)i;
	b = stats_now();
	EXPECT_EQ("writes to every page: no more faults", (b.dirty - a.dirty) + (b.young - a.young), 0);
	EXPECT_EQ("... and no TLB flush since the blocks were made", b.tlb_flush_page - a.tlb_flush_page, 0);
	after_pass();
	a = stats_now();
	for (int k = 0; k < 4; k++)
		sum += p[k * w];
	b = stats_now();
	EXPECT_EQ("after aging: one young fault per block", b.young - a.young, 4);
	expect(a.pass_referenced >= (unsigned long)(4 * n), "the aging pass found the blocks referenced",
	       (long)a.pass_referenced, 4 * n);

	/* Part of block 0 read-only: it is split, the rest keeps its state. */
	a = stats_now();
	mprotect((void *)p, PAGE_SIZE, PROT_READ);
	b = stats_now();
	EXPECT_EQ("mprotect of one page splits its block", b.splits - a.splits, 1);
	EXPECT_EQ("... flushing the block, then the page", b.tlb_flush_page - a.tlb_flush_page, 2);
	a = stats_now();
	p[1024] = 5;
	sum = p[0];
	b = stats_now();
	EXPECT_EQ("... its young, dirty small pages take no fault", (b.dirty - a.dirty) + (b.young - a.young), 0);
	EXPECT_EQ("... data kept", sum, 1);

	/* Half of block 1 unmapped: split; block 2 dropped whole: not split,
	 * and its next access maps a new block. */
	a = stats_now();
	munmap((void *)(p + w + w / 2), bs / 2);
	madvise((void *)(p + 2 * w), bs, MADV_DONTNEED);
	b = stats_now();
	EXPECT_EQ("munmap of half a block splits it, MADV_DONTNEED of a whole one does not",
		  b.splits - a.splits, 1);
	EXPECT_EQ("... the other half keeps its data", p[w], 2);
	a = stats_now();
	sum = p[2 * w];
	b = stats_now();
	EXPECT_EQ("... the dropped block is zero", sum, 0);
	EXPECT_EQ("... and faults back in as one block", b.blocks - a.blocks, 1);

	/* fork: the child's write to block 3 splits its copy and copies one
	 * page; the parent, alone again, takes its block back whole. */
	long pid = fork();
	if (pid == 0) {
		stats_now();
		struct mm_stats c = stats_now();
		p[3 * w + 1024] = 77;
		struct mm_stats d = stats_now();
		exit(d.cow - c.cow == 1 && d.splits - c.splits == 1 && p[3 * w + 1024] == 77 &&
		     p[3 * w] == 4 ? 0 : 1);
	}
	int status = -1;
	wait4(pid, &status);
	EXPECT_EQ("the child's write: one page copied, its block split", status, 0);
	a = stats_now();
	p[3 * w] = 9;
	b = stats_now();
	EXPECT_EQ("the parent's write after the child left: the block reused whole",
		  b.cow_reuse - a.cow_reuse, 1);
	EXPECT_EQ("... nothing copied or split", (b.cow - a.cow) + (b.splits - a.splits), 0);
	EXPECT_EQ("... the parent's data", p[3 * w + 1025], 3 * n + 1);
	return verdict("test-ulayout");
}

/* Reclaim and swap (the kernel's RAM swap device, init's swap=, 4 MB by
 * default):
 * - reading MB megabytes (default: 8 more than all the RAM) one word a
 *   page maps the zero page only: a demand fault a page, no memory used
 *   but page tables (a PTE page per 2 MB, a slab page for the VMA at
 *   most), nothing reclaimed;
 * - writing W pages, the free pages and half the swap, cannot stay in RAM:
 *   at least W - free = swap/2 pages go to swap, and reading every page
 *   back brings at least as many in, each with its data.  The pages that
 *   shrink_active_list made old and that stayed in RAM take young faults;
 * - a child that dirties more than RAM and swap is killed (SIGKILL), and
 *   the system goes on. */
static int test_reclaim(const char *args)
{
	struct sysinfo info;
	sysinfo(&info);
	long mb = arg(args, "mb", (long)(info.totalram * info.mem_unit >> 20) + 8);
	if (mb < 1 || mb > 1024)
		return BAD_ARG;
	if (!info.totalswap) {
		print("test-reclaim needs swap (swap=SIZE, not 0)\n");
		return BAD_ARG;
	}
	size_t bytes = (size_t)mb << 20, pages = bytes / PAGE_SIZE;
	struct mm_stats start = stats_now(), a = start, b;
	volatile uint32_t *p = map(bytes, PROT_READ | PROT_WRITE);
	uint32_t sum = 0;
	for (size_t i = 0; i < bytes / 4; i += 1024)
		sum += p[i];
	b = stats_now();
	struct sysinfo now;
	sysinfo(&now);
	EXPECT_EQ("every page read as zero", sum, 0);
	EXPECT_EQ("... each a demand fault", b.demand - a.demand, (long)pages);
	EXPECT_EQ("... mapping the zero page", b.zero_page - a.zero_page, (long)pages);
	long used = (long)info.freeram - (long)now.freeram;
	expect(used <= (long)(pages / 512) + 2, "... using no memory but page tables", used,
	       (long)(pages / 512) + 2);
	EXPECT_EQ("... nothing reclaimed", b.reclaimed - a.reclaimed, 0);
	munmap((void *)p, bytes);

	size_t w = now.freeram + now.totalswap / 2;
	volatile uint32_t *q = map(w * PAGE_SIZE, PROT_READ | PROT_WRITE);
	a = stats_now();
	for (size_t i = 0; q && i < w; i++)
		q[i * 1024] = (uint32_t)i;
	b = stats_now();
	expect(b.pswpout - a.pswpout >= now.totalswap / 2, "writing more than RAM holds: swapped out",
	       (long)(b.pswpout - a.pswpout), (long)(now.totalswap / 2));
	a = b;
	uint32_t want = 0;
	sum = 0;
	for (size_t i = 0; q && i < w; i++) {
		sum += q[i * 1024];
		want += (uint32_t)i;
	}
	b = stats_now();
	EXPECT_EQ("... every page read back intact", sum, want);
	expect(b.pswpin - a.pswpin >= now.totalswap / 2, "... from swap", (long)(b.pswpin - a.pswpin),
	       (long)(now.totalswap / 2));
	expect(b.young > a.young, "pages reclaim made old: young faults", (long)(b.young - a.young), 1);
	EXPECT_EQ("... and nobody ran out of memory", b.oom - start.oom, 0);
	munmap((void *)q, w * PAGE_SIZE);

	long pid = fork();
	if (pid == 0) {
		size_t big = (now.totalram + now.totalswap) * PAGE_SIZE + (8u << 20);
		volatile uint32_t *c = map(big, PROT_READ | PROT_WRITE);
		for (size_t i = 0; c && i < big / 4; i += 1024)
			c[i] = 1;
		exit(0);
	}
	int status = -1;
	wait4(pid, &status);
	b = stats_now();
	EXPECT_EQ("dirtying more than RAM and swap: killed by SIGKILL", status, SIGKILL);
	EXPECT_EQ("... counted as OOM", b.oom - start.oom, 1);
	EXPECT_EQ("the system goes on: getpid", getpid(), 1);
	return verdict("test-reclaim");
}

/* pressure: a working set larger than the free memory (MB megabytes;
 * default: the free pages and half the swap), one word a page written
 * with its index on a first pass, then read-modify-written PASSES times
 * between the markers.  Reclaim runs all along: shrink_active_list makes
 * pages old (young faults), referenced inactive pages are activated, the
 * others go to swap and come back (swap-in faults). */
static int pressure(const char *args)
{
	struct sysinfo info;
	sysinfo(&info);
	long mb = arg(args, "mb", 0), passes = arg(args, "passes", 2);
	if (mb < 0 || mb > 1024 || passes < 1)
		return BAD_ARG;
	size_t pages = mb ? (size_t)mb << 8 : info.freeram + info.totalswap / 2;
	volatile uint32_t *buf = map(pages * PAGE_SIZE, PROT_READ | PROT_WRITE);
	if (!buf)
		return 1;
	for (size_t i = 0; i < pages; i++)
		buf[i * 1024] = (uint32_t)i;
	marker("pressure-start");
	for (long p = 0; p < passes; p++)
		for (size_t i = 0; i < pages; i++)
			buf[i * 1024] += 1;
	marker("pressure-done");
	uint32_t bad = 0;
	for (size_t i = 0; i < pages; i++)
		bad += buf[i * 1024] != (uint32_t)(i + (size_t)passes);
	print_num("pressure: pages ", (long)pages);
	print_num(", wrong ", (long)bad);
	print("\n");
	return bad ? 1 : 0;
}

static const struct program {
	const char *name, *keys, *help;
	int (*run)(const char *args);
} programs[] = {
	{ "seq", "mb passes free", "user: sequential read-modify-write [mb=4 passes=2 free=0]", seq },
	{ "stride", "mb stride passes", "user: strided accesses [mb=4 stride=4096 passes=4]", stride },
	{ "random", "mb count seed", "user: uniform random accesses [mb=4 count=100000 seed=1]", random_access },
	{ "chase", "ws steps", "user: pointer chase [ws=256 (KB) steps=100000]", chase },
	{ "matrix", "n", "user: integer matrix multiply [n=48]", matrix },
	{ "fork", "children pages", "user: fork/COW stress [children=8 pages=16]", fork_stress },
	{ "mmap", "iterations pages", "user: mmap/mprotect/madvise/munmap churn [iterations=50 pages=8]", mmap_churn },
	{ "stack", "depth", "user: stack-growth recursion [depth=2000]", stack },
	{ "pressure", "mb passes", "user: a working set beyond RAM, through reclaim and swap [mb=free+swap/2 passes=2]", pressure },
	{ "mix", "procs", "user: several processes side by side [procs=4]", mix },
	{ "test-syscalls", "", "user test: every system call and its error paths", test_syscalls },
	{ "test-young-dirty", "", "user test: exact demand/dirty/young fault and flush counts", test_young_dirty },
	{ "test-aging", "", "user test: exact referenced pages per pass of the aging scan (needs aging=8)", test_aging },
	{ "test-cow", "", "user test: copy-on-write after fork", test_cow },
	{ "test-segv", "", "user test: bad accesses kill only the task", test_segv },
	{ "test-stack", "", "user test: stack growth and its limit", test_stack },
	{ "test-asid", "", "user test: ASID rollover", test_asid },
	{ "test-ulayout", "", "user test: block mappings (needs ulayout=large or sections, aging=8)", test_ulayout },
	{ "test-reclaim", "mb", "user test: zero-page reads, swap under pressure, OOM kill [mb=RAM+8]", test_reclaim },
};

/* cmdline is "NAME ARGS" or "NAME,ARGS"; "list" prints the table.  Every
 * argument must be one of the program's keys or the kernel's ulayout=. */
int main(const char *cmdline)
{
	char name[32];
	size_t n = 0;
	while (cmdline[n] && cmdline[n] != ' ' && cmdline[n] != ',' && n < sizeof name - 1)
		name[n] = cmdline[n], n++;
	name[n] = 0;
	const char *args = cmdline[n] ? cmdline + n + 1 : "";
	for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
		if (!strcmp(name, "list")) {
			print(programs[i].name);
			print(": ");
			print(programs[i].help);
			print("\n");
		} else if (!strcmp(name, programs[i].name)) {
			char keys[80] = "ulayout aging swap ";
			size_t k = strlen(keys);
			for (const char *c = programs[i].keys; *c && k < sizeof keys - 1; c++)
				keys[k++] = *c;
			keys[k] = 0;
			int rc = args_known(args, keys) ? programs[i].run(args) : BAD_ARG;
			if (rc == BAD_ARG)
				print("bad arguments\n");
			return rc;
		}
	}
	if (strcmp(name, "list")) {
		print("unknown workload '");
		print(name);
		print("'\n");
		return BAD_ARG;
	}
	return 0;
}
