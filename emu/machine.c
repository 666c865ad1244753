/* The machine: guest RAM, placeholders, devices, the unicorn hooks and the
 * run loop.
 *
 * Hooks and what they cost (see docs/emu.md):
 *  - block hook, always: retired-instruction count (the timer's time base),
 *    timer expiry and IRQ delivery at block boundaries, the instruction
 *    budget; with the model on, the I-side lookups (one per block and per
 *    page crossed) and the one-time scan of a privileged block for MCRs.
 *  - interrupt hook, always: exception entry, semihosting (abort.c).
 *  - memory hooks, model on: one D-side model access per load/store.
 *  - code hooks, model on: only on the MCR instructions found by the scan
 *    (cp15_scan.c). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "emu/internal.h"

#define LINUX_RAM_MB 256        /* as the qemu-system-arm -m 256M */
#define LINUX_PAGE_OFFSET 0xC0000000u /* armmp: CONFIG_VMSPLIT_3G */

/* emu_options.check_access_pc: a code hook on every instruction keeps
 * unicorn's own PC, and a memory hook added after mem_hook (unicorn calls
 * hooks in the order they were added) compares the attribution with it,
 * so the check costs the normal path nothing. */
static void pc_check_code_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
	(void)uc;
	(void)size;
	((emu_t *)opaque)->insn_pc = (uint32_t)addr;
}

static void pc_check_mem_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			      int64_t value, void *opaque)
{
	(void)uc, (void)type, (void)size, (void)value;
	emu_t *e = opaque;
	if (!e->block_thumb && e->access_pc != e->insn_pc) {
		e->disagreements++;
		fprintf(stderr, "mmuscope: emulator bug: access at VA 0x%08x attributed to PC "
			"0x%08x, made by 0x%08x\n", (uint32_t)addr, e->access_pc, e->insn_pc);
	}
}

/* ---- model hooks -------------------------------------------------------- */

static void note_fault_outcome(emu_t *e)
{
	if (e->predicted.valid) {
		/* The model said the last access faults; QEMU performed it. */
		e->disagreements++;
		fprintf(stderr, "mmuscope: model disagrees with QEMU: predicted %s (FSR 0x%03x) at "
			"VA 0x%08x, QEMU performed the access\n", mmu_fault_name(e->predicted.fault.type),
			e->predicted.fsr, e->predicted.va);
		e->predicted.valid = false;
	}
}

/* One lookup for the block, one more for each further page it covers.
 * When the block's first fetch faults in the model, the host takes the
 * prefetch abort instead of running the block (returns true): QEMU chains
 * translated blocks within a page without looking at its TLB again, so
 * after a TLBIMVA of an old page it would go on executing where the
 * architecture faults. */
static bool model_fetch(emu_t *e, uint32_t va, uint32_t size, bool user)
{
	uint64_t pa;
	e->block_code = NULL;
	for (uint32_t page = va & ~0xFFFu; page < va + size; page += 0x1000) {
		uint32_t at = page < va ? va : page;
		mmu_fault f = model_access(e->model, at, MMU_FETCH, user, 4, at, &pa);
		if (f.type == MMU_FAULT_NONE) {
			if (at == va && pa >= e->board->ram_base && pa - e->board->ram_base < e->ram_size)
				e->block_code = e->ram + (pa - e->board->ram_base);
			continue;
		}
		if (at == va) {
			emu_fault abort = { .valid = true, .kind = MMU_FETCH, .va = va, .fault = f,
					    .fsr = mmu_fsr(&f, MMU_FETCH) };
			emu_exception_enter(e, EMU_EXC_PABT, va + 4, &abort);
			return true;
		}
		e->disagreements++;
		fprintf(stderr, "mmuscope: model disagrees with QEMU: fetch at 0x%08x faults "
			"(%s) in the model, QEMU executed it\n", at, mmu_fault_name(f.type));
	}
	return false;
}

