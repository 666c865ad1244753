/* What scenarios (cli/scenario.c) need from a stopped machine: registers
 * by name, RAM by address, host-issued TLB maintenance and DACR writes,
 * dropping the guest's TLBIs from the model, and fault injection.
 *
 * An injected fault reaches the guest the way DESIGN.md says host-side
 * injection must: the descriptor that maps the target is made invalid, so
 * that QEMU's walker and the model both fault on the next access there;
 * emu_exception_enter then asks emu_inject_take for the fault to report,
 * and the descriptor gets its value back before the guest's handler runs. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "emu/internal.h"
#include "emu/model.h"

bool emu_phys_read32(const emu_t *e, uint32_t pa, uint32_t *value)
{
	if (pa < e->board->ram_base || pa - e->board->ram_base > e->ram_size - 4)
		return false;
	memcpy(value, e->ram + (pa - e->board->ram_base), 4);
	return true;
}

bool emu_phys_write32(emu_t *e, uint32_t pa, uint32_t value)
{
	if (pa < e->board->ram_base || pa - e->board->ram_base > e->ram_size - 4)
		return false;
	memcpy(e->ram + (pa - e->board->ram_base), &value, 4);
	if (e->model)
		emu_model_ram_written(e->model, pa, &value, 4); /* a trace replays it */
	return true;
}

mmu_fault emu_translate(emu_t *e, const mmu_regime *r, uint32_t va, mmu_kind kind, bool user,
			mmu_entry *entry, mmu_trace *trace)
{
	return mmu_translate(r, va, kind, user, 1, &e->mem, NULL, entry, trace);
}

/* The image's .symtab, every offset checked against the file. */
bool emu_elf_symbol(const char *path, const char *name, uint32_t *addr, uint32_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	uint8_t *image = NULL;
	long len = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		len = ftell(f);
	if (len > (long)sizeof(Elf32_Ehdr) && len <= (1L << 30) && fseek(f, 0, SEEK_SET) == 0) {
		image = malloc((size_t)len);
		if (image && fread(image, 1, (size_t)len, f) != (size_t)len) {
			free(image);
			image = NULL;
		}
	}
	fclose(f);
	if (!image)
		return false;
	bool found = false;
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)image;
	uint64_t n = (uint64_t)len;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_shentsize != sizeof(Elf32_Shdr) ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf32_Shdr) > n)
		goto out;
	for (unsigned i = 0; i < eh->e_shnum && !found; i++) {
		Elf32_Shdr sh, strs;
		memcpy(&sh, image + eh->e_shoff + i * sizeof sh, sizeof sh);
		if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh->e_shnum ||
		    (uint64_t)sh.sh_offset + sh.sh_size > n)
			continue;
		memcpy(&strs, image + eh->e_shoff + sh.sh_link * sizeof strs, sizeof strs);
		if ((uint64_t)strs.sh_offset + strs.sh_size > n)
			continue;
		for (uint32_t off = 0; off + sizeof(Elf32_Sym) <= sh.sh_size; off += sizeof(Elf32_Sym)) {
			Elf32_Sym sym;
			memcpy(&sym, image + sh.sh_offset + off, sizeof sym);
			size_t room = strs.sh_size > sym.st_name ? strs.sh_size - sym.st_name : 0;
			const char *s = (const char *)image + strs.sh_offset + sym.st_name;
			if (room > strlen(name) && !memcmp(s, name, strlen(name) + 1)) {
				*addr = sym.st_value;
				*size = sym.st_size;
				found = true;
				break;
			}
		}
	}
out:
	free(image);
	return found;
}

bool emu_virt_read(emu_t *e, uint32_t va, void *buf, size_t len)
{
	return emu_read_virt(e, va, buf, len);
}

bool emu_reg_by_name(emu_t *e, const char *name, uint32_t *value)
{
	static const struct { const char *name; int reg; } named[] = {
		{ "sp", UC_ARM_REG_SP }, { "r13", UC_ARM_REG_SP }, { "lr", UC_ARM_REG_LR },
		{ "r14", UC_ARM_REG_LR }, { "pc", UC_ARM_REG_PC }, { "r15", UC_ARM_REG_PC },
		{ "cpsr", UC_ARM_REG_CPSR }, { "spsr", UC_ARM_REG_SPSR },
	};
	int reg = -1;
	unsigned n;
	char tail;
	if (sscanf(name, "r%u%c", &n, &tail) == 1 && n <= 12 && strlen(name) <= 3)
		reg = UC_ARM_REG_R0 + (int)n; /* R0..R12 are consecutive in unicorn's list */
	for (size_t i = 0; reg < 0 && i < sizeof named / sizeof named[0]; i++)
		if (!strcmp(name, named[i].name))
			reg = named[i].reg;
	if (reg < 0)
		return false;
	uc_reg_read(e->uc, reg, value);
	return true;
}

bool emu_cp15_by_name(emu_t *e, const char *name, uint32_t *value)
{
	static const struct { const char *name; unsigned crn, opc1, crm, opc2; } regs[] = {
		{ "sctlr", 1, 0, 0, 0 }, { "ttbr0", 2, 0, 0, 0 }, { "ttbr1", 2, 0, 0, 1 },
		{ "ttbcr", 2, 0, 0, 2 }, { "dacr", 3, 0, 0, 0 }, { "dfsr", 5, 0, 0, 0 },
		{ "ifsr", 5, 0, 0, 1 }, { "dfar", 6, 0, 0, 0 }, { "ifar", 6, 0, 0, 2 },
		{ "par", 7, 0, 4, 0 }, { "prrr", 10, 0, 2, 0 }, { "nmrr", 10, 0, 2, 1 },
		{ "vbar", 12, 0, 0, 0 }, { "contextidr", 13, 0, 0, 1 },
	};
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
		if (!strcmp(name, regs[i].name)) {
			*value = emu_cp15_read(e, regs[i].crn, regs[i].opc1, regs[i].crm, regs[i].opc2);
			return true;
		}
	return false;
}

