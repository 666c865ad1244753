/* The machine: guest RAM, placeholders, devices, the unicorn hooks and the
 * run loop.
 *
 * Hooks and what they cost (see docs/emu.md):
 *  - block hook, always: retired-instruction count (the timer's time base),
 *    timer expiry and IRQ delivery at block boundaries, the instruction
 *    budget; with the model on, the I-side lookups (one per block and per
 *    page crossed) and the one-time scan of a privileged block for MCRs.
 *  - interrupt hook, always: exception entry, semihosting.
 *  - memory hooks, model on: one D-side model access per load/store.
 *  - code hooks, model on: only on the MCR instructions found by the scan. */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "emu/internal.h"
#include "emu/model.h"

#define PSR_T   (1u << 5)
#define PSR_I   (1u << 7)
#define PSR_MODE_MASK 0x1Fu
#define MODE_USR 0x10u

enum { EXCP_UDEF = 1, EXCP_SWI = 2, EXCP_PREFETCH_ABORT = 3, EXCP_DATA_ABORT = 4 };

void emu_fail(emu_t *e, const char *fmt, ...)
{
	if (e->stop != EMU_STOP_ERROR) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->error, sizeof e->error, fmt, ap);
		va_end(ap);
		e->stop = EMU_STOP_ERROR;
	}
	uc_emu_stop(e->uc);
}

/* ---- instruction decode helpers ---------------------------------------- */

static bool thumb_is_32bit(uint16_t first)
{
	return (first & 0xF800) >= 0xE800;
}

/* Number of instructions in a block; Thumb blocks mix 16- and 32-bit. */
static uint32_t block_insn_count(emu_t *e, uint32_t va, uint32_t size, bool thumb)
{
	if (!thumb)
		return size / 4;
	uint16_t code[2048];
	if (size > sizeof code || !emu_read_virt(e, va, code, size))
		return size / 2;
	uint32_t n = 0;
	for (uint32_t i = 0; i < size / 2; i += thumb_is_32bit(code[i]) ? 2 : 1)
		n++;
	return n;
}

/* The block about to run: unicorn has just translated or found it, and its
 * translation block holds the instruction count, cheaper to ask for than
 * decoding Thumb code through the MMU (with the model off, that reads the
 * CP15 registers from unicorn for every Thumb block).  The TB must be this
 * block (same start and size), else the code is decoded. */
static uint32_t running_block_insns(emu_t *e, uint32_t va, uint32_t size, bool thumb)
{
	/* uc_ctl_request_cache's macro shifts the signed 3 (read-write) into
	 * bit 31, undefined behaviour in C; the same value, built unsigned. */
	const uc_control_type request_cache =
		(uc_control_type)(UC_CTL_TB_REQUEST_CACHE | 3u << 30 | 2u << 26);
	uc_tb tb;
	if (thumb && uc_ctl(e->uc, request_cache, (uint64_t)va, &tb) == UC_ERR_OK &&
	    tb.pc == va && tb.size == size)
		return tb.icount;
	return block_insn_count(e, va, size, thumb);
}

/* The block hook counts a block's instructions in e->insns as it starts
 * (the timer and the budget need them then) and tells the model once the
 * block is over: at the next block, at an exception, or when the run
 * stops.  An exception inside the block cuts it at `pc`: the instructions
 * from there on did not retire.  A pc outside the block (an abort on the
 * next block's first fetch, or the instruction after an SVC, which ends
 * its block) leaves the whole block retired. */
static void retire_block(emu_t *e)
{
	if (e->model && e->block_insns)
		emu_model_retire(e->model, e->block_insns);
	e->block_insns = 0;
}

static void cut_block(emu_t *e, uint32_t pc)
{
	if (e->block_insns && pc >= e->block_va && pc < e->block_end) {
		uint32_t ran = block_insn_count(e, e->block_va, pc - e->block_va, e->block_thumb);
		if (ran < e->block_insns) {
			e->insns -= e->block_insns - ran;
			e->block_insns = ran;
		}
	}
	retire_block(e);
}