static void mem_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		     void *opaque)
{
	(void)uc;
	(void)value;
	emu_t *e = opaque;
	note_fault_outcome(e);
	mmu_kind kind = type == UC_MEM_WRITE ? MMU_WRITE : MMU_READ;
	e->last_data_va = (uint32_t)addr;
	e->last_data_write = kind == MMU_WRITE;
	uint64_t pa;
	uint32_t pc = emu_access_pc(e, (uint32_t)addr);
	mmu_fault f = model_access(e->model, (uint32_t)addr, kind, e->block_user,
				       (unsigned)size, pc, &pa);
	if (f.type != MMU_FAULT_NONE) {
		e->predicted = (emu_fault){ .valid = true, .kind = kind, .va = (uint32_t)addr,
					    .fault = f, .fsr = mmu_fsr(&f, kind) };
		return;
	}
	bool in_ram = pa >= e->board->ram_base && pa - e->board->ram_base < e->ram_size;
	if (in_ram && kind == MMU_WRITE) {
		uint8_t bytes[8]; /* the hook runs before the store: record what it writes */
		for (int i = 0; i < size && i < 8; i++)
			bytes[i] = (uint8_t)((uint64_t)value >> (8 * i));
		model_ram_written(e->model, (uint32_t)pa, bytes, (size_t)size);
	}
	if (!in_ram && !emu_is_device(e, pa)) {
		e->disagreements++;
		fprintf(stderr, "mmuscope: emulator bug: access at VA 0x%08x lands in a placeholder "
			"(PA 0x%08llx)\n", (uint32_t)addr, (unsigned long long)pa);
	}
}

/* The memory hooks (and the PC check's); false if unicorn refused them. */
static bool add_model_hooks(emu_t *e)
{
	uc_hook h;
	return uc_hook_add(e->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)mem_hook, e,
			   1, 0) == UC_ERR_OK &&
	       (!e->check_access_pc ||
		(uc_hook_add(e->uc, &h, UC_HOOK_CODE, (void *)pc_check_code_hook, e, 1, 0) == UC_ERR_OK &&
		 uc_hook_add(e->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
			     (void *)pc_check_mem_hook, e, 1, 0) == UC_ERR_OK));
}

/* A Linux boot's model starts when the kernel proper first runs at its
 * link address: the zImage's decompressor before it (nearly 2 G
 * instructions of XZ decoding for Debian's armmp) is a boot loader stage,
 * and runs at --model off speed.  The model takes the CPU's translation
 * registers as they are then, each as a CP15 write (so a trace replays
 * them), with an empty TLB; a trace starts here, with RAM as it is now;
 * every block is translated again, now with the memory hooks.  Called from emu_run, between two uc_emu_starts. */
static void attach_model(emu_t *e)
{
	e->model = e->model_waiting;
	e->model_waiting = NULL;
	e->model_from = e->insns;
	mmu_regime r;
	emu_read_regime(e, &r);
	const struct { unsigned crn, crm, opc2; uint32_t v; } regs[] = {
		{ 2, 0, 0, r.ttbr0 }, { 2, 0, 1, r.ttbr1 }, { 2, 0, 2, r.ttbcr }, { 3, 0, 0, r.dacr },
		{ 10, 2, 0, r.prrr }, { 10, 2, 1, r.nmrr }, { 13, 0, 1, r.contextidr },
		{ 1, 0, 0, r.sctlr },
	};
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
		model_cp15(e->model, regs[i].crn, 0, regs[i].crm, regs[i].opc2, regs[i].v);
	if (e->trace_path) { /* it starts from RAM and the regime as they are now */
		char err[256];
		e->trace = model_trace_open(e->trace_path, "", e->model, err, sizeof err);
		if (!e->trace)
			emu_fail(e, "%s", err);
		model_set_trace(e->model, e->trace);
	}
	if (!add_model_hooks(e))
		emu_fail(e, "unicorn: cannot add the memory hooks");
	uc_ctl_flush_tlb(e->uc); /* 2.0.1: UC_CTL_TB_FLUSH, the translated blocks */
}

/* ---- block hook --------------------------------------------------------- */

