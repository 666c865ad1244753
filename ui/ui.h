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
} ui_metric;

/* Renders the 4096 L1 slots of the address space as a 64x64 grid (one cell
 * per MB of VA, row = VA[31:26], column = VA[25:20]) on a log colour scale,
 * and writes it as a PNG.  Returns 0, or -1 with a message in err. */
int ui_heatmap_png(const emu_heat *heat, ui_metric metric, const char *path, char *err,
		   size_t errlen);

/* Writes 8-bit RGB pixels (rows top to bottom) as a PNG. */
int ui_png_write(const char *path, const unsigned char *rgb, unsigned width, unsigned height,
		 char *err, size_t errlen);

#endif