/* An MCR p15 as one 32-bit word (ARM, or Thumb-2 with hw1 in the top half):
 * cond/1110 opc1(3) 0 CRn Rt 1111 opc2 1 CRm. */
static bool is_mcr_p15(uint32_t w)
{
	return (w & 0x0F100F10u) == 0x0E000F10u;
}

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

static void mcr_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
	emu_t *e = opaque;
	uint32_t cpsr, w;
	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	if (size == 4 && (cpsr & PSR_T)) {
		uint16_t hw[2];
		if (!emu_read_virt(e, (uint32_t)addr, hw, 4))
			return;
		w = (uint32_t)hw[0] << 16 | hw[1];
	} else if (!emu_read_virt(e, (uint32_t)addr, &w, 4)) {
		return;
	}
	if (!is_mcr_p15(w))
		return;
	uint32_t cond = w >> 28;
	if (cpsr & PSR_T) {
		uint32_t it = ((cpsr >> 8) & 0xFC) | ((cpsr >> 25) & 3);
		cond = (it & 0xF) ? it >> 4 : 0xE;
	}
	if (!emu_condition_passes(cond, cpsr))
		return;
	unsigned rt = (w >> 12) & 0xF;
	if (rt == 15)
		return;
	/* R0..R12 are consecutive in unicorn's list; SP and LR are not. */
	int reg = rt == 13 ? UC_ARM_REG_SP : rt == 14 ? UC_ARM_REG_LR : UC_ARM_REG_R0 + (int)rt;
	uint32_t value;
	uc_reg_read(uc, reg, &value);
	emu_model_cp15(e->model, (w >> 16) & 0xF, (w >> 21) & 7, w & 0xF, (w >> 5) & 7, value);
}

/* Open-addressed set of block addresses already scanned for MCRs. */
static bool scanned_insert(emu_t *e, uint32_t va)
{
	uint32_t key = va | 1; /* 0 marks an empty slot */
	if (e->scanned_count * 2 >= e->scanned_cap) {
		size_t cap = e->scanned_cap ? e->scanned_cap * 2 : 1024;
		uint32_t *grown = calloc(cap, sizeof *grown);
		if (!grown)
			return false;
		for (size_t i = 0; i < e->scanned_cap; i++) {
			uint32_t k = e->scanned[i];
			if (!k)
				continue;
			size_t j = (k * 2654435761u) & (cap - 1);
			while (grown[j])
				j = (j + 1) & (cap - 1);
			grown[j] = k;
		}
		free(e->scanned);
		e->scanned = grown;
		e->scanned_cap = cap;
	}
	size_t j = (key * 2654435761u) & (e->scanned_cap - 1);
	while (e->scanned[j]) {
		if (e->scanned[j] == key)
			return false;
		j = (j + 1) & (e->scanned_cap - 1);
	}
	e->scanned[j] = key;
	e->scanned_count++;
	return true;
}

/* Scans a privileged block once; returns true if code hooks were added
 * (the block must then be translated again to include them). */
