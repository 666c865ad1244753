/* Booting a Linux kernel the way qemu-system-arm -kernel does on
 * vexpress-a9 (hw/arm/boot.c): the zImage at RAM + 0x10000, the initrd at
 * RAM + min(RAM / 2, 128 MB), the device tree on the next 4 KB boundary
 * after it; r0 = 0, r1 = the machine type, r2 = the DTB's address, SVC
 * mode with interrupts masked, MMU and caches off.  The device tree is
 * the one given, adjusted as QEMU adjusts it (the memory node's size,
 * /chosen's bootargs and initrd range) and to this machine's one core
 * (the other cpu nodes are removed, so the kernel does not wait for
 * secondaries that never start). */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emu/internal.h"

#define ZIMAGE_LOAD_OFFSET 0x00010000u
#define ZIMAGE_MAGIC_OFFSET 0x24
#define ZIMAGE_MAGIC 0x016F2818u
#define VEXPRESS_MACHINE_TYPE 2272   /* 0x8E0, arch/arm/tools/mach-types */
#define DTB_MAX (1u << 20)
#define DTB_ROOM 0x4000u               /* for the properties added */

static bool fail(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return false;
}

/* Reads the whole file into RAM at pa (at most max bytes); its size in
 * *size. */
static bool load_file(emu_t *e, const char *path, uint32_t pa, uint32_t max, uint32_t *size,
		      const char *what, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open %s: %s", path, what, strerror(errno));
		return false;
	}
	uint8_t *dst = e->ram + (pa - e->board->ram_base);
	size_t n = fread(dst, 1, max, f);
	bool too_big = n == max && fgetc(f) != EOF;
	bool bad = ferror(f);
	fclose(f);
	if (bad)
		return fail(err, errlen, path, "cannot read it");
	if (too_big) {
		snprintf(err, errlen, "%s: the %s does not fit in %u MB of RAM (use --ram)", path, what,
			 e->ram_size >> 20);
		return false;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: the %s is empty", path, what);
		return false;
	}
	*size = (uint32_t)n;
	return true;
}

static bool fdt_ok(int rc, const char *path, char *err, size_t errlen)
{
	if (rc >= 0)
		return true;
	snprintf(err, errlen, "%s: cannot adjust the device tree: %s", path, fdt_strerror(rc));
	return false;
}

