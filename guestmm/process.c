/* Processes (kernel/fork.c, exit.c, sched/core.c, arch/arm/mm/context.c):
 * tasks, the round-robin scheduler, ASIDs with generations, fork, exit,
 * wait, the system call table, and the loader that starts the first user
 * program.
 *
 * The kernel is not preemptible and has one stack: every entry from user
 * mode saves the user context in current->ctx (user_enter) and every
 * return loads current's (user_return), so a task switch is a change of
 * current in between.  A wait that has to sleep rewinds the task's PC to
 * its SVC, so the call runs again when a child exits (-ERESTARTSYS). */
#include "fw.h"
#include "gmm.h"

#define USER_BASE 0x00010000ul
#define USER_MAGIC 0x53554D4Du /* "MMUS" */
#define TICK_INSNS 50000u      /* SP804 period; the host counts instructions */
#define SWAP_DEFAULT (4ul << 20) /* init's swap= when none is given */
#define EXIT_SIGNALED 0x100    /* exit_code flag: killed by the signal in bits 7:0 */

/* The user image (firmware/user/), linked at USER_BASE, starts with: */
struct user_header {
	uint32_t magic, entry, text_end, data_end, bss_end;
};
extern const char user_image[], user_image_end[];

struct task_struct tasks[NR_TASKS];
struct task_struct *current;
static int next_pid = 1;
static unsigned long ticks;
static unsigned long aging_ticks;  /* init's aging=: the opt-in scan's period; 0: off */
static struct kernel_ctx launcher;

/* ---- ASIDs (arch/arm/mm/context.c): 8-bit ASIDs, a generation above ---- */

static unsigned int asid_generation = 1u << 8, next_asid = 1;
/* For the summary: how many tasks each ASID was given to, the last one. */
static unsigned long asid_tasks[256];
static int asid_pid[256];

/* An mm whose ASID is from an older generation gets a new one; when the
 * 255 usable ASIDs run out, the generation moves on and the whole TLB is
 * flushed, so no entry of a recycled ASID survives.  current is the task
 * the mm is being switched in for. */
void switch_mm(struct mm_struct *mm)
{
	if ((mm->context_id ^ asid_generation) >> 8) {
		if (next_asid == 256) {
			asid_generation += 1u << 8;
			next_asid = 1;
			flush_tlb_all();
			gmm_stats.asid_rollovers++;
		}
		asid_tasks[next_asid]++;
		asid_pid[next_asid] = current->pid;
		mm->context_id = asid_generation | next_asid++;
	}
	/* cpu_v7_switch_mm: the new ASID, then the new tables. */
	CP15_WRITE(c13, 0, c0, 1, mm->context_id & 0xFF);
	isb();
	cpu_switch_mm(mm->pgd);
}

/* ---- tasks and the scheduler ---- */

static struct task_struct *alloc_task(void)
{
	for (int i = 0; i < NR_TASKS; i++)
		if (tasks[i].state == TASK_UNUSED) {
			tasks[i] = (struct task_struct){ .pid = next_pid++ };
			return &tasks[i];
		}
	return 0;
}

/* Round robin over the task slots: the next runnable task after current. */
static void schedule(void)
{
	int start = current ? (int)(current - tasks) : NR_TASKS - 1;
	for (int i = 1; i <= NR_TASKS; i++) {
		struct task_struct *t = &tasks[(start + i) % NR_TASKS];
		if (t->state != TASK_RUNNING)
			continue;
		if (t != current) {
			gmm_stats.switches++;
			current = t;
			switch_mm(t->mm);
		}
		return;
	}
	current = 0;
}

void user_enter(struct fw_regs *regs)
{
	current->ctx = *regs;
}

static void user_programs_done(void)
{
	kernel_ctx_restore(&launcher, 1);
}

/* Back to user mode in current's context, or, when no task is left, to
 * the kernel code that started the first one (in SVC mode). */
void user_return(struct fw_regs *regs)
{
	if (current) {
		*regs = current->ctx;
		return;
	}
	regs->pc = (uint32_t)user_programs_done;
	regs->cpsr = PSR_MODE_SVC | PSR_I | 0x40u;
}

/* do_exit: the address space goes at once; the task stays a zombie until
 * its parent waits for it.  Orphans go to init; when init exits, every
 * task goes with it. */