static bool scan_for_mcr(emu_t *e, uint32_t va, uint32_t size, bool thumb)
{
	if (!scanned_insert(e, va))
		return false;
	uint8_t code[4096];
	if (size > sizeof code || !emu_read_virt(e, va, code, size))
		return false;
	bool added = false;
	for (uint32_t off = 0; off + (thumb ? 2 : 4) <= size;) {
		uint32_t w, len = 4;
		if (thumb) {
			uint16_t hw0, hw1 = 0;
			memcpy(&hw0, code + off, 2);
			len = thumb_is_32bit(hw0) ? 4 : 2;
			if (len == 4 && off + 4 <= size)
				memcpy(&hw1, code + off + 2, 2);
			w = (uint32_t)hw0 << 16 | hw1;
			if (len == 2)
				w = 0;
		} else {
			memcpy(&w, code + off, 4);
		}
		if (is_mcr_p15(w)) {
			uc_hook h;
			if (uc_hook_add(e->uc, &h, UC_HOOK_CODE, (void *)mcr_hook, e, va + off, va + off) == UC_ERR_OK)
				added = true;
		}
		off += len;
	}
	return added;
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
		mmu_fault f = emu_model_access(e->model, at, MMU_FETCH, user, 4, at, &pa);
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
	mmu_fault f = emu_model_access(e->model, (uint32_t)addr, kind, e->block_user,
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
		emu_model_ram_written(e->model, (uint32_t)pa, bytes, (size_t)size);
	}
	if (!in_ram && !emu_is_device(e, pa)) {
		e->disagreements++;
		fprintf(stderr, "mmuscope: emulator bug: access at VA 0x%08x lands in a placeholder "
			"(PA 0x%08llx)\n", (uint32_t)addr, (unsigned long long)pa);
	}
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
	retire_block(e); /* the previous block ran to its end */
	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	bool thumb = cpsr & PSR_T;
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
	while (e->insns >= e->timer_deadline)
		emu_timer_expire(e);
	if (!(cpsr & PSR_I) && emu_irq_line(e)) {
		/* The block has not run: LR_irq = its first instruction + 4. */
		emu_exception_enter(e, EMU_EXC_IRQ, va + 4, NULL);
		return;
	}
	bool user = (cpsr & PSR_MODE_MASK) == MODE_USR;
	if (e->model && !user && scan_for_mcr(e, va, size, thumb)) {
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
	e->block_insns = e->stepping ? 1 : running_block_insns(e, va, size, thumb);
	e->insns += e->block_insns;
}

/* ---- exceptions --------------------------------------------------------- */

/* The model's CP15 shadow, built from decoded MCRs, must equal what the CPU
 * holds; checked at every abort and at exit, where it costs nothing. */
void emu_check_regime(emu_t *e, const char *where)
{
	if (!e->model)
		return;
	mmu_regime cpu;
	emu_read_regime(e, &cpu);
	const mmu_regime *shadow = emu_model_regime(e->model);
	const uint32_t sctlr_bits = 0x70002003u; /* M, A, V, TRE, AFE, TE */
	static const struct { const char *name; size_t offset; uint32_t mask; } regs[] = {
		{ "SCTLR", offsetof(mmu_regime, sctlr), 0 },
		{ "TTBR0", offsetof(mmu_regime, ttbr0), ~0u },
		{ "TTBR1", offsetof(mmu_regime, ttbr1), ~0u },
		{ "TTBCR", offsetof(mmu_regime, ttbcr), 0x37u },
		{ "DACR", offsetof(mmu_regime, dacr), ~0u },
		{ "PRRR", offsetof(mmu_regime, prrr), ~0u },
		{ "NMRR", offsetof(mmu_regime, nmrr), ~0u },
		{ "CONTEXTIDR", offsetof(mmu_regime, contextidr), ~0u },
	};
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
		uint32_t mask = regs[i].mask ? regs[i].mask : sctlr_bits;
		uint32_t a = *(const uint32_t *)((const char *)&cpu + regs[i].offset) & mask;
		uint32_t b = *(const uint32_t *)((const char *)shadow + regs[i].offset) & mask;
		if (a != b) {
			e->disagreements++;
			fprintf(stderr, "mmuscope: model's %s is 0x%08x, the CPU's is 0x%08x (%s)\n",
				regs[i].name, b, a, where);
		}
	}
}

/* With the model off there are no memory hooks, so QEMU's abort does not
 * say which address faulted.  Find it the way a debugger would: hook memory
 * for one retry of the faulting instruction, record the address of the last
 * access before the abort repeats, then drop the hook. */