/* QEMU's TLB caches permissions and holds entries as long as it likes;
 * after the host changes what a translation gives, it must walk again. */
static void flush_qemu_tlb(emu_t *e)
{
	emu_cp15_write(e, 8, 0, 7, 0, 0); /* TLBIALL reaches QEMU only: no MCR ran */
}

void emu_set_dacr(emu_t *e, uint32_t dacr)
{
	emu_cp15_write(e, 3, 0, 0, 0, dacr);
	if (e->model)
		emu_model_cp15(e->model, 3, 0, 0, 0, dacr);
	flush_qemu_tlb(e);
}

void emu_tlb_maintain(emu_t *e, tlb_op op, uint32_t rt)
{
#define TLB_OP_ENCODING_(A, opname, name, crm, opc2, scope, side) [TLB_OP_##opname] = { crm, opc2 },
	static const unsigned char encoding[TLB_OP_COUNT][2] = { TLB_MAINT_OPS(TLB_OP_ENCODING_, _) };
#undef TLB_OP_ENCODING_
	/* Through the model's own CP15 path, so a recorded trace replays it;
	 * skip_tlbi drops only the guest's operations. */
	unsigned skip = e->inject.skip_tlbi;
	e->inject.skip_tlbi = 0;
	emu_model_cp15(e->model, 8, 0, encoding[op][0], encoding[op][1], rt);
	e->inject.skip_tlbi = skip;
	flush_qemu_tlb(e);
}

mmu_fault emu_tlb_prime(emu_t *e, uint32_t va, mmu_kind kind, bool user)
{
	uint64_t pa;
	return emu_model_access(e->model, va, kind, user, 4, va, &pa);
}

void emu_skip_tlbi(emu_t *e, unsigned count)
{
	e->inject.skip_tlbi = count;
}

unsigned emu_tlbi_skipped(const emu_t *e)
{
	return e->inject.tlbi_skipped;
}

bool emu_inject_drop_tlbi(emu_t *e)
{
	if (!e->inject.skip_tlbi)
		return false;
	e->inject.skip_tlbi--;
	e->inject.tlbi_skipped++;
	return true;
}

bool emu_inject(emu_t *e, const emu_injection *inj, char *err, size_t errlen)
{
	emu_inject_state *s = &e->inject;
	if (!e->model) {
		snprintf(err, errlen, "fault injection needs the model on");
		return false;
	}
	if (s->armed) {
		snprintf(err, errlen, "an injection at 0x%08x is still waiting for its access",
			 s->want.va);
		return false;
	}
	if (inj->type <= MMU_FAULT_NONE || inj->type >= MMU_FAULT_TYPE_COUNT) {
		snprintf(err, errlen, "no such fault type to inject");
		return false;
	}
	const mmu_regime *r = emu_model_regime(e->model);
	if (!(r->sctlr & MMU_SCTLR_M)) {
		snprintf(err, errlen, "the MMU is off: no descriptor to make fault");
		return false;
	}
	mmu_entry m;
	mmu_fault f = mmu_walk(r, inj->va, &e->mem, NULL, &m, NULL);
	if (f.type != MMU_FAULT_NONE) {
		snprintf(err, errlen, "VA 0x%08x does not translate (%s): it faults already",
			 inj->va, mmu_fault_name(f.type));
		return false;
	}
	unsigned level = inj->level ? inj->level : m.levels;
	if (level > m.levels) {
		snprintf(err, errlen, "VA 0x%08x is mapped by a %s: it has no level-%u descriptor",
			 inj->va, mmu_desc_kind_name(m.kind), level);
		return false;
	}
	*s = (emu_inject_state){
		.armed = true, .want = *inj, .domain = m.domain,
		.desc_pa = level == 1 ? m.l1_addr : m.l2_addr,
		.desc_value = level == 1 ? m.l1_desc : m.l2_desc,
		.region_size = level == 1 ? 1u << 20 : 1u << 12,
		.delivered = s->delivered, .skip_tlbi = s->skip_tlbi, .tlbi_skipped = s->tlbi_skipped,
	};
	s->want.level = level;
	s->want.count = inj->count ? inj->count : 1;
	s->region = inj->va & ~(s->region_size - 1);
	emu_phys_write32(e, s->desc_pa, 0);
	/* No TLB may keep using the descriptor: the L1 word of a page table
	 * feeds every page of its MB, a leaf only the pages it maps. */
	emu_tlb_maintain(e, level == 1 ? TLB_OP_TLBIALL : TLB_OP_TLBIMVAA, inj->va & ~0xFFFu);
	return true;
}

bool emu_inject_take(emu_t *e, const emu_fault *fault, emu_fault *out)
{
	emu_inject_state *s = &e->inject;
	if (!s->armed || fault->va - s->region >= s->region_size)
		return false;
	uint32_t now;
	if (!emu_phys_read32(e, s->desc_pa, &now) || now != 0) {
		s->armed = false; /* the guest rewrote the descriptor: not ours any more */
		return false;
	}
	mmu_fault f = { .type = s->want.type, .domain = s->domain,
			.level = s->want.type == MMU_FAULT_ALIGNMENT ? 0 : s->want.level };
	*out = *fault;
	out->fault = f;
	out->fsr = mmu_fsr(&f, fault->kind);
	s->delivered++;
	if (--s->want.count == 0) {
		emu_phys_write32(e, s->desc_pa, s->desc_value);
		s->armed = false;
	}
	return true;
}

unsigned emu_injected(const emu_t *e)
{
	return e->inject.delivered;
}