static void block_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
	emu_t *e = opaque;
	uint32_t va = (uint32_t)addr, cpsr;
	if (e->predicted.valid)
		note_fault_outcome(e);
	if (e->stepping == 2)
		return; /* unicorn's count stops before this block's first instruction */
	emu_block_retire(e); /* the previous block ran to its end */
	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	bool thumb = cpsr & PSR_T;
	if (__builtin_expect(e->booting_linux, 0)) {
		if (va >= LINUX_PAGE_OFFSET) {
			e->booting_linux = false;
			e->restart_pending = e->model_waiting != NULL; /* emu_run attaches it */
		} else if (va < e->board->ram_base || va - e->board->ram_base >= e->ram_size) {
			/* Before the kernel proper, code runs from RAM (the MMU is
			 * off or maps it 1:1): not so, the zImage is no kernel. */
			emu_fail(e, "the boot code ran off RAM at 0x%08x: not a bootable kernel?", va);
			return;
		}
	}
	if (!e->stepping && (e->insns >= e->insn_limit || e->stop_requested || e->restart_pending)) {
		/* Stopped from the block hook, unicorn 2.0.1 does not run the
		 * block, so it is not counted; but the PC it leaves can be the
		 * last one a code or memory hook synced in an earlier block, so
		 * the run resumes from this block's address (emu_run).  Every
		 * stop goes through here: a stop from any other hook would run
		 * the rest of its block with the code hooks (the MCRs the model
		 * must see) switched off. */
		e->restart_pending = false;
		e->resume_pc = va | thumb;
		e->resume_valid = true;
		uc_emu_stop(uc);
		return;
	}
	if (emu_now(e) >= e->next_event)
		emu_timers_advance(e);
	if (!(cpsr & PSR_I) && e->irq_line) {
		/* The block has not run: LR_irq = its first instruction + 4. */
		emu_exception_enter(e, EMU_EXC_IRQ, va + 4, NULL);
		return;
	}
	bool user = (cpsr & PSR_MODE_MASK) == MODE_USR;
	if (e->model && !user && emu_scan_for_mcr(e, va, size, thumb)) {
		uc_ctl_remove_cache(uc, addr, addr + size);
		if (thumb)
			va |= 1;
		uc_reg_write(uc, UC_ARM_REG_PC, &va);
		return;
	}
	if (e->model && model_fetch(e, va, size, user))
		return; /* a prefetch abort instead of the block */
	e->block_va = va;
	emu_access_begin_block(e, va, size, thumb);
	e->block_thumb = thumb;
	e->block_user = user;
	/* A step retires only the block's first instruction. */
	if (e->stepping)
		e->stepping = 2;
	e->block_insns = e->stepping ? 1 : emu_block_insns(e, va, size, thumb);
	e->insns += e->block_insns;
}

static void unmapped_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			  int64_t value, void *opaque)
{
	(void)uc; (void)type; (void)size; (void)value;
	emu_fail(opaque, "emulator bug: unicorn found no region at 0x%08llx",
		 (unsigned long long)addr);
}

/* ---- construction and the run loop ------------------------------------- */

/* Maps UC_PROT_ALL placeholder RAM over every part of the 4 GB space that
 * is neither RAM nor a device page: unicorn 2.0.1 checks the *virtual*
 * address against its regions before translating.  The host backs them
 * lazily; with the MMU on they must never be touched (mem_hook reports it). */
static int map_placeholders(emu_t *e)
{
	const emu_board *b = e->board;
	uint64_t taken[2 + sizeof e->dev.mmio / sizeof e->dev.mmio[0]][2] = {
		{ b->ram_base, (uint64_t)b->ram_base + e->ram_size },
		{ 1ull << 32, 1ull << 32 },
	};
	size_t n = 2;
	for (size_t i = 0; i < e->dev.nmmio; i++, n++) {
		taken[n][0] = e->dev.mmio[i][0];
		taken[n][1] = e->dev.mmio[i][1];
	}
	for (size_t i = 1; i < n; i++) /* insertion sort by start */
		for (size_t j = i; j > 0 && taken[j][0] < taken[j - 1][0]; j--) {
			uint64_t t0 = taken[j][0], t1 = taken[j][1];
			taken[j][0] = taken[j - 1][0]; taken[j][1] = taken[j - 1][1];
			taken[j - 1][0] = t0; taken[j - 1][1] = t1;
		}
	uint64_t at = 0;
	for (size_t i = 0; i < n; i++) {
		while (at < taken[i][0]) {
			uint64_t len = taken[i][0] - at;
			if (len > 0x40000000ull)
				len = 0x40000000ull;
			if (uc_mem_map(e->uc, at, len, UC_PROT_ALL) != UC_ERR_OK)
				return -1;
			at += len;
		}
		if (taken[i][1] > at)
			at = taken[i][1];
	}
	return 0;
}

const char *emu_default_firmware(const char *board)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/firmware/firmware-%s.elf", MMUSCOPE_BUILD_DIR, board);
	return path;
}

static void set_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