static void far_probe_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			   int64_t value, void *opaque)
{
	(void)uc; (void)type; (void)size; (void)value;
	emu_t *e = opaque;
	e->last_data_va = (uint32_t)addr;
	e->last_data_write = type == UC_MEM_WRITE;
}

static bool far_probe_start(emu_t *e, uint32_t pc, bool thumb)
{
	if (e->far_probe)
		return false;
	if (uc_hook_add(e->uc, &e->far_probe, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
			(void *)far_probe_hook, e, 1, 0) != UC_ERR_OK) {
		e->far_probe = 0;
		return false;
	}
	uint32_t restart = pc | (thumb ? 1 : 0);
	uc_reg_write(e->uc, UC_ARM_REG_PC, &restart);
	return true;
}

/* Unicorn 2.0.1 only unlinks a deleted hook when uc_emu_start returns;
 * until then every access still walks past it, so the run is restarted
 * at the next block boundary (emu_run's loop goes on by itself). */
static void far_probe_stop(emu_t *e)
{
	if (e->far_probe) {
		uc_hook_del(e->uc, e->far_probe);
		e->far_probe = 0;
		e->restart_pending = true;
	}
}

/* The fault for an abort QEMU raised: the model's prediction when it made
 * one for this access, otherwise a fresh architectural walk (and, with the
 * model on, a reported disagreement). */
static emu_fault abort_fault(emu_t *e, const mmu_regime *r, mmu_kind kind, uint32_t va_hint,
			    bool user)
{
	if (kind != MMU_FETCH && e->predicted.valid) {
		emu_fault f = e->predicted;
		e->predicted.valid = false;
		return f;
	}
	mmu_regime cpu;
	if (!r) {
		emu_read_regime(e, &cpu);
		r = &cpu;
	}
	mmu_entry entry;
	uint32_t va = va_hint;
	mmu_fault f;
	if (kind == MMU_FETCH && e->model) {
		uint64_t pa;
		f = emu_model_access(e->model, va, kind, user, 4, va, &pa);
	} else {
		f = mmu_translate(r, va, kind, user, 1, &e->mem, NULL, &entry, NULL);
	}
	if (f.type == MMU_FAULT_NONE && kind != MMU_FETCH && (va & 3)) {
		/* LDRD/LDM/STRD/exclusives demand alignment even with SCTLR.A = 0;
		 * the memory hook cannot see the instruction, QEMU can. */
		f = (mmu_fault){ .type = MMU_FAULT_ALIGNMENT };
	}
	if (f.type == MMU_FAULT_NONE) {
		if (e->model || kind == MMU_FETCH) {
			e->disagreements++;
			fprintf(stderr, "mmuscope: model disagrees with QEMU: QEMU aborts the %s at "
				"VA 0x%08x, the architecture translates it\n",
				kind == MMU_FETCH ? "fetch" : "access", va);
		}
		f = (mmu_fault){ .type = MMU_FAULT_TRANSLATION, .level = 1 };
	}
	return (emu_fault){ .valid = true, .kind = kind, .va = va, .fault = f,
			    .fsr = mmu_fsr(&f, kind) };
}

/* With the model off there is no memory hook, so QEMU's data abort does
 * not say which access aborted: decode the instruction at pc and walk its
 * accesses in the order QEMU makes them; the first the architecture faults
 * is the one QEMU aborted.  None faulting, the first misaligned one is
 * (abort_fault: an alignment fault).  False for an instruction it cannot
 * read or place. */