void do_exit(int code)
{
	struct task_struct *t = current, *init = &tasks[0];
	gmm_stats.exits++;
	mmput(t->mm);
	t->mm = 0;
	t->exit_code = code;
	for (int i = 0; i < NR_TASKS; i++) {
		struct task_struct *c = &tasks[i];
		if (c->state == TASK_UNUSED || c->parent != t)
			continue;
		if (t == init) {
			if (c->mm)
				mmput(c->mm);
			c->mm = 0;
			c->state = TASK_UNUSED;
		} else {
			c->parent = init;
		}
	}
	if (t->parent && t->parent->state == TASK_WAITING)
		t->parent->state = TASK_RUNNING; /* its wait4 runs again */
	t->state = t == init ? TASK_UNUSED : TASK_ZOMBIE;
	schedule();
}

void force_sig_segv(unsigned long addr, unsigned int fsr, uint32_t pc)
{
	printk("pid %d: segmentation fault at %p, fsr 0x%03x, pc %p\n", current->pid,
	       (void *)addr, fsr & 0xFFFu, (void *)pc);
	gmm_stats.segv++;
	do_exit(EXIT_SIGNALED | SIGSEGV);
}

/* What pagefault_out_of_memory comes to with one candidate: the task whose
 * fault found no memory (reclaim included) is killed. */
void force_sig_oom(void)
{
	printk("Out of memory: killed process %d\n", current->pid);
	gmm_stats.oom++;
	do_exit(EXIT_SIGNALED | SIGKILL);
}

static long do_fork(void)
{
	struct task_struct *child = alloc_task();
	if (!child)
		return -EAGAIN;
	child->mm = dup_mm(current->mm);
	if (!child->mm) {
		child->state = TASK_UNUSED;
		return -ENOMEM;
	}
	gmm_stats.forks++;
	child->ctx = current->ctx;
	child->ctx.r[0] = 0;
	child->parent = current;
	child->state = TASK_RUNNING;
	return child->pid;
}

/* wait4(pid or -1, status): reaps a zombie child, or sleeps until one
 * exits.  status is Linux's: code << 8 for an exit, the signal for a kill.
 * A status the kernel cannot store is -EFAULT, the child reaped anyway. */
static long sys_wait4(long pid, unsigned long status_addr, bool *slept)
{
	bool have_child = false;
	for (int i = 0; i < NR_TASKS; i++) {
		struct task_struct *c = &tasks[i];
		if (c->state == TASK_UNUSED || c->parent != current || (pid > 0 && c->pid != pid))
			continue;
		have_child = true;
		if (c->state != TASK_ZOMBIE)
			continue;
		int status = c->exit_code & EXIT_SIGNALED ? c->exit_code & 0x7F : (c->exit_code & 0xFF) << 8;
		c->state = TASK_UNUSED;
		if (status_addr && (!access_ok(status_addr, sizeof status) ||
				    __copy_to_user((void *)status_addr, &status, sizeof status)))
			return -EFAULT;
		return c->pid;
	}
	if (!have_child)
		return -ECHILD;
	current->state = TASK_WAITING;
	current->ctx.pc -= 4; /* the SVC again, when a child exits */
	*slept = true;
	schedule();
	return 0;
}

/* The console; a buffer that ends in a bad page is written up to it (the
 * count says how far), one bad from the start is -EFAULT. */
static long sys_write(long fd, unsigned long buf, unsigned long len)
{
	if (fd != 1 && fd != 2)
		return -EBADF;
	if (!access_ok(buf, len))
		return -EFAULT;
	char chunk[64];
	unsigned long done = 0;
	while (done < len) {
		unsigned long n = len - done < sizeof chunk ? len - done : sizeof chunk;
		unsigned long copied = n - __copy_from_user(chunk, (const void *)(buf + done), n);
		for (unsigned long i = 0; i < copied; i++)
			console_putc(chunk[i]);
		done += copied;
		if (copied < n)
			return done ? (long)done : -EFAULT;
	}
	return (long)len;
}

/* sysinfo: the memory and swap figures (in pages: mem_unit is PAGE_SIZE,
 * as si_meminfo reports them) and the number of tasks; there is no high
 * memory, load average or wall-clock uptime to report. */
static long sys_sysinfo(unsigned long buf)
{
	struct sysinfo info = { .totalram = totalram_pages, .freeram = nr_free_pages(),
				.mem_unit = PAGE_SIZE };
	swap_usage(&info.totalswap, &info.freeswap);
	for (int i = 0; i < NR_TASKS; i++)
		info.procs += tasks[i].state != TASK_UNUSED;
	if (!access_ok(buf, sizeof info) || __copy_to_user((void *)buf, &info, sizeof info))
		return -EFAULT;
	return 0;
}

/* mmuscope's own calls: the memory manager's counters, for guest tests;
 * and a marker (semihosting, which scenarios wait on) named by the task. */
