/* The zoomed view: the active MBs of the shown address space, each a band
 * of 4 rows x 64 cells of 4 KB, scrolled with the wheel; and the "hottest"
 * list of MBs and pages by the chosen metric. */
#include <math.h>
#include <string.h>

#include "ui/internal.h"

enum { ROWS = 4, COLS = 64, LABEL_CHARS = 11 };

void ui_active_update(ui_t *u)
{
	const ui_space *s = u->space[u->shown_asid];
	u->nactive = 0;
	for (unsigned mb = 0; s && mb < 4096; mb++)
		if (s->page[mb])
			u->active[u->nactive++] = (uint16_t)mb;
	if (u->page_scroll >= u->nactive)
		u->page_scroll = u->nactive ? u->nactive - 1 : 0;
}

mmu_desc_kind ui_va_kind(ui_t *u, uint32_t va)
{
	uint32_t addr, l2;
	uint32_t l1 = ui_l1_desc(u, u->shown_asid, va >> 20, &addr);
	mmu_desc d1 = mmu_desc_decode(1, l1, false);
	if (d1.kind != MMU_DESC_TABLE)
		return d1.kind;
	if (!ui_l2_desc(u, l1, (va >> 12) & 0xFF, &addr, &l2))
		return MMU_DESC_FAULT;
	return mmu_desc_decode(2, l2, false).kind;
}

static int band_height(const ui_t *u)
{
	return ROWS * u->cell + 4;
}

void ui_pages_show(ui_t *u, unsigned mb)
{
	ui_active_update(u);
	u->page_scroll = 0;
	while (u->page_scroll + 1 < u->nactive && u->active[u->page_scroll] < mb)
		u->page_scroll++;
}

void ui_pages_scroll(ui_t *u, int bands)
{
	int to = (int)u->page_scroll + bands;
	u->page_scroll = to < 0 ? 0 : (unsigned)to >= u->nactive ? (u->nactive ? u->nactive - 1 : 0) : (unsigned)to;
}

int ui_pages_cell_at(const ui_t *u, int x, int y)
{
	int bx = x - u->grid.x, by = y - u->grid.y;
	if (bx < 0 || by < 0 || bx >= COLS * u->cell || by >= u->grid.h)
		return -1;
	unsigned band = u->page_scroll + (unsigned)(by / band_height(u));
	int within = by % band_height(u);
	if (within >= ROWS * u->cell || band >= u->nactive)
		return -1;
	return u->active[band] << 8 | ((within / u->cell) * COLS + bx / u->cell);
}

bool ui_pages_cell_centre(const ui_t *u, uint32_t va, int *x, int *y)
{
	unsigned mb = va >> 20, page = (va >> 12) & 0xFF;
	for (unsigned b = u->page_scroll; b < u->nactive; b++) {
		int top = u->grid.y + (int)(b - u->page_scroll) * band_height(u);
		if (top + band_height(u) > u->grid.y + u->grid.h)
			break;
		if (u->active[b] == mb) {
			*x = u->grid.x + (int)(page % COLS) * u->cell + u->cell / 2;
			*y = top + (int)(page / COLS) * u->cell + u->cell / 2;
			return true;
		}
	}
	return false;
}

static uint32_t page_colour(const ui_t *u, uint32_t v, uint32_t max)
{
	if (!v)
		return 0x303034;
	return ui_scale_colour(u->log_scale ? log1p(v) / log1p(max) : (double)v / max);
}

void ui_pages_draw(ui_t *u, SDL_Rect r)
{
	ui_active_update(u);
	int label = LABEL_CHARS * u->cw;
	int cell = (r.w - label - 24) / COLS;
	u->cell = cell < 3 ? 3 : cell > 14 ? 14 : cell;
	int top = r.y + u->ch + 6;
	u->grid = (SDL_Rect){ r.x + 12 + label, top, COLS * u->cell, r.y + r.h - top - u->ch - 4 };
	const ui_space *s = u->space[u->shown_asid];
	unsigned fit = (unsigned)(u->grid.h / band_height(u));
	ui_text(u, r.x + 12, r.y, UI_HEAD, "ASID %u pages: %u active MBs, %u-%u shown; cell 4 KB, row 256 KB",
		u->shown_asid, u->nactive,
		u->nactive ? u->page_scroll + 1 : 0,
		u->page_scroll + fit < u->nactive ? u->page_scroll + fit : u->nactive);
	if (!u->nactive) {
		ui_text(u, r.x + 12, top, UI_DIM, "no page of this address space was touched yet");
		return;
	}
	uint32_t max = 1;
	for (unsigned b = 0; b < u->nactive; b++)
		for (unsigned p = 0; p < 256; p++) {
			uint32_t v = ui_metric_value(ui_page_counts(s, u->active[b], p), u->metric);
			max = v > max ? v : max;
		}
	int gap = u->cell > 6 ? 1 : 0;
	for (unsigned b = u->page_scroll; b < u->nactive && b - u->page_scroll < fit; b++) {
		unsigned mb = u->active[b];
		int y = top + (int)(b - u->page_scroll) * band_height(u);
		ui_text(u, r.x + 12, y, UI_TEXT, "%08x", mb << 20);
		for (unsigned p = 0; p < 256; p++) {
			uint32_t rgb = u->metric == UI_METRIC_KIND
				       ? ui_kind_colour(ui_va_kind(u, mb << 20 | p << 12))
				       : page_colour(u, ui_metric_value(ui_page_counts(s, mb, p), u->metric), max);
			ui_fill(u, u->grid.x + (int)(p % COLS) * u->cell, y + (int)(p / COLS) * u->cell,
				u->cell - gap, u->cell - gap, rgb);
		}
	}
	if (u->hover >= 0) {
		int hx, hy;
		if (ui_pages_cell_centre(u, (uint32_t)u->hover << 12, &hx, &hy))
			ui_frame_rect(u, hx - u->cell / 2 - 1, hy - u->cell / 2 - 1, u->cell + 1, u->cell + 1, 0xffffff);
	}
	if (u->page_scroll + fit < u->nactive)
		ui_text(u, r.x + 12, r.y + r.h - u->ch, UI_DIM, "... %u more MBs below (wheel)",
			u->nactive - u->page_scroll - fit);
}

