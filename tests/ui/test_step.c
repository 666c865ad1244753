/* emu_step: exactly one instruction per step.  From reset, every step adds
 * one to the machine's and the model's instruction counts, and every
 * instruction that cannot write the PC moves it to the next instruction
 * (unless an exception was entered).  A run finishes normally afterwards. */
#include <capstone/capstone.h>

#include "emu/emu.h"
#include "emu/scenario.h"
#include "tests/check.h"

static unsigned exceptions;

static void on_exception(void *ctx, emu_exception kind, uint32_t pc, uint32_t fsr, uint32_t far)
{
	(void)ctx; (void)kind; (void)pc; (void)fsr; (void)far;
	exceptions++;
}

/* Instructions that may branch: checked only by the instruction count. */
static bool may_branch(const cs_insn *insn)
{
	return insn->mnemonic[0] == 'b' || strstr(insn->op_str, "pc") || !strncmp(insn->mnemonic, "svc", 3) ||
	       !strncmp(insn->mnemonic, "cb", 2) || !strncmp(insn->mnemonic, "tb", 2) ||
	       !strncmp(insn->mnemonic, "wfi", 3) || !strncmp(insn->mnemonic, "udf", 3);
}

int main(void)
{
	char err[256];
	emu_t *e = emu_create(&(emu_options){ .model = true, .console = fopen("/dev/null", "w") }, err,
			      sizeof err);
	if (!e) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	emu_set_events(e, &(emu_events){ .on_exception = on_exception });
	csh arm, thumb;
	CHECK(cs_open(CS_ARCH_ARM, CS_MODE_ARM, &arm) == CS_ERR_OK);
	CHECK(cs_open(CS_ARCH_ARM, CS_MODE_THUMB, &thumb) == CS_ERR_OK);
	unsigned sequential = 0, steps = 10000;
	for (unsigned i = 0; i < steps; i++) {
		uint32_t pc, cpsr, next, code[2];
		emu_reg_by_name(e, "pc", &pc);
		emu_reg_by_name(e, "cpsr", &cpsr);
		unsigned before = exceptions;
		uint64_t insns = emu_insns(e);
		CHECK_EQ(emu_step(e), EMU_STOP_INSN_LIMIT);
		CHECK_EQ(emu_insns(e), insns + 1);
		CHECK_EQ(tlb_counter_get(emu_tlb(e), TLB_CNT_instructions), insns + 1);
		emu_reg_by_name(e, "pc", &next);
		cs_insn *insn;
		if (before != exceptions || !emu_virt_read(e, pc, code, sizeof code))
			continue;
		if (cs_disasm((cpsr & 0x20) ? thumb : arm, (const uint8_t *)code, sizeof code, pc, 1, &insn) != 1)
			continue;
		if (!may_branch(insn)) {
			CHECK_EQ(next, pc + insn->size);
			sequential++;
		}
		cs_free(insn, 1);
	}
	CHECK(sequential > steps / 2);
	CHECK_EQ(emu_run(e, 0), EMU_STOP_EXIT);
	CHECK_EQ(emu_exit_code(e), 0);
	CHECK_EQ(emu_disagreements(e), 0);
	CHECK_EQ(tlb_counter_get(emu_tlb(e), TLB_CNT_instructions), emu_insns(e));
	cs_close(&arm);
	cs_close(&thumb);
	emu_destroy(e);
	return check_report();
}