#define MARKER_MAX 48
static long sys_mm_stats(unsigned long buf, unsigned long len)
{
	if (len > sizeof gmm_stats)
		len = sizeof gmm_stats;
	if (!access_ok(buf, len) || __copy_to_user((void *)buf, &gmm_stats, len))
		return -EFAULT;
	return (long)len;
}

static long sys_mm_marker(unsigned long name)
{
	char buf[MARKER_MAX];
	for (unsigned long i = 0; i < sizeof buf; i++) {
		if (!access_ok(name + i, 1) || __copy_from_user(&buf[i], (const void *)(name + i), 1))
			return -EFAULT;
		if (!buf[i]) {
			fw_marker(buf);
			return 0;
		}
	}
	return -EINVAL;
}

/* The ARM EABI calling convention: number in r7, arguments r0-r5. */
void gmm_syscall(struct fw_regs *regs)
{
	user_enter(regs);
	struct fw_regs *c = &current->ctx;
	uint32_t *a = c->r;
	long ret;
	bool switched = false;
	switch (a[7]) {
	case __NR_exit:
		do_exit((int)(a[0] & 0xFF));
		switched = true;
		break;
	case __NR_fork:        ret = do_fork(); break;
	case __NR_write:       ret = sys_write((long)a[0], a[1], a[2]); break;
	case __NR_getpid:      ret = current->pid; break;
	case __NR_brk:         ret = sys_brk(a[0]); break;
	case __NR_munmap:      ret = sys_munmap(a[0], a[1]); break;
	case __NR_wait4:       ret = sys_wait4((long)a[0], a[1], &switched); break;
	case __NR_sysinfo:     ret = sys_sysinfo(a[0]); break;
	case __NR_mprotect:    ret = sys_mprotect(a[0], a[1], a[2]); break;
	case __NR_sched_yield:
		a[0] = 0;
		schedule();
		switched = true;
		break;
	case __NR_mmap2: /* the offset is in pages, and there are no files */
		ret = sys_mmap(a[0], a[1], a[2], a[3], (long)a[4]);
		break;
	case __NR_madvise:     ret = sys_madvise(a[0], a[1], (int)a[2]); break;
	case __NR_mm_stats:    ret = sys_mm_stats(a[0], a[1]); break;
	case __NR_mm_marker:   ret = sys_mm_marker(a[0]); break;
	default:               ret = -ENOSYS; break;
	}
	if (!switched)
		a[0] = (uint32_t)ret;
	user_return(regs);
}

/* The timer: preemption, and with aging= the opt-in aging scan. */
void gmm_timer_tick(struct fw_regs *regs)
{
	ticks++;
	if (!current || !user_mode(regs))
		return;
	user_enter(regs);
	if (aging_ticks && ticks % aging_ticks == 0)
		age_user_pages();
	schedule();
	user_return(regs);
}

/* ---- the first user program ---- */

/* Maps the image (text read-only and executable, data and bss writable),
 * a stack, and the command line at the top of the stack (r0 points to it). */
static int load_user_image(struct task_struct *t, const char *cmdline)
{
	const struct user_header *h = (const void *)user_image;
	unsigned long size = (unsigned long)(user_image_end - user_image);
	/* The file stops where its last initialised byte is (objcopy). */
	unsigned long file_end = USER_BASE + size;
	if (size < sizeof *h || h->magic != USER_MAGIC || file_end > h->data_end ||
	    h->text_end > h->data_end || h->data_end > h->bss_end)
		return -EINVAL;
	struct mm_struct *mm = t->mm;
	unsigned long text_end = PAGE_ALIGN(h->text_end), bss_end = PAGE_ALIGN(h->bss_end);
	if (insert_vm_area(mm, USER_BASE, text_end, VM_READ | VM_EXEC) ||
	    (bss_end > text_end && insert_vm_area(mm, text_end, bss_end, VM_READ | VM_WRITE)) ||
	    insert_vm_area(mm, STACK_TOP - 4 * PAGE_SIZE, STACK_TOP, VM_READ | VM_WRITE | VM_GROWSDOWN))
		return -ENOMEM;
	for (unsigned long addr = USER_BASE; addr < file_end; addr += PAGE_SIZE) {
		unsigned long len = file_end - addr < PAGE_SIZE ? file_end - addr : PAGE_SIZE;
		if (populate_page(mm, addr, user_image + (addr - USER_BASE), len))
			return -ENOMEM;
	}
	mm->start_brk = mm->brk = bss_end;
	size_t len = strlen(cmdline) + 1;
	unsigned long sp = (STACK_TOP - len) & ~7ul;
	if (len > PAGE_SIZE / 2 || populate_page(mm, sp, cmdline, len))
		return -ENOMEM;
	t->ctx = (struct fw_regs){ .cpsr = PSR_MODE_USR, .usr_sp = sp - 8, .pc = h->entry };
	t->ctx.r[0] = (uint32_t)sp;
	return 0;
}

