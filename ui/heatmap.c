/* The L1 heatmap: 64x64 cells, one per MB of VA, coloured on a log scale.
 * A white rule marks the user/kernel split at PAGE_OFFSET (0xC0000000);
 * the strip below the grid is the colour scale, zero on the left. */
#include <math.h>
#include <stdlib.h>

#include "firmware/board.h"
#include "ui/ui.h"

enum { CELL = 12, GAP = 1, MARGIN = 16, SCALE_H = 16, GRID = 64 };

/* Viridis-like anchors, interpolated linearly. */
static void colour(double t, unsigned char out[3])
{
	static const unsigned char anchors[5][3] = {
		{ 68, 1, 84 }, { 59, 82, 139 }, { 33, 145, 140 }, { 94, 201, 98 }, { 253, 231, 37 },
	};
	double x = t * 4;
	int i = (int)x;
	if (i >= 4) {
		i = 3;
		x = 4;
	}
	double f = x - i;
	for (int c = 0; c < 3; c++)
		out[c] = (unsigned char)lround(anchors[i][c] * (1 - f) + anchors[i + 1][c] * f);
}

static const uint32_t *metric_values(const model_heat *heat, ui_metric metric)
{
	switch (metric) {
	case UI_METRIC_MISSES: return heat->misses;
	case UI_METRIC_FAULTS: return heat->faults;
	case UI_METRIC_HAZARDS: return heat->hazards;
	case UI_METRIC_WALKS: default: return heat->walks;
	}
}

static void fill(unsigned char *img, unsigned width, unsigned x0, unsigned y0, unsigned w,
		 unsigned h, const unsigned char rgb[3])
{
	for (unsigned y = y0; y < y0 + h; y++)
		for (unsigned x = x0; x < x0 + w; x++)
			for (int c = 0; c < 3; c++)
				img[((size_t)y * width + x) * 3 + c] = rgb[c];
}

int ui_heatmap_png(const model_heat *heat, ui_metric metric, const char *path, char *err,
		   size_t errlen)
{
	const uint32_t *v = metric_values(heat, metric);
	uint32_t max = 0;
	for (unsigned i = 0; i < 4096; i++)
		if (v[i] > max)
			max = v[i];
	const unsigned grid_px = GRID * (CELL + GAP);
	const unsigned width = grid_px + 2 * MARGIN, height = grid_px + 3 * MARGIN + SCALE_H;
	unsigned char *img = malloc((size_t)width * height * 3);
	if (!img) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	static const unsigned char background[3] = { 24, 24, 28 }, empty[3] = { 48, 48, 52 },
				   rule[3] = { 255, 255, 255 };
	fill(img, width, 0, 0, width, height, background);
	double log_max = log1p((double)max);
	for (unsigned slot = 0; slot < 4096; slot++) {
		unsigned row = slot / GRID, col = slot % GRID;
		unsigned char rgb[3];
		if (v[slot] == 0)
			fill(img, width, MARGIN + col * (CELL + GAP), MARGIN + row * (CELL + GAP), CELL,
			     CELL, empty);
		else {
			colour(log1p((double)v[slot]) / log_max, rgb);
			fill(img, width, MARGIN + col * (CELL + GAP), MARGIN + row * (CELL + GAP), CELL,
			     CELL, rgb);
		}
	}
	unsigned split_row = PAGE_OFFSET >> 26;
	fill(img, width, MARGIN - 4, MARGIN + split_row * (CELL + GAP) - 1, grid_px + 8, 1, rule);
	for (unsigned x = 0; x < grid_px; x++) {
		unsigned char rgb[3];
		colour((double)x / (grid_px - 1), rgb);
		fill(img, width, MARGIN + x, 2 * MARGIN + grid_px, 1, SCALE_H, rgb);
	}
	int rc = ui_png_write(path, img, width, height, err, errlen);
	free(img);
	return rc;
}
