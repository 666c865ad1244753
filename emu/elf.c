/* ELF32 little-endian ARM loader: copies PT_LOAD segments to their physical
 * addresses (p_paddr), as qemu-system-arm -kernel does.  Every field is
 * checked against the file and RAM, so a corrupt image is an error message,
 * never a host crash. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/internal.h"

static bool fail(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return false;
}

bool emu_load_elf(emu_t *e, const char *path, uint32_t *entry, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open firmware image: %s", path, strerror(errno));
		return false;
	}
	uint8_t *image = NULL;
	long size = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (size > 0 && size <= (1L << 30) && fseek(f, 0, SEEK_SET) == 0) {
		image = malloc((size_t)size);
		if (image && fread(image, 1, (size_t)size, f) != (size_t)size) {
			free(image);
			image = NULL;
		}
	}
	fclose(f);
	if (!image)
		return fail(err, errlen, path, "cannot read firmware image (empty or unreadable)");

	bool ok = false;
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)image;
	if ((size_t)size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
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