/* The "mm:" line of the counters that do not depend on the timer, the
 * tagged one of those that do (abi.h's MM_STATS), then one line per ASID that was used
 * or took faults (ASID 0 is the kernel's), to compare with the model's
 * per-ASID counts.  Those are tagged too: aging adds young faults, and
 * which child gets which ASID follows the order the children first ran. */
static void report(long leaked)
{
#define GMM_STAT_PRINT(name) printk(" " #name " %lu", gmm_stats.name);
#define GMM_STAT_SKIP(name)
	printk("mm:");
	MM_STATS(GMM_STAT_PRINT, GMM_STAT_SKIP)
	printk(" cow_breaks %lu leaked_pages %ld\n", gmm_stats.cow + gmm_stats.cow_reuse, leaked);
	printk_timing_tag();
	printk("mm:");
	MM_STATS(GMM_STAT_SKIP, GMM_STAT_PRINT)
	printk("\n");
#undef GMM_STAT_SKIP
#undef GMM_STAT_PRINT
	for (unsigned a = 0; a < 256; a++)
		if (asid_tasks[a] || asid_faults[a]) {
			printk_timing_tag();
			printk("asid %u: tasks %lu last_pid %d faults %lu\n", a, asid_tasks[a],
			       asid_pid[a], asid_faults[a]);
		}
}

/* init's own parameters: aging=TICKS (the opt-in aging scan every TICKS
 * timer ticks; 0, the default, is off) and swap=SIZE (the RAM swap
 * device, default 4M; 0: none).  False for a malformed value. */
static bool init_params(const char *cmdline, unsigned long *swap_bytes)
{
	const char *v = early_param(cmdline, "aging="), *end;
	aging_ticks = v ? memparse(v, &end) : 0;
	if (v && (end == v || (*end && *end != ' ' && *end != ',') || aging_ticks > 1000000))
		return false;
	v = early_param(cmdline, "swap=");
	*swap_bytes = v ? memparse(v, &end) : SWAP_DEFAULT;
	return !v || (end != v && (!*end || *end == ' ' || *end == ',') && *swap_bytes <= (64ul << 20));
}

/* Starts init (pid 1) on cmdline, runs every task until init exits, then
 * returns here in SVC mode.  Returns init's exit status, or 1 when pages
 * leaked (freed pages must all be back, apart from slab growth), or 2 for
 * an unknown ulayout= (the user layout: ulayout.c) or a bad aging= or
 * swap=. */
int run_user_programs(const char *cmdline)
{
	unsigned long swap_bytes;
	if (set_user_layout(cmdline)) {
		printk("ulayout=: unknown (pages, large, sections)\n");
		return 2;
	}
	if (!init_params(cmdline, &swap_bytes)) {
		printk("aging=TICKS (0-1000000) or swap=SIZE (at most 64M): bad value\n");
		return 2;
	}
	if (swapon(swap_bytes >> PAGE_SHIFT)) {
		printk("swapon: no memory for %lu kB of swap\n", swap_bytes >> 10);
		return 1;
	}
	long free_before = (long)nr_free_pages() + (long)slab_pages();
	struct task_struct *init = alloc_task();
	init->mm = mm_alloc();
	if (!init->mm || load_user_image(init, cmdline)) {
		printk("cannot start the user program\n");
		return 1;
	}
	init->state = TASK_RUNNING;
	current = init;
	if (!kernel_ctx_save(&launcher)) {
		switch_mm(init->mm);
		timer_start_periodic(TICK_INSNS);
		ret_to_user(&init->ctx);
	}
	timer_stop();
	CP15_WRITE(c13, 0, c0, 1, 0u);
	cpu_switch_mm(swapper_pg_dir);
	for (int i = 0; i < NR_TASKS; i++)
		tasks[i].state = TASK_UNUSED; /* zombies nobody waited for */
	long leaked = free_before - ((long)nr_free_pages() + (long)slab_pages());
	swapoff();
	report(leaked);
	if (leaked)
		return 1;
	return init->exit_code & EXIT_SIGNALED ? 128 + (init->exit_code & 0x7F) : init->exit_code;
}
