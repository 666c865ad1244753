/* Retired-instruction accounting per translated block: counted when the
 * block starts (the timer and the budget need them then), told to the
 * model when it ends, cut short by an exception inside it. */
#include "emu/internal.h"

/* Number of instructions in a block; Thumb blocks mix 16- and 32-bit. */
static uint32_t block_insn_count(emu_t *e, uint32_t va, uint32_t size, bool thumb)
{
	if (!thumb)
		return size / 4;
	uint16_t code[2048];
	if (size > sizeof code || !emu_read_virt(e, va, code, size))
		return size / 2;
	uint32_t n = 0;
	for (uint32_t i = 0; i < size / 2; i += emu_thumb_is_32bit(code[i]) ? 2 : 1)
		n++;
	return n;
}

/* The block about to run: unicorn has just translated or found it, and its
 * translation block holds the instruction count, cheaper to ask for than
 * decoding Thumb code through the MMU (with the model off, that reads the
 * CP15 registers from unicorn for every Thumb block).  The TB must be this
 * block (same start and size), else the code is decoded. */
uint32_t emu_block_insns(emu_t *e, uint32_t va, uint32_t size, bool thumb)
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
void emu_block_retire(emu_t *e)
{
	if (e->model && e->block_insns)
		model_retire(e->model, e->block_insns);
	e->block_insns = 0;
}

void emu_block_cut(emu_t *e, uint32_t pc)
{
	if (e->block_insns && pc >= e->block_va && pc < e->block_end) {
		uint32_t ran = block_insn_count(e, e->block_va, pc - e->block_va, e->block_thumb);
		if (ran < e->block_insns) {
			e->insns -= e->block_insns - ran;
			e->block_insns = ran;
		}
	}
	emu_block_retire(e);
}