/* The device tree as this machine has it, written at dtb_pa. */
static bool place_dtb(emu_t *e, const emu_options *opt, uint32_t dtb_pa, uint32_t initrd_pa,
		      uint32_t initrd_size, char *err, size_t errlen)
{
	const char *path = opt->dtb;
	uint32_t room = e->board->ram_base + e->ram_size - dtb_pa, size;
	if (room < DTB_MAX + DTB_ROOM) {
		snprintf(err, errlen, "%s: no room for the device tree in %u MB of RAM", path,
			 e->ram_size >> 20);
		return false;
	}
	uint8_t *blob = malloc(DTB_MAX);
	if (!blob)
		return fail(err, errlen, path, "out of memory");
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open the device tree: %s", path, strerror(errno));
		free(blob);
		return false;
	}
	size = (uint32_t)fread(blob, 1, DTB_MAX, f);
	fclose(f);
	void *fdt = e->ram + (dtb_pa - e->board->ram_base);
	if (size < sizeof(struct fdt_header) || fdt_check_header(blob) != 0 ||
	    fdt_totalsize(blob) > size) {
		free(blob);
		return fail(err, errlen, path, "not a flattened device tree (DTB)");
	}
	int rc = fdt_open_into(blob, fdt, (int)(fdt_totalsize(blob) + DTB_ROOM));
	free(blob);
	if (!fdt_ok(rc, path, err, errlen))
		return false;
	/* One core: drop every cpu node but the first. */
	int cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus >= 0) {
		int first = fdt_first_subnode(fdt, cpus), next;
		while (first >= 0 && (next = fdt_next_subnode(fdt, first)) >= 0)
			if (!fdt_ok(fdt_del_node(fdt, next), path, err, errlen))
				return false;
	}
	/* Per-core interrupts (the PMU's) name the core each goes to: keep
	 * the first core's only. */
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		int len;
		const fdt32_t *affinity = fdt_getprop(fdt, node, "interrupt-affinity", &len);
		if (!affinity || len <= 4)
			continue;
		fdt32_t first_cpu = affinity[0];
		const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);
		if (!irqs || len < 12)
			continue;
		fdt32_t first_irq[3] = { irqs[0], irqs[1], irqs[2] }; /* GIC: 3 cells */
		if (!fdt_ok(fdt_setprop(fdt, node, "interrupts", first_irq, sizeof first_irq), path,
			    err, errlen) ||
		    !fdt_ok(fdt_setprop(fdt, node, "interrupt-affinity", &first_cpu, sizeof first_cpu),
			    path, err, errlen))
			return false;
	}
	int memory = fdt_path_offset(fdt, "/memory");
	if (memory < 0)
		return fail(err, errlen, path, "the device tree has no /memory node");
	fdt32_t reg[2] = { cpu_to_fdt32(e->board->ram_base), cpu_to_fdt32(e->ram_size) };
	if (!fdt_ok(fdt_setprop(fdt, memory, "reg", reg, sizeof reg), path, err, errlen))
		return false;
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (!fdt_ok(chosen, path, err, errlen) ||
	    !fdt_ok(fdt_setprop_string(fdt, chosen, "bootargs", opt->append ? opt->append : ""),
		    path, err, errlen))
		return false;
	/* A fixed seed for the kernel's random pool (trusted with
	 * CONFIG_RANDOM_TRUST_BOOTLOADER, as Debian's armmp has it): a boot
	 * loader's rng-seed, as U-Boot and QEMU's virt board give one.
	 * Without it the kernel spends about 1 G instructions making entropy
	 * from timer jitter before the first random bytes; fixed, so every
	 * run is the same run. */
	uint8_t seed[64];
	uint32_t x = 0x6D6D7573; /* "mmus" */
	for (size_t i = 0; i < sizeof seed; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		seed[i] = (uint8_t)x;
	}
	if (!fdt_ok(fdt_setprop(fdt, chosen, "rng-seed", seed, sizeof seed), path, err, errlen))
		return false;
	if (initrd_size &&
	    (!fdt_ok(fdt_setprop_u32(fdt, chosen, "linux,initrd-start", initrd_pa), path, err, errlen) ||
	     !fdt_ok(fdt_setprop_u32(fdt, chosen, "linux,initrd-end", initrd_pa + initrd_size), path,
		     err, errlen)))
		return false;
	return fdt_ok(fdt_pack(fdt), path, err, errlen);
}

bool emu_load_linux(emu_t *e, const emu_options *opt, emu_linux_boot *boot, char *err,
		    size_t errlen)
{
	uint32_t base = e->board->ram_base, half = e->ram_size / 2;
	uint32_t initrd_pa = base + (half < (128u << 20) ? half : (128u << 20));
	uint32_t kernel_pa = base + ZIMAGE_LOAD_OFFSET, kernel_size, initrd_size = 0;
	if (!opt->dtb) {
		snprintf(err, errlen, "--kernel needs --dtb: the kernel finds the machine in it");
		return false;
	}
	if (!load_file(e, opt->kernel, kernel_pa, initrd_pa - kernel_pa, &kernel_size, "kernel",
		       err, errlen))
		return false;
	uint32_t magic;
	memcpy(&magic, e->ram + ZIMAGE_LOAD_OFFSET + ZIMAGE_MAGIC_OFFSET, sizeof magic);
	if (kernel_size < ZIMAGE_MAGIC_OFFSET + 4 || magic != ZIMAGE_MAGIC)
		return fail(err, errlen, opt->kernel, "not an ARM zImage (no magic 0x016f2818 at 0x24)");
	uint32_t end = base + e->ram_size;
	if (opt->initrd && !load_file(e, opt->initrd, initrd_pa, end - initrd_pa - DTB_MAX - DTB_ROOM,
				      &initrd_size, "initrd", err, errlen))
		return false;
	uint32_t dtb_pa = (initrd_pa + initrd_size + 0xFFFu) & ~0xFFFu;
	if (!place_dtb(e, opt, dtb_pa, initrd_pa, initrd_size, err, errlen))
		return false;
	e->image_end = dtb_pa + fdt_totalsize(e->ram + (dtb_pa - base));
	*boot = (emu_linux_boot){ .entry = kernel_pa, .r1 = VEXPRESS_MACHINE_TYPE, .r2 = dtb_pa };
	return true;
}