static bool decoded_abort(emu_t *e, uint32_t pc, bool thumb, bool user, emu_fault *out)
{
	mmu_regime r;
	emu_read_regime(e, &r);
	emu_mem_insn m;
	uint16_t hw[2] = { 0, 0 };
	uint32_t w = 0;
	bool decoded = thumb ? emu_read_virt_in(e, &r, pc, &hw[0], 2) &&
				       (!thumb_is_32bit(hw[0]) ||
					emu_read_virt_in(e, &r, pc + 2, &hw[1], 2)) &&
				       emu_decode_thumb(hw[0], hw[1], &m)
			     : emu_read_virt_in(e, &r, pc, &w, 4) && emu_decode_arm(w, &m);
	if (!decoded)
		return false;
	uint32_t first = emu_mem_address(e, &m, pc, thumb), va = first, misaligned = 0;
	bool found = false, have_misaligned = false;
	mmu_kind kind = m.write ? MMU_WRITE : MMU_READ;
	for (unsigned i = 0; i < m.count && !found; i++) {
		kind = m.swap ? (i ? MMU_WRITE : MMU_READ) : kind;
		va = m.swap ? first : first + i * m.size;
		mmu_entry entry;
		found = mmu_translate(&r, va, kind, user || m.unprivileged, 1, &e->mem, NULL, &entry,
				      NULL).type != MMU_FAULT_NONE;
		if (!have_misaligned && (va & 3))
			misaligned = va, have_misaligned = true;
	}
	if (!found && have_misaligned)
		va = misaligned;
	*out = abort_fault(e, &r, kind, va, user || m.unprivileged);
	return true;
}

/* LR_und is the next instruction: +4 in ARM state, +2 after a 16-bit Thumb
 * encoding (32-bit Thumb encodings are +4). */
static void undefined_instruction(emu_t *e, uint32_t pc, bool thumb)
{
	uint32_t len = 4;
	uint16_t first;
	if (thumb && emu_read_virt(e, pc, &first, 2) && !thumb_is_32bit(first))
		len = 2;
	cut_block(e, pc);
	emu_exception_enter(e, EMU_EXC_UND, pc + len, NULL);
}

static void intr_hook(uc_engine *uc, uint32_t intno, void *opaque)
{
	emu_t *e = opaque;
	uint32_t pc, cpsr;
	uc_reg_read(uc, UC_ARM_REG_PC, &pc);
	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	bool thumb = cpsr & PSR_T, user = (cpsr & PSR_MODE_MASK) == MODE_USR;
	switch (intno) {
	case EXCP_SWI:
		cut_block(e, pc);
		if (!emu_semihost(e, pc, thumb))
			emu_exception_enter(e, EMU_EXC_SVC, pc, NULL);
		break;
	case EXCP_UDEF:
		undefined_instruction(e, pc, thumb);
		break;
	case EXCP_PREFETCH_ABORT: {
		cut_block(e, pc);
		emu_check_regime(e, "at a prefetch abort");
		emu_fault f = abort_fault(e, NULL, MMU_FETCH, pc, user);
		emu_exception_enter(e, EMU_EXC_PABT, pc + 4, &f);
		break;
	}
	case EXCP_DATA_ABORT: {
		cut_block(e, pc);
		emu_check_regime(e, "at a data abort");
		emu_fault f;
		if (e->model) {
			uint32_t far = e->predicted.valid ? e->predicted.va : e->last_data_va;
			f = abort_fault(e, NULL, e->last_data_write ? MMU_WRITE : MMU_READ, far, user);
		} else if (e->far_probe || !decoded_abort(e, pc, thumb, user, &f)) {
			if (!e->far_probe && far_probe_start(e, pc, thumb))
				break; /* the retry aborts again, now with the address known */
			far_probe_stop(e);
			f = abort_fault(e, NULL, e->last_data_write ? MMU_WRITE : MMU_READ,
					e->last_data_va, user);
		}
		emu_exception_enter(e, EMU_EXC_DABT, pc + 8, &f);
		break;
	}
	default:
		emu_fail(e, "guest raised exception %u at pc 0x%08x, which the machine does not model",
			 intno, pc);
	}
}