emu_t *emu_create(const emu_options *opt, char *err, size_t errlen)
{
	const char *board_name = opt->board ? opt->board : "q3f";
	const emu_board *board = emu_board_find(board_name);
	if (!board) {
		set_error(err, errlen, "unknown board '%s' (known: q3f, vexpress)", board_name);
		return NULL;
	}
	bool linux_boot = opt->kernel != NULL;
	if (linux_boot && strcmp(board->name, "vexpress")) {
		set_error(err, errlen, "--kernel boots a Linux kernel on the vexpress board only "
			  "(add --board vexpress)");
		return NULL;
	}
	if (linux_boot && (opt->firmware || opt->workload || opt->args || opt->layout)) {
		set_error(err, errlen, "--kernel boots Linux: --firmware, --workload, --args and "
			  "--layout are the project firmware's (Linux's init picks the workloads)");
		return NULL;
	}
	if (!linux_boot && (opt->dtb || opt->initrd || opt->append)) {
		set_error(err, errlen, "--dtb, --initrd and --append need --kernel");
		return NULL;
	}
	uint32_t ram_mb = opt->ram_mb ? opt->ram_mb : linux_boot ? LINUX_RAM_MB : board->ram_default_mb;
	if (ram_mb < 16 || ram_mb > board->ram_max_mb) {
		set_error(err, errlen, "RAM size %u MB does not fit board %s (16..%u MB)", ram_mb,
			  board->name, board->ram_max_mb);
		return NULL;
	}
	/* The guest's command line: "layout=L workload=NAME ARGS"
	 * (SYS_GET_CMDLINE); a kernel's is its --append. */
	static const char *const layouts[] = { "sections", "pages", "supersections", "large" };
	const char *layout = opt->layout ? opt->layout : "sections";
	bool layout_known = false;
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
		layout_known |= !strcmp(layout, layouts[i]);
	if (!layout_known) {
		set_error(err, errlen, "unknown layout '%s' (sections, pages, supersections, large)",
			  layout);
		return NULL;
	}
	const char *workload = linux_boot ? NULL : opt->workload ? opt->workload : "default";
	const char *args = opt->args ? opt->args : "";
	emu_t *e = calloc(1, sizeof *e);
	if (!e) {
		set_error(err, errlen, "out of memory");
		return NULL;
	}
	int n = linux_boot ? snprintf(e->cmdline, sizeof e->cmdline, "%s", opt->append ? opt->append : "")
			   : snprintf(e->cmdline, sizeof e->cmdline, "layout=%s workload=%s%s%s", layout,
				      workload, *args ? " " : "", args);
	if (n < 0 || (size_t)n >= sizeof e->cmdline) {
		set_error(err, errlen, linux_boot ? "--append exceeds %zu bytes" :
			  "workload name and arguments exceed %zu bytes", sizeof e->cmdline - 1);
		free(e);
		return NULL;
	}
	e->board = board;
	e->console = opt->console ? opt->console : stdout;
	e->ram_size = ram_mb << 20;
	e->ram = model_ram_map(e->ram_size);
	if (!e->ram) {
		set_error(err, errlen, "cannot allocate %u MB of guest RAM", ram_mb);
		free(e);
		return NULL;
	}
	e->ram_view = (mmu_ram){ .host = e->ram, .pa = board->ram_base, .size = e->ram_size };
	e->mem = (mmu_mem){ .ram = &e->ram_view, .nram = 1 };

	/* Guest time: the firmware's timer ticks once an instruction (1 µs,
	 * as QEMU -icount shift=10 gives); a kernel's runs at 125 MIPS (as
	 * -icount shift=3), so a 250 Hz tick is 500 000 instructions. */
	e->ns_per_insn = linux_boot ? 8 : 1000;
	e->booting_linux = linux_boot;
	emu_linux_boot boot = { 0 };
	const char *image = opt->firmware ? opt->firmware : emu_default_firmware(board->name);
	if (linux_boot ? !emu_load_linux(e, opt, &boot, err, errlen)
		       : !emu_load_elf(e, image, &boot.entry, err, errlen))
		goto fail;
	if (uc_open(UC_ARCH_ARM, UC_MODE_ARM, &e->uc) != UC_ERR_OK) {
		set_error(err, errlen, "unicorn: cannot create an ARM engine");
		goto fail;
	}
	emu_uc_repair_register(e->uc, e->ram_size);
	uc_hook h;
	if (uc_ctl_set_cpu_model(e->uc, board->cpu_model) != UC_ERR_OK ||
	    uc_mem_map_ptr(e->uc, board->ram_base, e->ram_size, UC_PROT_ALL, e->ram) != UC_ERR_OK ||
	    emu_devices_map(e) != 0 || map_placeholders(e) != 0 ||
	    uc_hook_add(e->uc, &h, UC_HOOK_INTR, (void *)emu_intr_hook, e, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_BLOCK, (void *)block_hook, e, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)unmapped_hook, e, 1, 0) != UC_ERR_OK) {
		set_error(err, errlen, "unicorn: cannot set up board %s", board->name);
		goto fail;
	}
	/* Reset state as a boot loader leaves it: SVC mode, IRQ/FIQ masked. */
	uint32_t cpsr = 0x1D3, r0 = 0;
	uc_reg_write(e->uc, UC_ARM_REG_CPSR, &cpsr);
	uc_reg_write(e->uc, UC_ARM_REG_R0, &r0);
	uc_reg_write(e->uc, UC_ARM_REG_R1, &boot.r1);
	uc_reg_write(e->uc, UC_ARM_REG_R2, &boot.r2);
	uc_reg_write(e->uc, UC_ARM_REG_PC, &boot.entry);
	if (opt->model) {
		mmu_regime reset;
		emu_read_regime(e, &reset);
		e->model = model_new(opt->preset ? opt->preset : board->default_preset, &reset,
				     &e->ram_view, err, errlen);
		if (!e->model)
			goto fail;
		model_roi *roi;
		if (model_roi_new(opt->roi, workload, &roi, err, errlen) != 0)
			goto fail;
		model_set_roi(e->model, roi);
		if (!linux_boot &&
		    !model_roi_in_image(roi, e->ram, e->image_end - board->ram_base, err, errlen))
			goto fail;
		e->check_access_pc = opt->check_access_pc;
		if (linux_boot) {
			e->model_waiting = e->model; /* attach_model, at the kernel proper */
			e->model = NULL;
		} else if (!add_model_hooks(e)) {
			set_error(err, errlen, "unicorn: cannot add the memory hooks");
			goto fail;
		}
		if (opt->trace && linux_boot) {
			e->trace_path = strdup(opt->trace); /* opened by attach_model */
			if (!e->trace_path) {
				set_error(err, errlen, "out of memory");
				goto fail;
			}
		} else if (opt->trace) {
			e->trace = model_trace_open(opt->trace, workload, e->model, err, errlen);
			if (!e->trace)
				goto fail;
			model_set_trace(e->model, e->trace);
		}
	} else if (opt->trace) {
		set_error(err, errlen, "a trace records the model's inputs: it needs --model on");
		goto fail;
	} else if (opt->roi && strcmp(opt->roi, "none")) {
		set_error(err, errlen, "a region of interest selects model counters: --roi needs "
			  "--model on");
		goto fail;
	}
	return e;
