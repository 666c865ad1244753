/* Exceptions unicorn raises (its interrupt hook): SVC (and semihosting),
 * undefined instructions, prefetch and data aborts, each with the fault
 * the architecture gives, cross-checked against the model's prediction. */
#include "emu/internal.h"

enum { EXCP_UDEF = 1, EXCP_SWI = 2, EXCP_PREFETCH_ABORT = 3, EXCP_DATA_ABORT = 4 };

/* With the model off there are no memory hooks, so QEMU's abort does not
 * say which address faulted.  For an instruction decoded_abort cannot
 * place (none the guest runs), find it the way a debugger would: hook
 * memory for one retry of the faulting instruction, record the address of
 * the last access before the abort repeats, then drop the hook. */
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
		f = model_access(e->model, va, kind, user, 4, va, &pa);
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
				       (!emu_thumb_is_32bit(hw[0]) ||
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
void emu_undefined_instruction(emu_t *e, uint32_t pc, bool thumb)
{
	uint32_t len = 4;
	uint16_t first;
	if (thumb && emu_read_virt(e, pc, &first, 2) && !emu_thumb_is_32bit(first))
		len = 2;
	emu_block_cut(e, pc);
	emu_exception_enter(e, EMU_EXC_UND, pc + len, NULL);
}

void emu_intr_hook(uc_engine *uc, uint32_t intno, void *opaque)
{
	emu_t *e = opaque;
	uint32_t pc, cpsr;
	uc_reg_read(uc, UC_ARM_REG_PC, &pc);
	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	bool thumb = cpsr & PSR_T, user = (cpsr & PSR_MODE_MASK) == MODE_USR;
	switch (intno) {
	case EXCP_SWI:
		emu_block_cut(e, pc);
		if (!emu_semihost(e, pc, thumb))
			emu_exception_enter(e, EMU_EXC_SVC, pc, NULL);
		break;
	case EXCP_UDEF:
		emu_undefined_instruction(e, pc, thumb);
		break;
	case EXCP_PREFETCH_ABORT: {
		emu_block_cut(e, pc);
		emu_check_regime(e, "at a prefetch abort");
		emu_fault f = abort_fault(e, NULL, MMU_FETCH, pc, user);
		emu_exception_enter(e, EMU_EXC_PABT, pc + 4, &f);
		break;
	}
	case EXCP_DATA_ABORT: {
		emu_block_cut(e, pc);
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