/* ---- hottest ------------------------------------------------------------ */

static void insert_hot(ui_hot *list, unsigned *n, ui_hot h)
{
	unsigned i = *n < UI_HOT ? (*n)++ : UI_HOT;
	if (i == UI_HOT && h.value <= list[UI_HOT - 1].value)
		return;
	if (i == UI_HOT)
		i--;
	for (; i > 0 && list[i - 1].value < h.value; i--)
		list[i] = list[i - 1];
	list[i] = h;
}

static void hot_update(ui_t *u)
{
	const ui_space *s = u->space[u->shown_asid];
	ui_metric m = u->metric == UI_METRIC_KIND ? UI_METRIC_WALKS : u->metric;
	ui_hot mbs[UI_HOT], pages[UI_HOT];
	unsigned nm = 0, np = 0;
	for (unsigned mb = 0; s && mb < 4096; mb++) {
		uint32_t v = ui_metric_value(&s->mb[mb], m);
		if (v)
			insert_hot(mbs, &nm, (ui_hot){ .va = mb << 20, .value = v });
		for (unsigned p = 0; s->page[mb] && p < 256; p++)
			if ((v = ui_metric_value(&s->page[mb][p], m)))
				insert_hot(pages, &np, (ui_hot){ .va = mb << 20 | p << 12, .value = v, .page = true });
	}
	memcpy(u->hot, mbs, nm * sizeof *mbs);
	memcpy(u->hot + nm, pages, np * sizeof *pages);
	u->nhot = nm + np;
}

void ui_hot_draw(ui_t *u, int x, int y, int bottom)
{
	hot_update(u);
	ui_metric m = u->metric == UI_METRIC_KIND ? UI_METRIC_WALKS : u->metric;
	ui_text(u, x, y, UI_HEAD, "hottest by %s (click to open)", ui_metric_name(m));
	if (!u->nhot)
		ui_text(u, x, y + u->ch, UI_DIM, "nothing counted in ASID %u yet", u->shown_asid);
	for (unsigned i = 0; i < u->nhot; i++) {
		ui_hot *h = &u->hot[i];
		y += u->ch;
		if (y + (i + 1 == u->nhot ? 1 : 2) * u->ch > bottom) {
			ui_text(u, x, y, UI_DIM, "... %u more", u->nhot - i);
			for (; i < u->nhot; i++)
				u->hot[i].at = (SDL_Rect){ 0 };
			break;
		}
		h->at = (SDL_Rect){ x, y, 44 * u->cw, u->ch };
		ui_text(u, x, y, UI_TEXT, "%s 0x%08x  %-8u %s", h->page ? "4 KB" : "1 MB", h->va, h->value,
			mmu_desc_kind_name(h->page ? ui_va_kind(u, h->va)
					   : mmu_desc_decode(1, ui_l1_desc(u, u->shown_asid, h->va >> 20,
									   &(uint32_t){ 0 }), false).kind));
	}
}

bool ui_hot_click(ui_t *u, int x, int y)
{
	for (unsigned i = 0; i < u->nhot; i++) {
		const ui_hot *h = &u->hot[i];
		if (x < h->at.x || y < h->at.y || x >= h->at.x + h->at.w || y >= h->at.y + h->at.h)
			continue;
		if (h->page) {
			u->view = UI_VIEW_PAGES;
			ui_pages_show(u, h->va >> 20);
			u->hover = (int)(h->va >> 12);
		} else {
			u->view = UI_VIEW_L2;
			u->selected_mb = (int)(h->va >> 20);
			u->hover = -1;
		}
		return true;
	}
	return false;
}