bool emu_is_device(const emu_t *e, uint64_t pa)
{
	const emu_board *b = e->board;
	const uint32_t pages[] = { b->uart, b->timer, b->gic_dist, b->gic_cpu };
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		if ((pa & ~0xFFFull) == (pages[i] & ~0xFFFu))
			return true;
	return false;
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
	uint64_t taken[6][2] = {
		{ b->ram_base, (uint64_t)b->ram_base + e->ram_size },
		{ b->uart & ~0xFFFu, (b->uart & ~0xFFFu) + 0x1000ull },
		{ b->timer & ~0xFFFu, (b->timer & ~0xFFFu) + 0x1000ull },
		{ b->gic_dist & ~0xFFFu, (b->gic_dist & ~0xFFFu) + 0x1000ull },
		{ b->gic_cpu & ~0xFFFu, (b->gic_cpu & ~0xFFFu) + 0x1000ull },
		{ 1ull << 32, 1ull << 32 },
	};
	size_t n = sizeof taken / sizeof taken[0];
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

uint8_t *emu_ram_map(uint32_t size)
{
	void *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return NULL;
	madvise(ram, size, MADV_HUGEPAGE);
	return ram;
}

emu_t *emu_create(const emu_options *opt, char *err, size_t errlen)
{
	const char *board_name = opt->board ? opt->board : "q3f";
	const emu_board *board = emu_board_find(board_name);
	if (!board) {
		set_error(err, errlen, "unknown board '%s' (known: q3f, vexpress)", board_name);
		return NULL;
	}
	uint32_t ram_mb = opt->ram_mb ? opt->ram_mb : board->ram_default_mb;
	if (ram_mb < 16 || ram_mb > board->ram_max_mb) {
		set_error(err, errlen, "RAM size %u MB does not fit board %s (16..%u MB)", ram_mb,
			  board->name, board->ram_max_mb);
		return NULL;
	}
	/* The guest's command line: "layout=L workload=NAME ARGS"
	 * (SYS_GET_CMDLINE). */
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
	const char *workload = opt->workload ? opt->workload : "default";
	const char *args = opt->args ? opt->args : "";
	emu_t *e = calloc(1, sizeof *e);
	if (!e) {
		set_error(err, errlen, "out of memory");
		return NULL;
	}
	int n = snprintf(e->cmdline, sizeof e->cmdline, "layout=%s workload=%s%s%s", layout,
			 workload, *args ? " " : "", args);
	if (n < 0 || (size_t)n >= sizeof e->cmdline) {
		set_error(err, errlen, "workload name and arguments exceed %zu bytes",
			  sizeof e->cmdline - 1);
		free(e);
		return NULL;
	}
	e->board = board;
	e->console = opt->console ? opt->console : stdout;
	e->ram_size = ram_mb << 20;
	e->ram = emu_ram_map(e->ram_size);
	if (!e->ram) {
		set_error(err, errlen, "cannot allocate %u MB of guest RAM", ram_mb);
		free(e);
		return NULL;
	}
	e->ram_view = (mmu_ram){ .host = e->ram, .pa = board->ram_base, .size = e->ram_size };
	e->mem = (mmu_mem){ .ram = &e->ram_view, .nram = 1 };

	uint32_t entry;
	const char *image = opt->firmware ? opt->firmware : emu_default_firmware(board->name);
	if (!emu_load_elf(e, image, &entry, err, errlen))
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
	    uc_hook_add(e->uc, &h, UC_HOOK_INTR, (void *)intr_hook, e, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_BLOCK, (void *)block_hook, e, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)unmapped_hook, e, 1, 0) != UC_ERR_OK) {
		set_error(err, errlen, "unicorn: cannot set up board %s", board->name);
		goto fail;
	}
	/* Reset state as a boot loader leaves it: SVC mode, IRQ/FIQ masked. */
	uint32_t cpsr = 0x1D3, r0 = 0;
	uc_reg_write(e->uc, UC_ARM_REG_CPSR, &cpsr);
	uc_reg_write(e->uc, UC_ARM_REG_R0, &r0);
	uc_reg_write(e->uc, UC_ARM_REG_PC, &entry);
	if (opt->model) {
		mmu_regime reset;
		emu_read_regime(e, &reset);
		e->model = emu_model_new(e, opt->preset ? opt->preset : board->default_preset,
					 &reset, err, errlen);
		if (!e->model)
			goto fail;
		emu_roi *roi;
		if (emu_roi_new(opt->roi, workload, &roi, err, errlen) != 0)
			goto fail;
		emu_model_set_roi(e->model, roi);
		if (!emu_roi_in_image(roi, e->ram, e->image_end - board->ram_base, err, errlen))
			goto fail;
		if (uc_hook_add(e->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)mem_hook,
				e, 1, 0) != UC_ERR_OK) {
			set_error(err, errlen, "unicorn: cannot add memory hooks");
			goto fail;
		}
		if (opt->check_access_pc &&
		    (uc_hook_add(e->uc, &h, UC_HOOK_CODE, (void *)pc_check_code_hook, e, 1, 0) ||
		     uc_hook_add(e->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
				 (void *)pc_check_mem_hook, e, 1, 0))) {
			set_error(err, errlen, "unicorn: cannot add the PC check hooks");
			goto fail;
		}
		if (opt->trace) {
			e->trace = emu_trace_open(opt->trace, workload, &reset, e->ram,
						  board->ram_base, e->ram_size, err, errlen);
			if (!e->trace)
				goto fail;
			emu_model_set_trace(e->model, e->trace);
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
	if (e->model)
		emu_model_free(e->model);
	for (size_t i = 0; i < e->nmarkers; i++)
		free(e->markers[i]);
	free(e->markers);
	free(e->scanned);
	emu_access_free(e);
	if (e->ram)
		munmap(e->ram, e->ram_size);
	free(e);
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
			retire_block(e); /* a step's instruction, or the last block before an exit */
		if (e->resume_valid) {
			e->resume_valid = false;
			uc_reg_write(e->uc, UC_ARM_REG_PC, &e->resume_pc);
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
			undefined_instruction(e, pc, cpsr & PSR_T);
		} else if (err != UC_ERR_OK) {
			emu_fail(e, "unicorn stopped at pc 0x%08x: %s", pc, uc_strerror(err));
			return e->stop;
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
	if (!e->trace)
		return true;
	emu_model_set_trace(e->model, NULL);
	bool ok = emu_trace_close(e->trace);
	e->trace = NULL;
	return ok;
}

void emu_set_events(emu_t *e, const emu_events *events)
{
	e->events = events ? *events : (emu_events){ 0 };
}

void emu_request_stop(emu_t *e)
{
	e->stop_requested = true; /* block_hook stops at the next block */
}

int emu_exit_code(const emu_t *e) { return e->exit_code; }
const char *emu_error(const emu_t *e) { return e->error; }
uint64_t emu_insns(const emu_t *e) { return e->insns; }
uint64_t emu_disagreements(const emu_t *e) { return e->disagreements; }
const tlb_t *emu_tlb(const emu_t *e) { return e->model ? emu_model_tlb(e->model) : NULL; }
size_t emu_marker_count(const emu_t *e) { return e->nmarkers; }

const tlb_stats *emu_roi_result(const emu_t *e, const char **start, const char **end)
{
	return e->model ? emu_roi_counters(emu_model_roi(e->model), start, end) : NULL;
}

int emu_roi_check(const emu_t *e, char *err, size_t errlen)
{
	return e->model ? emu_roi_verdict(emu_model_roi(e->model), err, errlen) : 0;
}
const char *emu_marker(const emu_t *e, size_t i) { return i < e->nmarkers ? e->markers[i] : NULL; }
const emu_heat *emu_heatmap(const emu_t *e) { return &e->heat; }
