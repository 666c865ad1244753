/* The one ELF32 reader: the loader copies PT_LOAD segments to their
 * physical addresses (p_paddr), as qemu-system-arm -kernel does; scenarios
 * look symbols up in .symtab.  Every field is checked against the file and
 * RAM, so a corrupt image is an error message or "not found", never a host
 * crash. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/internal.h"
#include "emu/scenario.h"

static bool fail(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return false;
}

/* The whole file (at most 1 GB, not empty), closed; NULL if unreadable. */
static uint8_t *read_whole(FILE *f, long *size)
{
	uint8_t *image = NULL;
	*size = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		*size = ftell(f);
	if (*size > 0 && *size <= (1L << 30) && fseek(f, 0, SEEK_SET) == 0) {
		image = malloc((size_t)*size);
		if (image && fread(image, 1, (size_t)*size, f) != (size_t)*size) {
			free(image);
			image = NULL;
		}
	}
	fclose(f);
	return image;
}

static bool is_elf(const uint8_t *image, long size)
{
	return (size_t)size >= sizeof(Elf32_Ehdr) && !memcmp(image, ELFMAG, SELFMAG);
}

bool emu_load_elf(emu_t *e, const char *path, uint32_t *entry, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open firmware image: %s", path, strerror(errno));
		return false;
	}
	long size;
	uint8_t *image = read_whole(f, &size);
	if (!image)
		return fail(err, errlen, path, "cannot read firmware image (empty or unreadable)");

	bool ok = false;
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)image;
	if (!is_elf(image, size)) {
		fail(err, errlen, path, "not an ELF file");
		goto out;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_ARM || eh->e_type != ET_EXEC) {
		fail(err, errlen, path, "not a 32-bit little-endian ARM executable");
		goto out;
	}
	if (eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phoff > (uint64_t)size ||
	    (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > (uint64_t)size) {
		fail(err, errlen, path, "corrupt ELF: program headers outside the file");
		goto out;
	}
	unsigned loaded = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr ph;
		memcpy(&ph, image + eh->e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || (uint64_t)ph.p_offset + ph.p_filesz > (uint64_t)size) {
			fail(err, errlen, path, "corrupt ELF: segment data outside the file");
			goto out;
		}
		uint64_t lo = ph.p_paddr, hi = lo + ph.p_memsz;
		if (lo < e->board->ram_base || hi > (uint64_t)e->board->ram_base + e->ram_size) {
			snprintf(err, errlen, "%s: segment at physical 0x%08x-0x%08llx is outside "
				 "%s RAM 0x%08x-0x%08llx", path, ph.p_paddr,
				 (unsigned long long)hi - 1, e->board->name, e->board->ram_base,
				 (unsigned long long)e->board->ram_base + e->ram_size - 1);
			goto out;
		}
		uint8_t *dst = e->ram + (ph.p_paddr - e->board->ram_base);
		memcpy(dst, image + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if (hi > e->image_end)
			e->image_end = (uint32_t)hi; /* SYS_HEAPINFO's heap starts here */
		loaded++;
	}
	if (!loaded) {
		fail(err, errlen, path, "ELF has no loadable segment");
		goto out;
	}
	if (eh->e_entry < e->board->ram_base || eh->e_entry - e->board->ram_base >= e->ram_size) {
		fail(err, errlen, path, "entry point is not a physical address in RAM "
		     "(built for another board?)");
		goto out;
	}
	*entry = eh->e_entry;
	ok = true;
out:
	free(image);
	return ok;
}

/* The image's .symtab, every offset checked against the file. */
bool emu_elf_symbol(const char *path, const char *name, uint32_t *addr, uint32_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	long len;
	uint8_t *image = read_whole(f, &len);
	if (!image)
		return false;
	bool found = false;
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)image;
	uint64_t n = (uint64_t)len;
	if (!is_elf(image, len) || eh->e_shentsize != sizeof(Elf32_Shdr) ||
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