fail:
	emu_destroy(e);
	return NULL;
}

void emu_destroy(emu_t *e)
{
	if (!e)
		return;
	if (e->uc) {
		emu_uc_repair_unregister(e->uc);
		uc_close(e->uc);
	}
	emu_end_trace(e);
	model_free(e->model);
	model_free(e->model_waiting);
	free(e->trace_path);
	for (size_t i = 0; i < e->nmarkers; i++)
		free(e->markers[i]);
	free(e->markers);
	free(e->scanned);
	emu_access_free(e);
	model_ram_unmap(e->ram, e->ram_size);
	free(e);
}

/* Unicorn 2.0.1 ends uc_emu_start after a WFI, with the PC after it (a
 * 16-bit one in Thumb code, as the kernel's idle loop is ARM). */
static bool after_wfi(emu_t *e, uint32_t pc, bool thumb)
{
	if (thumb) {
		uint16_t insn;
		return emu_read_virt(e, pc - 2, &insn, 2) && insn == 0xBF30;
	}
	uint32_t insn;
	return emu_read_virt(e, pc - 4, &insn, 4) && (insn & 0x0FFFFFFFu) == 0x0320F003u;
}

emu_stop emu_run(emu_t *e, uint64_t max_insns)
{
	if (e->exited || e->stop == EMU_STOP_ERROR)
		return e->stop;
	e->insn_limit = max_insns ? e->insns + max_insns : UINT64_MAX;
	unsigned idle_restarts = 0;
	for (;;) {
		uint32_t pc, cpsr;
		uint64_t before = e->insns;
		e->stop = EMU_STOP_INSN_LIMIT;
		uc_reg_read(e->uc, UC_ARM_REG_PC, &pc);
		uc_reg_read(e->uc, UC_ARM_REG_CPSR, &cpsr);
		if (e->stepping)
			e->stepping = 1;
		uc_err err = uc_emu_start(e->uc, pc | ((cpsr & PSR_T) ? 1 : 0), 0, 0, e->stepping ? 1 : 0);
		if (err != UC_ERR_INSN_INVALID)
			emu_block_retire(e); /* a step's instruction, or the last block before an exit */
		bool resumed = e->resume_valid;
		if (e->resume_valid) {
			e->resume_valid = false;
			uc_reg_write(e->uc, UC_ARM_REG_PC, &e->resume_pc);
			/* The block hook stopped at the kernel proper's first
			 * block; attach here, outside uc_emu_start: the flush
			 * frees translated code. */
			if (e->model_waiting && !e->booting_linux)
				attach_model(e);
		}
		if (e->exited || e->stop == EMU_STOP_ERROR)
			return e->stop;
		if (e->stop_requested) {
			e->stop_requested = false;
			return e->stop = EMU_STOP_REQUESTED;
		}
		if (e->insns >= e->insn_limit)
			return e->stop;
		uc_reg_read(e->uc, UC_ARM_REG_PC, &pc);
		uc_reg_read(e->uc, UC_ARM_REG_CPSR, &cpsr);
		if (err == UC_ERR_INSN_INVALID) {
			/* Unicorn stops on most undefined encodings instead of
			 * raising EXCP_UDEF: take the exception and go on. */
			emu_undefined_instruction(e, pc, cpsr & PSR_T);
		} else if (err != UC_ERR_OK) {
			emu_fail(e, "unicorn stopped at pc 0x%08x: %s", pc, uc_strerror(err));
			return e->stop;
		} else if (!resumed && after_wfi(e, pc, cpsr & PSR_T)) {
			if (!emu_wait_for_interrupt(e)) {
				emu_fail(e, "WFI at 0x%08x waits for an interrupt no device will raise",
					 pc - ((cpsr & PSR_T) ? 2 : 4));
				return e->stop;
			}
			continue;
		}
		idle_restarts = e->insns == before ? idle_restarts + 1 : 0;
		if (idle_restarts > 1000) {
			emu_fail(e, "guest makes no progress at pc 0x%08x", pc);
			return e->stop;
		}
	}
}

