/* Drawing on the UI's canvas: rectangles and monospaced text.  Text comes
 * from DejaVu Sans Mono (Debian fonts-dejavu-core) through SDL2_ttf; each
 * ASCII glyph is rendered once and then blitted with a colour. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ui/internal.h"

#ifndef MMUSCOPE_FONT
#define MMUSCOPE_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
#endif

bool ui_font_open(ui_t *u, char *err, size_t errlen)
{
	const char *path = getenv("MMUSCOPE_FONT") ? getenv("MMUSCOPE_FONT") : MMUSCOPE_FONT;
	if (TTF_Init() != 0 || !(u->font = TTF_OpenFont(path, 13))) {
		snprintf(err, errlen, "cannot open the font %s: %s (set MMUSCOPE_FONT)", path,
			 TTF_GetError());
		return false;
	}
	/* Hinting off: the same pixels on every machine, for screenshot tests. */
	TTF_SetFontHinting(u->font, TTF_HINTING_NONE);
	TTF_SizeText(u->font, "M", &u->cw, &u->ch);
	for (int c = 32; c < 127; c++)
		u->glyph[c] = TTF_RenderGlyph_Blended(u->font, (Uint16)c, (SDL_Color){ 255, 255, 255, 255 });
	return true;
}

void ui_font_close(ui_t *u)
{
	for (int c = 0; c < 128; c++)
		SDL_FreeSurface(u->glyph[c]);
	if (u->font)
		TTF_CloseFont(u->font);
	TTF_Quit();
}

void ui_fill(ui_t *u, int x, int y, int w, int h, uint32_t rgb)
{
	SDL_FillRect(u->canvas, &(SDL_Rect){ x, y, w, h },
		     SDL_MapRGB(u->canvas->format, rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF));
}

void ui_frame_rect(ui_t *u, int x, int y, int w, int h, uint32_t rgb)
{
	ui_fill(u, x, y, w, 1, rgb);
	ui_fill(u, x, y + h - 1, w, 1, rgb);
	ui_fill(u, x, y, 1, h, rgb);
	ui_fill(u, x + w - 1, y, 1, h, rgb);
}

int ui_text(ui_t *u, int x, int y, uint32_t rgb, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++, x += u->cw) {
		SDL_Surface *g = u->glyph[(unsigned char)*p & 0x7F];
		if (!g)
			continue;
		SDL_SetSurfaceColorMod(g, rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF);
		SDL_BlitSurface(g, NULL, u->canvas, &(SDL_Rect){ x, y, 0, 0 });
	}
	return x;
}

/* Viridis-like anchors, interpolated (as the PNG heatmap). */
uint32_t ui_scale_colour(double t)
{
	static const uint8_t anchors[5][3] = {
		{ 68, 1, 84 }, { 59, 82, 139 }, { 33, 145, 140 }, { 94, 201, 98 }, { 253, 231, 37 },
	};
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	int i = (int)(t * 4);
	if (i > 3)
		i = 3;
	double f = t * 4 - i;
	uint32_t rgb = 0;
	for (int c = 0; c < 3; c++)
		rgb = rgb << 8 | (uint32_t)lround(anchors[i][c] * (1 - f) + anchors[i + 1][c] * f);
	return rgb;
}

uint32_t ui_kind_colour(mmu_desc_kind k)
{
	switch (k) {
	case MMU_DESC_TABLE: return 0xf08c28;
	case MMU_DESC_SECTION: return 0x3c78e6;
	case MMU_DESC_SUPERSECTION: return 0xb45ae6;
	case MMU_DESC_LARGE: return 0x28c8b4;
	case MMU_DESC_SMALL: return 0x50c850;
	case MMU_DESC_RESERVED: return 0xe63c3c;
	default: return 0x303034;
	}
}
