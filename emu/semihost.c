/* ARM semihosting, A-profile (firmware/abi.h): SVC 0x123456 (ARM) or SVC
 * 0xAB (Thumb) with the operation in r0 and a parameter (block) address in
 * r1.  Pointers are guest virtual addresses, read through the current
 * translation regime. */
#include <stdlib.h>
#include <string.h>

#include "emu/internal.h"
#include "firmware/abi.h"

/* The SVC encodings that carry the semihosting immediates. */
#define ARM_SVC(imm)   (0x0F000000u | (imm))
#define THUMB_SVC(imm) (0xDF00u | (imm))

void emu_exit(emu_t *e, int code)
{
	emu_check_regime(e, "at exit");
	e->exited = true;
	e->exit_code = code;
	e->stop = EMU_STOP_EXIT;
	uc_emu_stop(e->uc);
}

static void add_marker(emu_t *e, const char *name, size_t len)
{
	char **grown = realloc(e->markers, (e->nmarkers + 1) * sizeof *grown);
	char *copy = strndup(name, len);
	if (!grown || !copy) {
		free(copy);
		if (grown)
			e->markers = grown;
		return;
	}
	e->markers = grown;
	e->markers[e->nmarkers++] = copy;
	if (e->model)
		model_marker(e->model, copy);
	if (e->events.on_marker)
		e->events.on_marker(e->events.model.ctx, copy);
}

static void write0(emu_t *e, uint32_t va)
{
	char text[1024];
	size_t n = 0;
	while (n < sizeof text - 1 && emu_read_virt(e, va + (uint32_t)n, &text[n], 1) && text[n])
		n++;
	text[n] = 0;
	size_t plen = strlen(MARKER_PREFIX);
	if (!strncmp(text, MARKER_PREFIX, plen)) {
		size_t len = strcspn(text + plen, "\n");
		add_marker(e, text + plen, len);
		return;
	}
	plen = strlen(EXIT_STATUS_PREFIX);
	if (!strncmp(text, EXIT_STATUS_PREFIX, plen)) {
		char *end;
		long status = strtol(text + plen, &end, 10);
		if (end != text + plen && status >= 0 && status <= 255)
			e->reported_status = (int)status;
	}
	fputs(text, e->console);
}

/* Serves the call and returns its r0 value. */
static uint32_t serve(emu_t *e, uint32_t op, uint32_t arg)
{
	uint32_t block[3];
	switch (op) {
	case SYS_WRITEC: {
		char c;
		if (!emu_read_virt(e, arg, &c, 1))
			return (uint32_t)-1;
		fputc(c, e->console);
		return 0;
	}
	case SYS_WRITE0:
		write0(e, arg);
		return 0;
	case SYS_WRITE: { /* {fd, buf, len}: returns the bytes NOT written */
		if (!emu_read_virt(e, arg, block, sizeof block) || (block[0] != 1 && block[0] != 2))
			return (uint32_t)-1;
		uint32_t done = 0;
		char c;
		while (done < block[2] && emu_read_virt(e, block[1] + done, &c, 1)) {
			fputc(c, e->console);
			done++;
		}
		return block[2] - done;
	}
	case SYS_CLOCK: /* centiseconds, on the deterministic instruction clock */
		return (uint32_t)(e->insns / 1000000u);
	case SYS_GET_CMDLINE: { /* {buf, len} */
		if (!emu_read_virt(e, arg, block, 2 * sizeof block[0]))
			return (uint32_t)-1;
		uint32_t len = (uint32_t)strlen(e->cmdline);
		if (len + 1 > block[1] || !emu_write_virt(e, block[0], e->cmdline, len + 1))
			return (uint32_t)-1;
		block[1] = len;
		return emu_write_virt(e, arg + 4, &block[1], 4) ? 0 : (uint32_t)-1;
	}
	case SYS_HEAPINFO: { /* *arg -> {heap base, heap limit, stack base, stack limit} */
		/* As qemu-system-arm 7.2 answers it: the heap is the largest
		 * gap the loaded image leaves in RAM (here: from the image's
		 * end), up to RAM's end; the stack starts there; its limit is
		 * not known (0). */
		uint32_t pointer, info[4];
		uint32_t end = e->board->ram_base + e->ram_size;
		if (!emu_read_virt(e, arg, &pointer, 4))
			return (uint32_t)-1;
		info[0] = e->image_end;
		info[1] = end;
		info[2] = end;
		info[3] = 0;
		return emu_write_virt(e, pointer, info, sizeof info) ? 0 : (uint32_t)-1;
	}
	case SYS_EXIT:
		emu_exit(e, arg == ADP_STOPPED_APPLICATION_EXIT ? 0 : 1);
		return 0;
	case SYS_EXIT_EXTENDED: /* {reason, subcode} */
		if (!emu_read_virt(e, arg, block, 2 * sizeof block[0]))
			emu_exit(e, 1);
		else
			emu_exit(e, block[0] == ADP_STOPPED_APPLICATION_EXIT ? (int)block[1] : 1);
		return 0;
	default:
		return (uint32_t)-1;
	}
}

bool emu_semihost(emu_t *e, uint32_t pc, bool thumb)
{
	if (thumb) {
		uint16_t insn;
		if (!emu_read_virt(e, pc - 2, &insn, 2) || insn != THUMB_SVC(SEMIHOST_SVC_THUMB))
			return false;
	} else {
		uint32_t insn;
		if (!emu_read_virt(e, pc - 4, &insn, 4) || (insn & 0x0FFFFFFF) != ARM_SVC(SEMIHOST_SVC_ARM))
			return false;
	}
	uint32_t op, arg;
	uc_reg_read(e->uc, UC_ARM_REG_R0, &op);
	uc_reg_read(e->uc, UC_ARM_REG_R1, &arg);
	uint32_t ret = serve(e, op, arg);
	uc_reg_write(e->uc, UC_ARM_REG_R0, &ret);
	return true;
}