emu_stop emu_step(emu_t *e)
{
	e->stepping = 1;
	emu_stop stop = emu_run(e, 1);
	e->stepping = 0;
	return stop;
}

bool emu_end_trace(emu_t *e)
{
	if (!e->trace) /* false when a Linux boot ended before its kernel ran */
		return !e->model_waiting || !e->trace_path;
	model_set_trace(e->model, NULL);
	bool ok = model_trace_close(e->trace);
	e->trace = NULL;
	return ok;
}

void emu_set_events(emu_t *e, const emu_events *events)
{
	e->events = events ? *events : (emu_events){ 0 };
	if (e->model || e->model_waiting)
		model_set_events(e->model ? e->model : e->model_waiting, &e->events.model);
}

void emu_request_stop(emu_t *e)
{
	e->stop_requested = true; /* block_hook stops at the next block */
}

int emu_exit_code(const emu_t *e) { return e->exit_code; }
const char *emu_error(const emu_t *e) { return e->error; }
uint64_t emu_insns(const emu_t *e) { return e->insns; }
uint64_t emu_disagreements(const emu_t *e) { return e->disagreements; }
/* The model, attached or not yet (a Linux boot's, until the kernel runs):
 * its TLB and counters exist from the start. */
static const model_t *model_of(const emu_t *e)
{
	return e->model ? e->model : e->model_waiting;
}

const tlb_t *emu_tlb(const emu_t *e) { return model_of(e) ? model_tlb(model_of(e)) : NULL; }
size_t emu_marker_count(const emu_t *e) { return e->nmarkers; }

const tlb_stats *emu_roi_result(const emu_t *e, const char **start, const char **end)
{
	return model_of(e) ? model_roi_counters(model_get_roi(model_of(e)), start, end) : NULL;
}

int emu_roi_check(const emu_t *e, char *err, size_t errlen)
{
	return model_of(e) ? model_roi_verdict(model_get_roi(model_of(e)), err, errlen) : 0;
}
const char *emu_marker(const emu_t *e, size_t i) { return i < e->nmarkers ? e->markers[i] : NULL; }
const model_heat *emu_heatmap(const emu_t *e)
{
	static const model_heat none;
	return model_of(e) ? model_heatmap(model_of(e)) : &none;
}
