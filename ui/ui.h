/* ui/: pictures of what the model recorded.  The UI reads state the core
 * recorded; it never hooks unicorn itself. */
#ifndef MMUSCOPE_UI_UI_H
#define MMUSCOPE_UI_UI_H

#include <stddef.h>

#include "emu/emu.h"

typedef enum ui_metric {
	UI_METRIC_WALKS,
	UI_METRIC_MISSES,
	UI_METRIC_FAULTS,
	UI_METRIC_HAZARDS,
	UI_METRIC_KIND,         /* descriptor kind (interactive UI only) */
	UI_METRIC_COUNT
} ui_metric;

/* The interactive UI (`mmuscope ui`): heatmap, L2 tables, TLB contents and
 * the walk stepper over a machine built with the model on. */
typedef struct ui ui_t;

typedef struct ui_options {
	bool headless;          /* SDL's offscreen driver: no window on screen */
	unsigned frames;        /* stop after this many frames; 0: until closed */
	const char *screenshot; /* PNG of the last frame */
	const char *script;     /* synthetic input, one command a line (docs/ui.md) */
	const char *state;      /* write the final UI state here, key=value lines */
	uint64_t speed;         /* instructions per frame; 0: the default */
	bool paused;            /* start paused */
	ui_metric metric;       /* the heatmap's metric at start */
	int width, height;      /* window size; 0: 1280x800 */
	/* Breakpoints: w and f pause only on accesses to the page of break_va
	 * and by the instruction at break_pc (when set), m only at the marker
	 * break_marker; b pauses on the next access that matches. */
	bool has_break_va, has_break_pc;
	uint32_t break_va, break_pc;
	const char *break_marker;
	const emu_options *machine; /* how the machine was built: `r` builds it anew */
} ui_options;

/* The interactive UI (the ui_app library, linked into mmuscope-ui only).
 * Runs the UI on *e until it is closed, the frames ran out or the script
 * quit.  `r` replaces *e with a fresh machine built from opt->machine; the
 * caller destroys *e afterwards.  Returns 0, or -1 with a one-line message
 * in err. */
int ui_run(emu_t **e, const ui_options *opt, char *err, size_t errlen);
/* A metric by name (walks, misses, faults, hazards, kind); false if none. */
bool ui_metric_parse(const char *name, ui_metric *out);
const char *ui_metric_name(ui_metric m);

/* Renders the 4096 L1 slots of the address space as a 64x64 grid (one cell
 * per MB of VA, row = VA[31:26], column = VA[25:20]) on a log colour scale,
 * and writes it as a PNG.  Returns 0, or -1 with a message in err. */
int ui_heatmap_png(const model_heat *heat, ui_metric metric, const char *path, char *err,
		   size_t errlen);

/* Writes a ptdump-style list of the mappings the regime r translates
 * (VA range -> PA, size, kind, kernel/user access, XN, global, domain and,
 * for small pages, the Linux PTE's flags), one merged range a line after a
 * header line; returns the number of ranges. */
size_t ui_ptdump(emu_t *e, const mmu_regime *r, FILE *out);

/* Writes 8-bit RGB pixels (rows top to bottom) as a PNG. */
int ui_png_write(const char *path, const unsigned char *rgb, unsigned width, unsigned height,
		 char *err, size_t errlen);

#endif
